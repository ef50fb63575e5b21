#include "lab/peer/LabPeer.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>

#include "common/log/Log.hpp"
#include "common/proto/Remb.hpp"
#include "common/proto/RtcpPacket.hpp"
#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpWriter.hpp"
#include "controlplane/webrtc/IceCandidate.hpp"
#include "lab/media/MediaPayload.hpp"

namespace portunus::lab {

LabPeerOptions peerOptions(const EchoTestOptions& o) {
  LabPeerOptions po;
  po.audio = o.audio;
  po.video = o.video;
  po.video_bitrate_bps = o.video_bitrate_bps;
  po.video_fps = o.video_fps;
  po.srtp_profile = o.srtp_profile;
  po.trickle = o.trickle;
  po.ice_address = o.ice_address;
  po.nack = o.nack;
  return po;
}

SimulcastSenderConfig simulcastSenderConfig(const LocalMedia& video, std::uint32_t fps) {
  SimulcastSenderConfig sc;
  sc.payload_type = video.payload_type;
  sc.mid = video.mid;
  sc.mid_ext_id = video.mid_ext_id;
  sc.rid_ext_id = video.rid_ext_id;
  sc.fps = fps;
  return sc;
}

namespace {

constexpr std::uint32_t kAudioStreamId = 1;
constexpr std::uint32_t kVideoStreamId = 2;
constexpr std::uint8_t kOfferRtxPayloadType = 97;  // rtx for VP8 96, as browsers number it
constexpr std::uint64_t kFeedbackTickMs = 5;

/** The payload stream id of simulcast layer `layer` of the peer whose stream ids start at `base` (apart from
 *  every peer's audio and video ids, base + 1 and base + 2). */
std::uint32_t simulcastStreamId(std::uint32_t base, std::uint32_t layer) {
  return 1'000'000 + 4 * base + layer;
}

std::uint32_t randomSsrc(std::mt19937& rng) {
  return std::uniform_int_distribution<std::uint32_t>(1, 0xfffffff0u)(rng);
}

}  // namespace

LabPeer::LabPeer(JanusClient& client, std::uint64_t session, std::uint64_t handle, cp::IceLoop& loop,
                 const cp::DtlsIdentity& identity, LabPeerOptions options)
    : client_(client), session_(session), handle_(handle), loop_(loop), identity_(identity), options_(options) {
  std::mt19937 rng{std::random_device{}()};
  audio_ssrc_ = randomSsrc(rng);
  video_ssrc_ = randomSsrc(rng);
  cname_ = "portunus-lab-" + std::to_string(rng() % 1000000);
  rx_buffer_.resize(2048);
}

LabPeer::~LabPeer() {
  {
    std::lock_guard lock(mutex_);
    stop_feedback_ = true;
  }
  cv_.notify_all();
  if (feedback_.joinable()) feedback_.join();
  transport_.reset();  // waits for the loop; no callback runs afterwards
}

void LabPeer::note(std::string event) {
  std::lock_guard lock(mutex_);
  events_.push_back(std::move(event));
}

void LabPeer::fail(const std::string& reason) {
  if (tearing_down_) {
    PLOG(Debug, "lab.peer") << "during teardown: " << reason;
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (failure_.empty()) failure_ = reason;
  }
  PLOG(Warn, "lab.peer") << reason;
  cv_.notify_all();
}

void LabPeer::startGathering(bool controlling) {
  cp::WebRtcTransportOptions transport;
  transport.ice.controlling = controlling;  // the offerer controls (RFC 8445 §6.1.1, both sides full ICE)
  transport.ice.gather_address = options_.ice_address;
  if (options_.srtp_profile) transport.dtls.srtp_profiles = {*options_.srtp_profile};
  cp::WebRtcTransportCallbacks callbacks;
  callbacks.on_local_candidate = [this](const cp::IceCandidate& c) { onLocalCandidate(c); };
  callbacks.on_gathering_done = [this] { onGatheringDone(); };
  callbacks.on_ice_state = [](cp::IceState state) { PLOG(Debug, "lab.peer") << "ICE " << cp::iceStateName(state); };
  callbacks.on_ready = [this](const cp::IceSelectedPair& pair, const cp::DtlsSrtpKeys& keys) {
    PLOG(Info, "lab.peer") << "ICE selected " << pair.local_address << ":" << pair.local_port << " <-> "
                           << pair.remote_address << ":" << pair.remote_port;
    onDtlsConnected(keys);
  };
  callbacks.on_hangup = [this](const std::string& reason) { fail(reason); };
  callbacks.on_media = [this](const std::uint8_t* data, std::size_t len) { onMedia(data, len); };
  transport_ = std::make_unique<cp::WebRtcTransport>(loop_, identity_, transport, std::move(callbacks));
  transport_->gather();
}

void LabPeer::onLocalCandidate(const cp::IceCandidate& candidate) {
  if (options_.trickle == TrickleMode::None) return;  // they go into the SDP
  // All of our m-lines are BUNDLEd on the first one (janus.js sends sdpMid/sdpMLineIndex of the m-line).
  Json trickle = {
      {"candidate", candidate.toString()}, {"sdpMid", media_.empty() ? "0" : media_.front().mid}, {"sdpMLineIndex", 0}};
  bool now = false;
  {
    std::lock_guard lock(mutex_);
    now = trickle_gate_open_;
    if (!now) queued_trickles_.push_back(trickle);
  }
  if (now) sendTrickle(trickle);
}

void LabPeer::onGatheringDone() {
  bool sendCompleted = false;
  {
    std::lock_guard lock(mutex_);
    gathering_done_ = true;
    if (options_.trickle != TrickleMode::None) {
      if (trickle_gate_open_ && !completed_sent_) {
        completed_sent_ = sendCompleted = true;
      }
    }
  }
  PLOG(Debug, "lab.peer") << "gathering done";
  if (sendCompleted) sendTrickle(Json{{"completed", true}});
  cv_.notify_all();
}

void LabPeer::sendTrickle(const Json& candidate) {
  auto ack = client_.trickle(session_, handle_, candidate);
  std::lock_guard lock(mutex_);
  ++counters_.trickles_sent;
  trickle_acks_.push_back(std::move(ack));
}

void LabPeer::openTrickleGate() {
  std::vector<Json> queued;
  bool sendCompleted = false;
  {
    std::lock_guard lock(mutex_);
    trickle_gate_open_ = true;
    queued.swap(queued_trickles_);
    if (gathering_done_ && !completed_sent_ && options_.trickle != TrickleMode::None) {
      completed_sent_ = sendCompleted = true;
    }
  }
  for (const auto& t : queued)
    sendTrickle(t);
  if (sendCompleted) sendTrickle(Json{{"completed", true}});
}

void LabPeer::waitForGathering() {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, std::chrono::seconds(10), [this] { return gathering_done_; })) {
    throw std::runtime_error("ICE gathering did not finish in 10 s");
  }
}

LocalTransport LabPeer::localTransport(sdp::SetupRole setup, bool withCandidates) {
  LocalTransport t;
  t.ufrag = transport_->localUfrag();
  t.pwd = transport_->localPassword();
  t.fingerprint_sha256 = identity_.fingerprintSha256();
  if (options_.bad_fingerprint) {
    // Another certificate's fingerprint as far as the server can tell: flip the first hex digit.
    char& c = t.fingerprint_sha256[0];
    c = c == 'A' ? 'B' : 'A';
  }
  t.setup = setup;
  t.trickle = options_.trickle != TrickleMode::None;
  if (withCandidates) {
    for (const auto& c : transport_->ice().localCandidates())
      t.candidates.push_back(c.toString());
    t.end_of_candidates = true;
  }
  return t;
}

void LabPeer::addRemoteCandidateText(const std::string& text) {
  try {
    if (transport_->addRemoteCandidate(cp::IceCandidate::parse(text))) {
      std::lock_guard lock(mutex_);
      ++counters_.remote_candidates;
    }
  } catch (const std::exception& e) {
    PLOG(Warn, "lab.peer") << "ignoring remote candidate '" << text << "': " << e.what();
  }
}

void LabPeer::applyRemote(const sdp::SessionDescription& remote, cp::DtlsRole role) {
  if (remote.media.empty()) throw std::runtime_error("remote description has no m-line");
  const sdp::TransportAttributes t = remote.effectiveTransport(0);
  if (!t.iceUfrag || !t.icePwd) throw std::runtime_error("remote description has no ICE credentials");
  const auto fp = std::find_if(t.fingerprints.begin(), t.fingerprints.end(),
                               [](const sdp::Fingerprint& f) { return f.algorithm == "sha-256"; });
  if (fp == t.fingerprints.end()) throw std::runtime_error("remote description has no sha-256 fingerprint");
  dtls_role_ = role;
  transport_->setRemote(cp::WebRtcRemoteParameters{*t.iceUfrag, *t.icePwd, fp->algorithm, fp->hex(), role});
  // BUNDLE: the candidates of the first m-line (Janus puts them there) serve every m-line.
  bool endOfCandidates = false;
  for (const auto& m : remote.media) {
    for (const auto& c : m.candidates)
      addRemoteCandidateText("candidate:" + sdp::formatIceCandidate(c));
    endOfCandidates = endOfCandidates || m.endOfCandidates;
  }
  if (endOfCandidates) transport_->setRemoteEndOfCandidates();
}

Json LabPeer::offer(const Json& body) {
  media_ = defaultOfferMedia(options_.audio, options_.video, audio_ssrc_, video_ssrc_);
  if (options_.nack) {
    std::mt19937 rng{std::random_device{}()};
    for (auto& m : media_)
      addRtx(m, nullptr, kOfferRtxPayloadType, randomSsrc(rng));
  }
  if (options_.simulcast) {
    for (auto& m : media_) {
      if (m.kind != MediaKind::Video) continue;
      if (!options_.simulcast_ssrcs.empty()) {
        m.sim_ssrcs = options_.simulcast_ssrcs;
        continue;
      }
      m.rids = {"h", "m", "l"};
      m.mid_ext_id = 4;
      m.rid_ext_id = 10;
    }
  }
  startGathering(true);
  const bool inSdp = options_.trickle == TrickleMode::None;
  if (options_.trickle == TrickleMode::Early) {
    // janus.js may trickle before the offer reaches the server; here every candidate (and `completed`) is
    // acknowledged before the offer is sent, so the server must have queued them.
    waitForGathering();
    openTrickleGate();
    std::vector<std::future<JanusResult>> acks;
    {
      std::lock_guard lock(mutex_);
      acks.swap(trickle_acks_);
    }
    for (auto& ack : acks) {
      JanusResult r = ack.get();
      if (!r.ok) throw std::runtime_error("early trickle refused: " + r.reason);
    }
  }
  if (inSdp) waitForGathering();
  local_sdp_ = sdp::writeSdp(buildDescription(media_, localTransport(sdp::SetupRole::ActPass, inSdp), cname_));
  Json jsep = {{"type", "offer"}, {"sdp", local_sdp_}};
  if (inSdp) jsep["trickle"] = false;
  PLOG(Debug, "lab.peer") << "offer:\n" << local_sdp_;
  auto reply = client_.request(
      Json{{"janus", "message"}, {"session_id", session_}, {"handle_id", handle_}, {"body", body}, {"jsep", jsep}},
      ReplyPolicy::AckThenEvent);
  if (options_.trickle == TrickleMode::Normal) openTrickleGate();
  if (reply.wait_for(std::chrono::seconds(15)) != std::future_status::ready) {
    throw std::runtime_error("no answer to the offer within 15 s");
  }
  JanusResult result = reply.get();
  if (!result.ok) throw JanusApiError(result.error_code, "message with offer: " + result.reason);
  const Json& message = result.message;
  const Json data = message.value("plugindata", Json::object()).value("data", Json::object());
  if (data.contains("error")) {
    throw std::runtime_error("plugin error " + std::to_string(data.value("error_code", 0)) + ": " +
                             data["error"].get<std::string>());
  }
  if (!message.contains("jsep") || message["jsep"].value("type", "") != "answer") {
    throw std::runtime_error("plugin replied without an answer: " + message.dump());
  }
  remote_sdp_ = message["jsep"].value("sdp", "");
  PLOG(Debug, "lab.peer") << "answer:\n" << remote_sdp_;
  const sdp::SessionDescription answer = sdp::parseSdp(remote_sdp_);
  const auto setup = answer.effectiveTransport(0).setup.value_or(sdp::SetupRole::Active);
  if (setup == sdp::SetupRole::ActPass) throw std::runtime_error("answer must not say a=setup:actpass");
  // RFC 5763 §5: the answerer's `active` makes us the DTLS server.
  applyRemote(answer, setup == sdp::SetupRole::Active ? cp::DtlsRole::Server : cp::DtlsRole::Client);
  setupRecovery(answer, true);
  return message;
}

Json LabPeer::answer(const Json& remoteJsep) {
  if (remoteJsep.value("type", "") != "offer") throw std::runtime_error("expected an offer JSEP");
  const sdp::SessionDescription offer = sdp::parseSdp(remoteJsep.value("sdp", ""));
  if (transport_) return reanswer(offer, remoteJsep.value("sdp", ""));  // a renegotiation on this PeerConnection
  remote_sdp_ = remoteJsep.value("sdp", "");
  media_ = answerMedia(offer, options_.audio, options_.video, audio_ssrc_, video_ssrc_);
  if (options_.nack) {
    std::mt19937 rng{std::random_device{}()};
    for (std::size_t i = 0; i < media_.size() && i < offer.media.size(); ++i)
      addRtx(media_[i], &offer.media[i], 0, randomSsrc(rng));
  }
  setupRecovery(offer, false);
  startGathering(false);
  const bool inSdp = options_.trickle == TrickleMode::None;
  applyRemote(offer, cp::DtlsRole::Client);  // we answer `active`, like browsers (RFC 8842 §5.3)
  if (options_.trickle == TrickleMode::Early) openTrickleGate();
  if (inSdp) waitForGathering();
  local_sdp_ = sdp::writeSdp(buildDescription(media_, localTransport(sdp::SetupRole::Active, inSdp), cname_));
  if (options_.trickle == TrickleMode::Normal) openTrickleGate();
  Json jsep = {{"type", "answer"}, {"sdp", local_sdp_}};
  if (inSdp) jsep["trickle"] = false;
  return jsep;
}

void LabPeer::onJanusEvent(const JanusEvent& event) {
  if (event.sender != handle_) return;
  const Json& m = event.message;
  if (event.kind == "webrtcup") {
    note("webrtcup");
    {
      std::lock_guard lock(mutex_);
      webrtcup_ = true;
    }
    cv_.notify_all();
  } else if (event.kind == "media") {
    note("media " + m.value("type", std::string("?")) + " " + (m.value("receiving", false) ? "true" : "false"));
  } else if (event.kind == "hangup") {
    note("hangup " + m.value("reason", std::string()));
    {
      std::lock_guard lock(mutex_);
      hungup_ = true;
    }
    cv_.notify_all();
    fail("server hung up: " + m.value("reason", std::string()));
  } else if (event.kind == "slowlink") {
    note("slowlink " + m.value("media", std::string()) + (m.value("uplink", false) ? " uplink" : " downlink") +
         " lost " + std::to_string(m.value("lost", 0)));
  } else if (event.kind == "trickle") {  // full trickle from the server
    const Json& c = m.value("candidate", Json::object());
    if (c.value("completed", false)) {
      note("trickle completed");
      if (transport_) transport_->setRemoteEndOfCandidates();
    } else if (c.contains("candidate") && transport_) {
      note("trickle candidate");
      addRemoteCandidateText(c["candidate"].get<std::string>());
    }
  } else if (event.kind == "event") {
    const Json data = m.value("plugindata", Json::object()).value("data", Json::object());
    note("event " + data.dump());
  } else {
    note(event.kind);
  }
}

void LabPeer::onDtlsConnected(const cp::DtlsSrtpKeys& keys) {
  try {
    inbound_ = std::make_unique<SrtpSession>(keys.remote, SrtpSession::Direction::Inbound);
    outbound_ = std::make_unique<SrtpSession>(keys.local, SrtpSession::Direction::Outbound);
  } catch (const std::exception& e) {
    fail(std::string("SRTP setup: ") + e.what());
    return;
  }
  PLOG(Info, "lab.peer") << "DTLS connected as " << (dtls_role_ == cp::DtlsRole::Client ? "client" : "server")
                         << ", SRTP profile " << SrtpSession::opensslName(keys.local.profile);
  {
    std::lock_guard lock(mutex_);
    profile_ = keys.local.profile;
    dtls_connected_ = true;
  }
  cv_.notify_all();
  if ((options_.nack || options_.pli_interval_ms) && !feedback_.joinable())
    feedback_ = std::thread([this] { feedbackLoop(); });
}

void LabPeer::onMedia(const std::uint8_t* data, std::size_t len) {
  // WebRtcTransport hands over what RFC 7983 calls RTP/RTCP (first byte 128..191); DTLS stays inside it.
  if (len < 12 || !inbound_) {
    std::lock_guard lock(mutex_);
    ++counters_.other_in;
    return;
  }
  if (len > rx_buffer_.size()) rx_buffer_.resize(len);
  std::copy(data, data + len, rx_buffer_.begin());
  std::size_t clearLen = len;
  const std::uint8_t pt = data[1] & 0x7f;
  const bool rtcp = pt >= 64 && pt <= 95;  // RFC 5761 §4: RTCP packet types 192..223
  const int status = inbound_->unprotect(rx_buffer_.data(), clearLen, rtcp);
  const std::uint64_t now = monotonicNowNs();
  {
    std::lock_guard lock(mutex_);
    if (rtcp) {
      ++(status == 0 ? counters_.srtcp_in : counters_.srtcp_in_failed);
    } else {
      ++(status == 0 ? counters_.srtp_in : counters_.srtp_in_failed);
    }
  }
  if (status == 0 && !rtcp) {
    if (rtp_observer_) {
      rtp_observer_(rx_buffer_.data(), clearLen, now);
    } else {
      const std::uint8_t* packet = options_.nack || options_.pli_interval_ms
                                       ? recoverInbound(rx_buffer_.data(), clearLen, now)
                                       : rx_buffer_.data();
      if (packet) receiver_.receive(std::span<const std::uint8_t>(packet, clearLen), now);
    }
  }
  if (status == 0 && rtcp) {
    // What the server's RTCP asks of us: keyframes (PLI), a bitrate cap (REMB), retransmissions (NACK).
    proto::RtcpCompound compound(rx_buffer_.data(), clearLen);
    proto::RtcpBlock b;
    while (compound.next(b) == proto::RtcpParseStatus::Ok) {
      if (b.type == proto::rtcp::kRtpfb && b.count == proto::rtcp::kFmtNack) {
        std::uint16_t seqs[256];
        const std::size_t n = std::min<std::size_t>(proto::nackSequences(b, seqs, 256), 256);
        {
          std::lock_guard lock(mutex_);
          counters_.nack_in += n;
        }
        if (options_.nack) answerNack(b.media_ssrc(), seqs, n);
        continue;
      }
      proto::Remb remb;
      std::lock_guard lock(mutex_);
      if (b.type == proto::rtcp::kPsfb && (b.count == proto::rtcp::kFmtPli || b.count == proto::rtcp::kFmtFir)) {
        ++counters_.pli_in;
        if (b.media_ssrc() != video_ssrc_) ++counters_.pli_in_other_ssrc;
      } else if (proto::parseRemb(b, remb, nullptr, 0)) {
        ++counters_.remb_in;
        counters_.remb_bps = remb.bps;
      }
    }
  }
}

bool LabPeer::closeDtls(std::chrono::milliseconds timeout) {
  tearing_down_ = true;  // the server's hangup that follows is the expected outcome
  if (transport_) transport_->close();
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return hungup_; });
}

bool LabPeer::sendRtp(std::span<std::uint8_t> packet) {
  if (!outbound_ || !transport_) return false;
  std::size_t len = packet.size();
  if (outbound_->protect(packet.data(), len, packet.size() + RtpSender::kTailroom, false) != 0 ||
      !transport_->sendMedia(packet.data(), len)) {
    std::lock_guard lock(mutex_);
    ++counters_.send_failed;
    return false;
  }
  return true;
}

bool LabPeer::waitForMediaPath(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [this] { return (dtls_connected_ && webrtcup_) || !failure_.empty(); });
  if (!failure_.empty()) return false;
  if (!dtls_connected_)
    failure_ = "DTLS not connected in time";
  else if (!webrtcup_)
    failure_ = "no webrtcup from the server in time";
  return failure_.empty();
}

void LabPeer::runMedia(double seconds, double warmupSeconds, double drainSeconds) {
  using Clock = MediaClock;
  startMedia(warmupSeconds);
  const auto end = media_start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  while (!due_.empty()) {
    const auto next = nextMediaDue();
    if (next >= end) break;
    std::this_thread::sleep_until(next);
    unsigned packets = 0;
    if (!stepMedia(Clock::now(), packets)) break;
  }
  waitForEchoes(drainSeconds);
}

void LabPeer::startMedia(double warmupSeconds) {
  // A second round on the same SSRC continues its RTP sequence and timestamps (a jump would look like a replay).
  std::map<std::uint32_t, std::pair<std::uint16_t, std::uint32_t>> resume;
  for (const auto& s : senders_)
    resume[s->config().ssrc] = {s->nextRtpSequence(), s->nextRtpTimestamp() + 90000};
  senders_.clear();
  first_measured_.clear();
  std::mt19937 rng{std::random_device{}()};
  simulcast_.reset();
  for (const auto& m : media_) {
    if (m.rejected || !sdp::sends(m.direction)) continue;
    if (options_.simulcast_media && m.kind == MediaKind::Video) {
      SimulcastSenderConfig sc = simulcastSenderConfig(m, options_.video_fps);
      sc.stream_id_base = simulcastStreamId(options_.stream_id_base, 0);
      sc.layers = defaultSimulcastLayers(rng());
      if (!m.sim_ssrcs.empty()) {  // a=ssrc-group:SIM: the SSRCs we offered, nothing to announce
        for (std::size_t l = 0; l < sc.layers.size() && l < m.sim_ssrcs.size(); ++l)
          sc.layers[l].ssrc = m.sim_ssrcs[l];
        sc.announce_frames = 0;
      }
      simulcast_ = std::make_unique<SimulcastSender>(sc, rng());
      simulcast_first_ = {};
      simulcast_plis_ = counters().pli_in;
      continue;
    }
    RtpSenderConfig config;
    config.kind = m.kind;
    config.stream_id = options_.stream_id_base + (m.kind == MediaKind::Audio ? kAudioStreamId : kVideoStreamId);
    config.ssrc = m.ssrc;
    config.payload_type = m.payload_type;
    config.video_bitrate_bps = options_.video_bitrate_bps;
    config.video_fps = options_.video_fps;
    if (auto it = resume.find(config.ssrc); it != resume.end()) {
      senders_.push_back(std::make_unique<RtpSender>(config, it->second.first, it->second.second));
    } else {
      senders_.push_back(std::make_unique<RtpSender>(config, static_cast<std::uint16_t>(rng()), rng()));
    }
  }
  first_measured_.assign(senders_.size(), 0);
  media_start_ = MediaClock::now();
  warmup_end_ =
      media_start_ + std::chrono::duration_cast<MediaClock::duration>(std::chrono::duration<double>(warmupSeconds));
  due_.assign(senders_.size() + (simulcast_ ? 1 : 0), media_start_);
  warm_ = warmupSeconds <= 0;
  media_sink_ = [this](std::span<std::uint8_t> packet) {
    if (options_.nack) {  // kept before --drop-every: a dropped packet is one the network lost, it can be resent
      std::lock_guard lock(recovery_mutex_);
      history_.store(packet);
    }
    if (options_.drop_every && ++sent_rtp_ % options_.drop_every == 0) {
      std::lock_guard lock(mutex_);
      ++counters_.dropped_on_purpose;
      return;
    }
    sendProtected(packet.data(), packet.size(), packet.size() + RtpSender::kTailroom, false);
  };
}

LabPeer::MediaClock::time_point LabPeer::nextMediaDue() const {
  if (due_.empty()) return MediaClock::time_point::max();
  return *std::min_element(due_.begin(), due_.end());
}

bool LabPeer::stepMedia(MediaClock::time_point now, unsigned& packets) {
  packets = 0;
  if (due_.empty()) return false;
  if (!warm_ && now >= warmup_end_) {
    warm_ = true;
    for (std::size_t i = 0; i < senders_.size(); ++i)
      first_measured_[i] = senders_[i]->packetsSent();
    for (std::size_t l = 0; simulcast_ && l < simulcast_first_.size(); ++l)
      simulcast_first_[l] = simulcast_->packetsSent(l);
  }
  std::uint64_t plis = 0;
  {
    std::lock_guard lock(mutex_);
    if (!failure_.empty()) return false;
    plis = counters_.pli_in;
  }
  const auto next = std::min_element(due_.begin(), due_.end());
  const std::size_t i = static_cast<std::size_t>(next - due_.begin());
  if (i == senders_.size()) {  // the simulcast layers' next frame
    if (plis != simulcast_plis_) {
      simulcast_plis_ = plis;
      simulcast_->requestKeyframe();
    }
    const std::uint64_t before = simulcastSent();
    simulcast_->sendFrame(media_sink_);
    packets = static_cast<unsigned>(simulcastSent() - before);
    *next += std::chrono::nanoseconds(simulcast_->intervalNs());
    return true;
  }
  const std::uint32_t before = senders_[i]->packetsSent();
  senders_[i]->sendNext(media_sink_);
  packets = senders_[i]->packetsSent() - before;
  *next += std::chrono::nanoseconds(senders_[i]->intervalNs());
  return true;
}

std::uint64_t LabPeer::simulcastSent() const {
  std::uint64_t sent = 0;
  for (std::size_t l = 0; simulcast_ && l < simulcast_->config().layers.size(); ++l)
    sent += simulcast_->packetsSent(l);
  return sent;
}

std::pair<std::uint64_t, std::uint64_t> LabPeer::echoProgress() const {
  std::uint64_t received = 0, sent = 0;
  for (const auto& s : senders_) {
    received += receiver_.received(s->config().stream_id);
    sent += s->packetsSent();
  }
  return {received, sent};
}

void LabPeer::waitForEchoes(double drainSeconds) {
  using Clock = MediaClock;
  // Drain: wait until the echoes stop arriving (nothing new for 300 ms) or the drain time is up.
  const auto drainEnd =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(drainSeconds));
  std::uint64_t last = ~0ull;
  while (Clock::now() < drainEnd) {
    std::uint64_t total = 0, sent = 0;
    for (const auto& s : senders_) {
      total += receiver_.received(s->config().stream_id);
      sent += s->packetsSent();
    }
    if (total >= sent || total == last) break;
    last = total;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

bool LabPeer::sendProtected(std::uint8_t* packet, std::size_t len, std::size_t capacity, bool rtcp) {
  bool ok = false;
  {
    std::lock_guard lock(send_mutex_);
    ok = outbound_ && outbound_->protect(packet, len, capacity, rtcp) == 0 && transport_->sendMedia(packet, len);
  }
  if (!ok) {
    std::lock_guard lock(mutex_);
    ++counters_.send_failed;
  }
  return ok;
}

void LabPeer::setupRecovery(const sdp::SessionDescription& remote, bool remoteIsAnswer) {
  if (!options_.nack && !options_.pli_interval_ms) return;
  std::lock_guard lock(recovery_mutex_);
  for (std::size_t i = 0; i < remote.media.size() && i < media_.size(); ++i) {
    const sdp::MediaDescription& rm = remote.media[i];
    const LocalMedia& local = media_[i];
    if (local.rejected || local.kind != MediaKind::Video) continue;
    // What we send: kept for the server's NACKs, resent on our RTX SSRC if the answer kept the rtx codec.
    if (sdp::sends(local.direction) && options_.nack) {
      bool rtx = local.rtx_payload_type && local.rtx_ssrc;
      if (rtx && remoteIsAnswer) rtx = rm.rtpMap(*local.rtx_payload_type) != nullptr;
      history_.addStream(local.ssrc, rtx ? local.rtx_ssrc : 0, local.rtx_payload_type.value_or(0),
                         static_cast<std::uint16_t>(local.ssrc));
    }
    // What we receive: every SSRC the server announces (its RTX SSRCs from a=ssrc-group:FID).
    if (!sdp::receives(local.direction)) continue;
    for (const auto& a : rm.ssrcs) {
      if (a.attribute != "cname") continue;
      bool isRtx = false;
      for (const auto& g : rm.ssrcGroups)
        if (g.semantics == "FID" && g.ssrcs.size() == 2 && g.ssrcs[1] == a.ssrc) isRtx = true;
      if (isRtx) continue;
      received_.try_emplace(a.ssrc);
      if (const std::uint32_t rtxSsrc = remoteRtxSsrc(rm, a.ssrc)) rtx_of_[rtxSsrc] = {a.ssrc, local.payload_type};
    }
  }
}

const std::uint8_t* LabPeer::recoverInbound(std::uint8_t* packet, std::size_t& len, std::uint64_t nowNs) {
  std::lock_guard lock(recovery_mutex_);
  std::uint32_t ssrc = proto::load32(packet + 8);
  bool rtx = false;
  if (auto it = rtx_of_.find(ssrc); it != rtx_of_.end()) {
    std::size_t offset = 0, outLen = 0;
    if (!unwrapRtx(packet, len, it->second.second, it->second.first, offset, outLen)) return nullptr;
    packet += offset;
    len = outLen;
    ssrc = it->second.first;
    rtx = true;
  }
  auto it = received_.find(ssrc);
  if (it == received_.end()) return packet;
  Received& r = it->second;
  ++r.packets;
  if (options_.nack) {
    if (rtx) r.nack.countRtx();
    r.nack.onPacket(proto::load16(packet + 2), nowNs / 1'000'000);
  }
  if (r.stream_id == 0) {
    std::span<const std::uint8_t> payload;
    PayloadHeader header;
    if (rtpPayload(std::span<const std::uint8_t>(packet, len), payload) == RtpParseStatus::Ok &&
        MediaPayload::verify(payload, header) == PayloadStatus::Ok)
      r.stream_id = header.stream_id;
  }
  return packet;
}

void LabPeer::answerNack(std::uint32_t mediaSsrc, const std::uint16_t* seqs, std::size_t count) {
  std::uint8_t buffer[RetransmitHistory::kMaxPacket + 2 + RtpSender::kTailroom];
  for (std::size_t i = 0; i < count; ++i) {
    bool rtx = false;
    std::size_t len = 0;
    {
      std::lock_guard lock(recovery_mutex_);
      len = history_.rebuild(mediaSsrc, seqs[i], buffer, RetransmitHistory::kMaxPacket + 2, rtx);
    }
    if (len != 0) sendProtected(buffer, len, sizeof(buffer), false);  // a refused send counts in send_failed
    std::lock_guard lock(mutex_);
    ++(len != 0 ? counters_.rtx_sent : counters_.rtx_miss);
  }
}

void LabPeer::feedbackLoop() {
  std::uint64_t nextPliMs = 0;
  std::unique_lock lock(mutex_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(kFeedbackTickMs), [this] { return stop_feedback_; })) {
    lock.unlock();
    const std::uint64_t nowMs = monotonicNowNs() / 1'000'000;
    const bool pli = options_.pli_interval_ms && nowMs >= nextPliMs;
    if (pli) nextPliMs = nowMs + options_.pli_interval_ms;
    sendFeedback(nowMs, pli);
    lock.lock();
  }
}

void LabPeer::sendFeedback(std::uint64_t nowMs, bool pli) {
  // Like a browser: each feedback goes in a compound that starts with a receiver report (RFC 3550 §6.1), one
  // report block for the stream the feedback is about.
  constexpr std::size_t kCap = 1200;
  std::uint8_t buffer[kCap + RtpSender::kTailroom];
  struct Out {
    std::uint32_t ssrc;
    std::uint32_t highest;
    std::vector<std::uint16_t> seqs;
  };
  std::vector<Out> outs;
  {
    std::lock_guard lock(recovery_mutex_);
    for (auto& [ssrc, r] : received_) {
      if (r.packets == 0) continue;  // nothing arrived yet: nothing to ask about
      Out o{ssrc, r.nack.extendedHighest(), {}};
      if (options_.nack) r.nack.due(nowMs, o.seqs);
      if (o.seqs.empty() && !pli) continue;
      outs.push_back(std::move(o));
    }
  }
  for (auto& o : outs) {
    for (std::size_t done = 0; done < o.seqs.size() || (pli && done == 0);) {
      proto::RtcpReportBlock block;
      block.ssrc = o.ssrc;
      block.highest_seq = o.highest;
      std::size_t len = proto::buildRr(buffer, kCap, video_ssrc_, &block, 1);
      std::size_t n = 0;
      if (done < o.seqs.size()) {
        n = std::min<std::size_t>(o.seqs.size() - done, 64);
        len += proto::buildNack(buffer + len, kCap - len, video_ssrc_, o.ssrc, o.seqs.data() + done, n);
      }
      if (pli && done == 0) len += proto::buildPli(buffer + len, kCap - len, video_ssrc_, o.ssrc);
      const bool sent = sendProtected(buffer, len, sizeof(buffer), true);
      {
        std::lock_guard lock(mutex_);
        if (sent && n) {
          counters_.nack_sent += n;
          ++counters_.nack_packets_sent;
        }
        if (sent && pli && done == 0) ++counters_.pli_sent;
      }
      if (n) {
        std::lock_guard lock(recovery_mutex_);
        received_[o.ssrc].nack.countNackPacket();
      }
      done += n ? n : 1;
    }
  }
}

std::vector<StreamResult> LabPeer::results() const {
  return resultsFrom(*this);
}

std::vector<StreamResult> LabPeer::resultsFrom(const LabPeer& source) const {
  std::vector<StreamResult> out;
  for (std::size_t i = 0; i < source.senders_.size(); ++i) {
    const auto& s = *source.senders_[i];
    const auto mid = std::find_if(source.media_.begin(), source.media_.end(),
                                  [&](const LocalMedia& m) { return !m.rejected && m.kind == s.config().kind; });
    out.push_back(StreamResult{s.config().kind, mid == source.media_.end() ? "" : mid->mid,
                               receiver_.report(s.config().stream_id, s.packetsSent(), source.first_measured_[i]),
                               std::nullopt});
    std::lock_guard lock(recovery_mutex_);
    for (const auto& [ssrc, r] : received_)
      if (options_.nack && r.stream_id == s.config().stream_id) out.back().recovery = r.nack.stats();
  }
  const int layer = options_.simulcast_layer;
  if (source.simulcast_ && layer >= 0 && static_cast<std::size_t>(layer) < source.simulcast_->config().layers.size()) {
    const auto& sc = source.simulcast_->config();
    const auto l = static_cast<std::size_t>(layer);
    out.push_back(StreamResult{MediaKind::Video, sc.mid + "/" + sc.layers[l].rid,
                               receiver_.report(sc.stream_id_base + static_cast<std::uint32_t>(l),
                                                source.simulcast_->packetsSent(l), source.simulcast_first_[l]),
                               std::nullopt});
  }
  return out;
}

std::uint64_t LabPeer::bytesSent() const {
  std::uint64_t total = 0;
  for (const auto& s : senders_)
    total += s->bytesSent();
  return total;
}

PeerCounters LabPeer::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

std::string LabPeer::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

std::optional<dp::SrtpProfile> LabPeer::srtpProfile() const {
  std::lock_guard lock(mutex_);
  return profile_;
}

std::vector<std::string> LabPeer::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

}  // namespace portunus::lab
