#include "controlplane/media/PeerConnection.hpp"

#include <algorithm>
#include <chrono>

#include "common/log/Log.hpp"
#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpText.hpp"
#include "controlplane/core/JanusError.hpp"
#include "controlplane/media/LoopbackPlan.hpp"
#include "controlplane/media/MediaService.hpp"
#include "controlplane/webrtc/DtlsSrtpKeys.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"
#include "dataplane/Dataplane.hpp"

namespace portunus::cp {
namespace {

constexpr auto kGatheringTimeout = std::chrono::seconds(5);

std::vector<std::uint8_t> fingerprintBytes(const std::string& hex) {
  std::vector<std::uint8_t> out;
  int nibbles = 0;
  std::uint8_t value = 0;
  for (char ch : hex) {
    int v = -1;
    if (ch >= '0' && ch <= '9') v = ch - '0';
    if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
    if (v < 0) continue;
    value = static_cast<std::uint8_t>((value << 4) | v);
    if (++nibbles == 2) {
      out.push_back(value);
      nibbles = 0;
      value = 0;
    }
  }
  return out;
}

sdp::Direction direction(bool send, bool recv) {
  if (send && recv) return sdp::Direction::SendRecv;
  if (send) return sdp::Direction::SendOnly;
  if (recv) return sdp::Direction::RecvOnly;
  return sdp::Direction::Inactive;
}

std::string_view kindName(dp::MediaKind kind) {
  return kind == dp::MediaKind::Audio ? "audio" : "video";
}

std::string srtpName(dp::SrtpProfile profile) {
  return std::string(srtpProfileInfo(profile).openssl_name);
}

/** Retransmission cache per received video stream: ~1 s of 1200-byte packets at 5 Mbps. */
constexpr std::uint16_t kNackCachePackets = 512;

dp::VideoCodec videoCodec(const NegotiatedMedia& m) {
  if (!m.codec || m.kind != "video") return dp::VideoCodec::Other;
  const auto is = [&](std::string_view name) { return sdp::text::iequals(m.codec->name, name); };
  if (is("VP8")) return dp::VideoCodec::Vp8;
  if (is("VP9")) return dp::VideoCodec::Vp9;
  if (is("H264")) return dp::VideoCodec::H264;
  if (is("AV1")) return dp::VideoCodec::Av1;
  return dp::VideoCodec::Other;
}

std::uint8_t extId(const NegotiatedMedia& m, std::string_view uri) {
  auto id = m.extensionId(uri);
  return id && *id < 256 ? static_cast<std::uint8_t>(*id) : 0;
}

}  // namespace

PeerConnection::PeerConnection(MediaService& service, std::uint64_t sessionId, HandleId handle,
                               const std::string& remoteSdp)
    : service_(service), session_(sessionId), handle_(handle), remoteSdp_(remoteSdp) {
  sdp::SessionDescription offer;
  try {
    offer = sdp::parseSdp(remoteSdp);
  } catch (const sdp::SdpError& e) {
    throw JanusError(ErrorCode::JsepInvalidSdp, std::string("Invalid SDP: ") + e.what());
  }
  if (offer.media.empty()) throw JanusError(ErrorCode::JsepInvalidSdp, "Invalid SDP: no m-line");
  firstMid_ = offer.media[0].mid;
  const sdp::TransportAttributes t = offer.effectiveTransport(0);
  if (!t.iceUfrag || !t.icePwd) throw JanusError(ErrorCode::JsepInvalidSdp, "Invalid SDP: missing ICE credentials");
  auto fp = std::find_if(t.fingerprints.begin(), t.fingerprints.end(),
                         [](const sdp::Fingerprint& f) { return f.algorithm == "sha-256"; });
  if (fp == t.fingerprints.end() && !t.fingerprints.empty()) fp = t.fingerprints.begin();
  if (fp == t.fingerprints.end()) throw JanusError(ErrorCode::JsepInvalidSdp, "Invalid SDP: missing DTLS fingerprint");

  WebRtcRemoteParameters remote;
  remote.ice_ufrag = *t.iceUfrag;
  remote.ice_pwd = *t.icePwd;
  remote.fingerprint_hash = fp->algorithm;
  remote.fingerprint = fp->hex();
  // RFC 5763 §5: the offerer says actpass (or passive); we answer active and are the DTLS client, like Janus.
  remote.local_role = t.setup == sdp::SetupRole::Active ? DtlsRole::Server : DtlsRole::Client;
  dtlsRole_ = remote.local_role;
  remoteFingerprint_ = remote.fingerprint;
  remoteFingerprintHash_ = remote.fingerprint_hash;

  WebRtcTransportCallbacks callbacks = makeCallbacks();
  try {
    transport_ = std::make_unique<WebRtcTransport>(service_.nextLoop(), service_.identity(),
                                                   service_.transportOptions(), std::move(callbacks));
    transport_->setRemote(remote);
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
      const auto& m = offer.media[i];
      for (const auto& c : m.candidates) {
        const IceCandidate candidate = IceCandidate::fromSdp(c);  // the SDP parser checked its grammar
        transport_->addRemoteCandidate(candidate);
        listRemoteCandidate(candidate);
      }
      if (m.endOfCandidates && i == 0) transport_->setRemoteEndOfCandidates();
    }
    transport_->gather();
  } catch (const WebRtcError& e) {
    transport_.reset();
    throw JanusError(ErrorCode::JsepInvalidSdp, std::string("Error setting remote description: ") + e.what());
  }
  remoteApplied_ = true;
  PLOG(Debug, "media") << "handle " << handle_ << ": PeerConnection created, remote offer applied";
}

WebRtcTransportCallbacks PeerConnection::makeCallbacks() {
  WebRtcTransportCallbacks callbacks;
  callbacks.on_local_candidate = [this](const IceCandidate& c) { onLocalCandidate(c); };
  callbacks.on_gathering_done = [this] { onGatheringDone(); };
  callbacks.on_ice_state = [this](IceState s) {
    std::lock_guard lock(mutex_);
    iceState_ = std::string(iceStateName(s));
  };
  callbacks.on_ready = [this](const IceSelectedPair& pair, const DtlsSrtpKeys& keys) { onReady(pair, keys); };
  callbacks.on_pair_changed = [this](const IceSelectedPair& pair) { onPairChanged(pair); };
  callbacks.on_hangup = [this](const std::string& reason) { onTransportHangup(reason); };

  return callbacks;
}

PeerConnection::PeerConnection(MediaService& service, std::uint64_t sessionId, HandleId handle)
    : service_(service), session_(sessionId), handle_(handle), offerer_(true) {
  WebRtcTransportOptions options = service_.transportOptions();
  // RFC 8445 §6.1.1: the full agent that offers takes the controlling role (an ICE-lite server stays controlled).
  options.ice.controlling = !options.ice.ice_lite;
  try {
    transport_ = std::make_unique<WebRtcTransport>(service_.nextLoop(), service_.identity(), std::move(options),
                                                   makeCallbacks());
    transport_->gather();
  } catch (const WebRtcError& e) {
    transport_.reset();
    throw JanusError(ErrorCode::JsepInvalidSdp, std::string("Error creating the PeerConnection: ") + e.what());
  }
  // Trickles may arrive before the answer: the agent keeps candidates that precede the remote credentials.
  remoteApplied_ = true;
  PLOG(Debug, "media") << "handle " << handle_ << ": PeerConnection created to offer";
}

PeerConnection::~PeerConnection() {
  service_.forget(this);  // no new gathering waiter from here on
  {
    std::unique_lock lock(mutex_);
    destroying_ = true;
    gathered_.notify_all();
    waitersGone_.wait(lock, [this] { return gatheringWaiters_ == 0; });
  }
  if (transport_) {
    // WebRtcTransport::close() posts a task that posts DtlsTransport::close()'s own task: let both run before the
    // transport (and its DtlsTransport) goes, or the second one would use a freed SSL object.
    IceLoop& loop = transport_->ice().loop();
    loop.runSync([] {});
    loop.runSync([] {});
  }
  transport_.reset();  // no callback runs after this
  std::lock_guard lock(mutex_);
  releaseDataplaneLocked();
}

bool PeerConnection::readyForCandidates() const {
  std::lock_guard lock(mutex_);
  return remoteApplied_ && !closed_;
}

void PeerConnection::addRemoteCandidate(const nlohmann::json& candidate) {
  std::lock_guard lock(mutex_);
  if (!transport_ || closed_) return;
  if (!candidate.is_object() || candidate.contains("completed")) {
    transport_->setRemoteEndOfCandidates();
    return;
  }
  if (!candidate.contains("candidate") || !candidate["candidate"].is_string()) return;
  // Everything is bundled on the first m-line: a candidate for another one is ignored, as Janus ignores it.
  if (const auto mline = candidate.find("sdpMLineIndex");
      mline != candidate.end() && mline->is_number_integer() && mline->get<std::int64_t>() > 0)
    return;
  if (const auto mid = candidate.find("sdpMid");
      firstMid_ && mid != candidate.end() && mid->is_string() && mid->get<std::string>() != *firstMid_)
    return;
  const std::string text = candidate["candidate"].get<std::string>();
  if (text.empty()) {
    transport_->setRemoteEndOfCandidates();  // an empty candidate string also ends the trickles
    return;
  }
  try {
    const IceCandidate parsed = IceCandidate::parse(text);
    transport_->addRemoteCandidate(parsed);
    listRemoteCandidate(parsed);
  } catch (const WebRtcError& e) {
    PLOG(Debug, "media") << "handle " << handle_ << ": ignoring trickled candidate: " << e.what();
  }
}

bool PeerConnection::closing() const {
  std::lock_guard lock(mutex_);
  return failed_ && !closed_;
}

void PeerConnection::hangup(std::string_view reason) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  closed_ = true;
  PLOG(Info, "media") << "handle " << handle_ << ": PeerConnection closed (" << reason << ")";
  // Our own hangup: tell the peer (close_notify). A transport failure already ended DTLS.
  if (transport_ && reason != "ICE failed" && reason.rfind("DTLS", 0) != 0) transport_->close();
  releaseDataplaneLocked();
}

namespace {
/** A candidate as handle_info lists it (Janus's form: the attribute's value without `candidate:`). */
std::string listedCandidate(const IceCandidate& c) {
  std::string text = c.toString();
  constexpr std::string_view kPrefix = "candidate:";
  return text.substr(text.rfind(kPrefix, 0) == 0 ? kPrefix.size() : 0);
}
}  // namespace

void PeerConnection::listRemoteCandidate(const IceCandidate& c) {
  if (remoteCandidates_.size() < kListedRemoteCandidates) remoteCandidates_.push_back(listedCandidate(c));
}

nlohmann::json PeerConnection::info() const {
  std::lock_guard lock(mutex_);
  nlohmann::json local = nlohmann::json::array();
  for (const auto& c : localCandidates_)
    local.push_back(listedCandidate(c));
  nlohmann::json webrtc = {{"ice",
                            {{"state", iceState_},
                             {"full-trickle", service_.fullTrickle()},
                             {"local-candidates", std::move(local)},
                             {"gathering-done", gatheringDone_}}},
                           {"dtls",
                            {{"state", dtlsState_},
                             {"dtls-state", dtlsState_},
                             {"dtls-role", dtlsRole_ == DtlsRole::Client ? "active" : "passive"},
                             {"fingerprint", transport_ ? transport_->localFingerprint() : std::string()},
                             {"remote-fingerprint", remoteFingerprint_},
                             {"remote-fingerprint-hash", remoteFingerprintHash_},
                             {"srtp-profile", srtpProfile_}}},
                           {"sdp", {{"remote-offer", !remoteSdp_.empty()}, {"negotiated", negotiated_.has_value()}}}};
  webrtc["ice"]["remote-candidates"] = remoteCandidates_;
  if (pair_)
    webrtc["ice"]["selected-pair"] = pair_->local_address + ":" + std::to_string(pair_->local_port) + " <-> " +
                                     pair_->remote_address + ":" + std::to_string(pair_->remote_port);
  nlohmann::json dataplane = {{"transport", transportId_}, {"worker", worker_}};
  if (auto* dp = service_.dataplane(); dp && transportId_ != dp::kInvalidId) {
    const dp::StatsSnapshot stats = dp->stats();
    auto counters = [](const dp::CounterSnapshot& c) {
      return nlohmann::json{{"packets_in", c.packets_in},
                            {"bytes_in", c.bytes_in},
                            {"packets_out", c.packets_out},
                            {"bytes_out", c.bytes_out},
                            {"lost", c.lost},
                            {"nacks", c.nacks},
                            {"drops", c.drops}};
    };
    if (auto it = stats.transports.find(transportId_); it != stats.transports.end())
      dataplane["counters"] = counters(it->second);
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& s : inbound_) {
      nlohmann::json j = {
          {"id", s.id}, {"direction", "in"}, {"mid", s.mid}, {"type", kindName(s.kind)}, {"ssrc", s.ssrc}};
      if (auto it = stats.streams.find(s.id); it != stats.streams.end()) j["counters"] = counters(it->second);
      streams.push_back(std::move(j));
    }
    for (const auto& s : outbound_) {
      nlohmann::json j = {
          {"id", s.id}, {"direction", "out"}, {"mid", s.mid}, {"type", kindName(s.kind)}, {"ssrc", s.ssrc}};
      if (auto it = stats.streams.find(s.id); it != stats.streams.end()) j["counters"] = counters(it->second);
      streams.push_back(std::move(j));
    }
    dataplane["streams"] = std::move(streams);
    dataplane["routes"] = routes_.size();
    dataplane["keyframe-requests"] = keyframesRequested_;
    dataplane["bitrate-cap"] = bitrateCap_;
  }
  webrtc["dataplane"] = std::move(dataplane);
  const bool lite = service_.transportOptions().ice.ice_lite;
  return {{"agent-created", agentCreatedUs_},
          {"ice-mode", lite ? "lite" : "full"},
          {"ice-role", offerer_ && !lite ? "controlling" : "controlled"},  // the full agent that offers controls
          {"webrtc", std::move(webrtc)}};
}

void PeerConnection::enterGatheringWait() {
  std::lock_guard lock(mutex_);
  ++gatheringWaiters_;
}

void PeerConnection::gatheringWait() {
  std::unique_lock lock(mutex_);
  gathered_.wait_for(lock, kGatheringTimeout, [this] { return gatheringDone_ || closed_ || destroying_; });
  if (--gatheringWaiters_ == 0) waitersGone_.notify_all();
}

void PeerConnection::waitForGatheringLocked(std::unique_lock<std::mutex>& lock) {
  if (closed_ || !transport_) throw MediaNegotiationError("PeerConnection closed");
  if (!gathered_.wait_for(lock, kGatheringTimeout, [this] { return gatheringDone_ || closed_; }))
    throw MediaNegotiationError("ICE gathering did not finish");
  if (closed_) throw MediaNegotiationError("PeerConnection closed");
}

JsepLocalTransport PeerConnection::localTransportLocked() {
  JsepLocalTransport local;
  local.iceUfrag = transport_->localUfrag();
  local.icePwd = transport_->localPassword();
  local.iceLite = service_.transportOptions().ice.ice_lite;
  local.fingerprint = sdp::Fingerprint{"sha-256", fingerprintBytes(transport_->localFingerprint())};
  local.fullTrickle = service_.fullTrickle();
  if (!local.fullTrickle) {
    for (const auto& c : localCandidates_) {
      try {
        local.candidates.push_back(sdp::parseIceCandidate(c.toString()));
      } catch (const sdp::SdpError& e) {
        PLOG(Warn, "media") << "handle " << handle_ << ": local candidate not representable: " << e.what();
      }
    }
  }
  local.sessionId = std::to_string(handle_);
  local.sessionVersion = std::to_string(++sessionVersion_);
  return local;
}

nlohmann::json PeerConnection::answer(const AnswerPolicy& policy, const std::string& offerSdp) {
  std::unique_lock lock(mutex_);
  waitForGatheringLocked(lock);
  if (!offerSdp.empty()) remoteSdp_ = offerSdp;
  if (remoteSdp_.empty()) throw MediaNegotiationError("No remote offer to answer");
  pendingOffer_.reset();  // glare: the client's offer wins over one of ours it never answered

  JsepLocalTransport local = localTransportLocked();
  JsepAnswerOptions options;
  options.audio = direction(policy.sendAudio, policy.recvAudio);
  options.video = direction(policy.sendVideo, policy.recvVideo);
  options.preferredAudioCodecs = policy.audioCodecs;
  options.preferredVideoCodecs = policy.videoCodecs;
  options.videoProfile = policy.videoProfile;
  options.restrictToPreferred = policy.restrictCodecs;
  if (negotiated_) options.previous = &*negotiated_;
  try {
    JsepAnswer result = negotiator_.answer(remoteSdp_, local, options);
    if (result.session.remoteIceRestart) {
      // Restarting the libnice stream (new local credentials too) is not implemented: the transport keeps its pair.
      PLOG(Warn, "media") << "handle " << handle_ << ": ICE restart offered and not supported: transport kept";
    }
    const bool renegotiation = negotiated_.has_value();
    negotiated_ = std::move(result.session);
    if (renegotiation && up_ && !syncStreamsLocked()) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane refused the renegotiated streams";
    }
    return {{"type", "answer"}, {"sdp", std::move(result.sdp)}};
  } catch (const JsepError& e) {
    throw MediaNegotiationError(e.what());
  } catch (const sdp::SdpError& e) {
    throw MediaNegotiationError(std::string("Invalid SDP: ") + e.what());
  }
}

nlohmann::json PeerConnection::offer(const OfferSpec& spec) {
  std::unique_lock lock(mutex_);
  waitForGatheringLocked(lock);
  std::vector<JsepOfferStream> streams;
  for (const auto& o : spec.streams) {
    JsepOfferStream s;
    const auto kind = parseMediaKind(o.kind);
    if (!kind) throw MediaNegotiationError("cannot offer an m-line of kind '" + o.kind + "'");
    s.kind = *kind;
    s.codec = o.codec;
    s.payloadType = o.payloadType;
    s.fmtp = o.fmtp;
    s.rtx = o.rtx;
    s.mid = o.mid;
    s.active = o.active;
    if (!o.msidStream.empty()) s.msid = sdp::Msid{o.msidStream, o.msidTrack};
    streams.push_back(std::move(s));
  }
  JsepLocalTransport local = localTransportLocked();
  try {
    pendingOffer_ = negotiator_.offer(streams, local, negotiated_ ? &*negotiated_ : nullptr);
    if (!firstMid_ && !pendingOffer_->description.media.empty()) firstMid_ = pendingOffer_->description.media[0].mid;
  } catch (const JsepError& e) {
    throw MediaNegotiationError(e.what());
  }
  return {{"type", "offer"}, {"sdp", pendingOffer_->sdp}};
}

void PeerConnection::acceptAnswer(const std::string& answerSdp) {
  std::lock_guard lock(mutex_);
  if (closed_ || !transport_) throw MediaNegotiationError("PeerConnection closed");
  if (!pendingOffer_) throw MediaNegotiationError("No offer of ours is waiting for an answer");
  NegotiatedSession session;
  try {
    session = negotiator_.processAnswer(*pendingOffer_, answerSdp);
  } catch (const JsepError& e) {
    throw MediaNegotiationError(e.what());
  } catch (const sdp::SdpError& e) {
    throw MediaNegotiationError(std::string("Invalid SDP: ") + e.what());
  }
  pendingOffer_.reset();
  remoteSdp_ = answerSdp;
  const bool first = !negotiated_.has_value();
  if (!first) {
    // Renegotiation: the transport stays (its DTLS role was fixed by the first answer); only new ICE credentials
    // (an ICE restart from the client) reach the agent.
    session.localSetup = negotiated_->localSetup;
    if (session.bundleMids.empty()) {
      // Every m-line removed (JsepNegotiator::processAnswer): the answer names no transport; ours stays.
      session.remoteIceUfrag = negotiated_->remoteIceUfrag;
      session.remoteIcePwd = negotiated_->remoteIcePwd;
      session.remoteIceLite = negotiated_->remoteIceLite;
      session.remoteFingerprint = negotiated_->remoteFingerprint;
      session.remoteSetup = negotiated_->remoteSetup;
    }
    session.remoteIceRestart =
        negotiated_->remoteIceUfrag != session.remoteIceUfrag || negotiated_->remoteIcePwd != session.remoteIcePwd;
    if (session.remoteIceRestart) {
      PLOG(Warn, "media") << "handle " << handle_ << ": answer restarts ICE, not supported: transport kept";
    }
    negotiated_ = std::move(session);
    if (up_ && !syncStreamsLocked()) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane refused the renegotiated streams";
    }
    return;
  }
  negotiated_ = std::move(session);
  WebRtcRemoteParameters remote;
  remote.ice_ufrag = negotiated_->remoteIceUfrag;
  remote.ice_pwd = negotiated_->remoteIcePwd;
  remote.fingerprint_hash = negotiated_->remoteFingerprint.algorithm;
  remote.fingerprint = negotiated_->remoteFingerprint.hex();
  // RFC 5763 §5: we offered actpass; the answer's `active` makes us the DTLS server (and we then pick the SRTP
  // profile: GCM first), `passive` the client.
  remote.local_role = negotiated_->localSetup == sdp::SetupRole::Passive ? DtlsRole::Server : DtlsRole::Client;
  try {
    transport_->setRemote(remote);
    for (const auto& c : negotiated_->remoteCandidates)
      transport_->addRemoteCandidate(IceCandidate::fromSdp(c));  // the SDP parser checked its grammar
    if (negotiated_->remoteEndOfCandidates) transport_->setRemoteEndOfCandidates();
  } catch (const WebRtcError& e) {
    throw MediaNegotiationError(std::string("Error setting remote description: ") + e.what());
  }
  PLOG(Debug, "media") << "handle " << handle_ << ": answer applied, DTLS "
                       << (remote.local_role == DtlsRole::Server ? "server" : "client");
}

std::vector<StreamDescription> PeerConnection::describe() const {
  std::lock_guard lock(mutex_);
  std::vector<StreamDescription> out;
  if (!negotiated_) return out;
  for (const auto& m : negotiated_->media) {
    StreamDescription d;
    d.mid = m.mid;
    d.kind = m.kind;
    d.active = m.accepted && m.direction != sdp::Direction::Inactive;  // an inactive m-line carries nothing
    d.receiving = m.accepted && sdp::receives(m.direction);
    d.sending = m.accepted && sdp::sends(m.direction);
    if (m.codec) {
      d.codec = m.codec->name;
      d.payloadType = m.codec->payloadType;
      d.clockRate = m.codec->clockRate;
      d.channels = m.codec->channels;
      d.fmtp = m.codec->fmtp;
      d.rtxPayloadType = m.codec->rtxPayloadType;
    }
    if (d.receiving) {
      for (const auto& rs : m.remoteStreams) {
        d.ssrcs.push_back(rs.ssrc);
        d.rtxSsrcs.push_back(rs.rtxSsrc.value_or(0));
      }
      d.rids = m.remoteRids;
      d.simulcast = m.remoteSimulcast;
    }
    for (const auto& f : m.rtcpFeedback)
      d.rtcpFeedback.push_back(f.parameter.empty() ? f.type : f.type + " " + f.parameter);
    for (const auto& in : inbound_)
      if (in.mid == m.mid) d.inboundIds.push_back(in.id);
    for (const auto& o : outbound_)
      if (o.mid == m.mid) d.outboundId = o.id;
    if (d.sending && m.localSsrc) d.localSsrc = *m.localSsrc;
    out.push_back(std::move(d));
  }
  return out;
}

void PeerConnection::setLoopback(const LoopbackPolicy& policy) {
  std::lock_guard lock(mutex_);
  loopback_ = policy;
  if (up_) applyRoutesLocked();
}

void PeerConnection::onLocalCandidate(const IceCandidate& candidate) {
  {
    std::lock_guard lock(mutex_);
    localCandidates_.push_back(candidate);
  }
  if (!service_.fullTrickle()) return;
  // Full trickle: every candidate goes out as a `trickle` event (bundle: the first m-line).
  service_.post([&svc = service_, sid = session_, hid = handle_, text = candidate.toString()] {
    svc.sendEvent(sid, hid,
                  {{"janus", "trickle"}, {"candidate", {{"sdpMid", "0"}, {"sdpMLineIndex", 0}, {"candidate", text}}}});
  });
}

void PeerConnection::onGatheringDone() {
  {
    std::lock_guard lock(mutex_);
    gatheringDone_ = true;
  }
  gathered_.notify_all();
  if (!service_.fullTrickle()) return;
  service_.post([&svc = service_, sid = session_, hid = handle_] {
    svc.sendEvent(sid, hid, {{"janus", "trickle"}, {"candidate", {{"completed", true}}}});
  });
}

void PeerConnection::onReady(const IceSelectedPair& pair, const DtlsSrtpKeys& keys) {
  bool refused = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    pair_ = pair;
    dtlsState_ = "connected";
    srtpProfile_ = srtpName(keys.local.profile);
    if (!negotiated_) {
      PLOG(Warn, "media") << "handle " << handle_ << ": transport up before an answer was made";
      return;
    }
    if (!programDataplaneLocked(pair, keys)) {
      releaseDataplaneLocked();
      // A full dataplane table is no silent drop: the client gets `hangup` with this reason (the plugin
      // hangup_media), as for any PeerConnection that cannot carry media.
      if (tableFull_) {
        failed_ = true;
        refused = true;
      }
    } else {
      up_ = true;
      applyRoutesLocked();
      if (failed_) return;  // the route table was full: hung up, never `webrtcup`
    }
  }
  if (refused) {
    PLOG(Warn, "media") << "handle " << handle_ << ": dataplane table full, hanging up";
    service_.hangupHandle(handle_, "Dataplane table full");
    return;
  }
  PLOG(Info, "media") << "handle " << handle_ << ": PeerConnection up (" << pair.local_address << ":" << pair.local_port
                      << " <-> " << pair.remote_address << ":" << pair.remote_port << ", " << srtpProfile_ << ")";
  service_.mediaUp(handle_);
}

void PeerConnection::onPairChanged(const IceSelectedPair& pair) {
  std::lock_guard lock(mutex_);
  pair_ = pair;
  auto* dp = service_.dataplane();
  if (!dp || transportId_ == dp::kInvalidId) return;
  const auto status = dp->updateTransport(transportId_, {dp::parseIpv4(pair.local_address), pair.local_port},
                                          {dp::parseIpv4(pair.remote_address), pair.remote_port});
  if (status != dp::ApiStatus::Ok) {
    PLOG(Warn, "media") << "handle " << handle_ << ": dataplane updateTransport: " << dp::apiStatusName(status);
  }
}

void PeerConnection::onTransportHangup(const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    failed_ = true;
    if (reason.rfind("DTLS", 0) == 0) dtlsState_ = "failed";
  }
  gathered_.notify_all();
  // Janus words every DTLS failure (alert, close_notify, fingerprint mismatch, handshake error) "DTLS alert" in the
  // hangup event; the detail goes to the log.
  const bool dtls = reason.rfind("DTLS", 0) == 0;
  if (dtls) {
    PLOG(Info, "media") << "handle " << handle_ << ": " << reason;
  }
  service_.hangupHandle(handle_, dtls ? std::string("DTLS alert") : reason);
}

bool PeerConnection::programDataplaneLocked(const IceSelectedPair& pair, const DtlsSrtpKeys& keys) {
  auto* dp = service_.dataplane();
  if (!dp || !dp->running()) return true;  // negotiation-only mode: nothing to program
  dp::TransportSpec spec;
  spec.local = {dp::parseIpv4(pair.local_address), pair.local_port};
  spec.remote = {dp::parseIpv4(pair.remote_address), pair.remote_port};
  spec.rx_keys = keys.remote;
  spec.tx_keys = keys.local;
  spec.worker = service_.workerFor(handle_);
  if (spec.local.ip == 0 || spec.remote.ip == 0) {
    PLOG(Warn, "media") << "handle " << handle_ << ": selected pair is not IPv4, media stays off the fast path";
    return false;
  }
  auto status = dp->addTransport(spec, transportId_);
  tableFull_ = status == dp::ApiStatus::TableFull;
  if (status != dp::ApiStatus::Ok) {
    PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addTransport: " << dp::apiStatusName(status);
    transportId_ = dp::kInvalidId;
    return false;
  }
  worker_ = spec.worker;
  if (bitrateCap_ != 0) dp->setBitrateCap(transportId_, bitrateCap_);
  return syncStreamsLocked();
}

void PeerConnection::setBitrateCap(std::uint64_t bps) {
  std::lock_guard lock(mutex_);
  bitrateCap_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(bps, 0xffffffffu));
  auto* dp = service_.dataplane();
  if (!dp || transportId_ == dp::kInvalidId) return;
  const auto status = dp->setBitrateCap(transportId_, bitrateCap_);
  if (status != dp::ApiStatus::Ok) {
    PLOG(Warn, "media") << "handle " << handle_ << ": dataplane setBitrateCap: " << dp::apiStatusName(status);
  }
}

void PeerConnection::setFirFreq(std::uint32_t seconds) {
  std::lock_guard lock(mutex_);
  firFreq_ = seconds;
  auto* dp = service_.dataplane();
  if (!dp || transportId_ == dp::kInvalidId) return;
  for (const auto& in : inbound_)
    if (in.kind == dp::MediaKind::Video) dp->setFirFreq(in.id, seconds);
}

bool PeerConnection::syncStreamsLocked() {
  auto* dp = service_.dataplane();
  if (!dp || transportId_ == dp::kInvalidId) return true;
  // What the negotiation asks for.
  struct Wanted {
    const NegotiatedMedia* media;
    dp::MediaKind kind;
    std::uint32_t ssrc;
    std::uint32_t rtx;
    std::uint8_t layer;
    std::string rid;
  };
  std::vector<Wanted> wantIn, wantOut;
  for (const auto& m : negotiated_->media) {
    if (!m.accepted || !m.codec || (m.kind != "audio" && m.kind != "video")) continue;
    const dp::MediaKind kind = m.kind == "audio" ? dp::MediaKind::Audio : dp::MediaKind::Video;
    if (sdp::receives(m.direction)) {
      for (std::size_t i = 0; i < m.remoteStreams.size(); ++i) {
        const auto& rs = m.remoteStreams[i];
        wantIn.push_back({&m, kind, rs.ssrc, rs.rtxSsrc.value_or(0), static_cast<std::uint8_t>(i), {}});
      }
      // Simulcast by rid without a=ssrc lines (Chromium): one stream per rid, its SSRC learned from the rid
      // extension. Janus's default rid order ("hml"): a=simulcast lists the highest layer first; layers are kept
      // lowest first.
      if (m.remoteStreams.empty() && m.remoteRids.size() > 1 && extId(m, ext::kMid) && extId(m, ext::kRid)) {
        const std::size_t n = m.remoteRids.size();
        for (std::size_t layer = 0; layer < n; ++layer)
          wantIn.push_back({&m, kind, 0, 0, static_cast<std::uint8_t>(layer), m.remoteRids[n - 1 - layer]});
      }
    }
    if (sdp::sends(m.direction) && m.localSsrc)
      wantOut.push_back({&m, kind, *m.localSsrc, m.localRtxSsrc.value_or(0), 0, {}});
  }
  const auto wanted = [](const std::vector<Wanted>& list, const std::string& mid, std::uint32_t ssrc, std::uint32_t rtx,
                         const std::string& rid) {
    return std::any_of(list.begin(), list.end(), [&](const Wanted& w) {
      return w.media->mid == mid && w.ssrc == ssrc && w.rtx == rtx && w.rid == rid;
    });
  };

  // Add what is new.
  bool ok = true;
  for (const auto& w : wantIn) {
    const NegotiatedMedia& m = *w.media;
    if (std::any_of(inbound_.begin(), inbound_.end(), [&](const Inbound& in) {
          return in.mid == m.mid && in.ssrc == w.ssrc && in.rtxSsrc == w.rtx && in.rid == w.rid;
        }))
      continue;
    std::vector<std::uint8_t> pts{m.codec->payloadType};
    if (m.codec->rtxPayloadType) pts.push_back(*m.codec->rtxPayloadType);
    dp::InboundStreamSpec in;
    in.transport = transportId_;
    in.ssrc = w.ssrc;
    in.rtx_ssrc = w.rtx;
    in.kind = w.kind;
    in.mid = m.mid;
    in.payload_types = pts;
    in.clock_rate = m.codec->clockRate;
    in.mid_ext_id = extId(m, ext::kMid);
    in.rid_ext_id = extId(m, ext::kRid);
    in.abs_send_time_ext_id = extId(m, ext::kAbsSendTime);
    in.twcc_ext_id = extId(m, ext::kTransportCc);
    in.layer = w.layer;
    in.rid = w.rid;
    in.codec = videoCodec(m);
    if (m.codec->rtxPayloadType) in.rtx_payload_types.push_back({*m.codec->rtxPayloadType, m.codec->payloadType});
    if (w.kind == dp::MediaKind::Video) {
      in.fir_freq_s = firFreq_;
      // Retransmissions for subscribers' NACKs, and NACKs of our own toward the publisher when it accepts them.
      if (m.hasFeedback("nack")) {
        in.nack_cache_packets = kNackCachePackets;
        in.generate_nack = true;
      }
    }
    dp::StreamId id = dp::kInvalidId;
    const auto status = dp->addInboundStream(in, id);
    tableFull_ = status == dp::ApiStatus::TableFull;
    if (status != dp::ApiStatus::Ok) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addInboundStream(mid " << m.mid
                          << "): " << dp::apiStatusName(status);
      ok = false;
      continue;
    }
    inbound_.push_back({m.mid, w.kind, w.ssrc, id, w.rtx, w.rid});
    service_.registerStream(id, session_, handle_, m.mid, w.kind, true);
  }
  for (const auto& w : wantOut) {
    const NegotiatedMedia& m = *w.media;
    if (std::any_of(outbound_.begin(), outbound_.end(),
                    [&](const Outbound& o) { return o.mid == m.mid && o.ssrc == w.ssrc; }))
      continue;
    std::vector<std::uint8_t> pts{m.codec->payloadType};
    if (m.codec->rtxPayloadType) pts.push_back(*m.codec->rtxPayloadType);
    dp::OutboundStreamSpec out;
    out.transport = transportId_;
    out.ssrc = w.ssrc;
    out.rtx_ssrc = w.rtx;
    out.kind = w.kind;
    out.mid = m.mid;
    out.payload_types = pts;
    out.clock_rate = m.codec->clockRate;
    out.mid_ext_id = extId(m, ext::kMid);
    out.abs_send_time_ext_id = extId(m, ext::kAbsSendTime);
    out.twcc_ext_id = extId(m, ext::kTransportCc);
    if (m.codec->rtxPayloadType) out.rtx_payload_types.push_back({*m.codec->rtxPayloadType, m.codec->payloadType});
    dp::StreamId id = dp::kInvalidId;
    const auto status = dp->addOutboundStream(out, id);
    tableFull_ = status == dp::ApiStatus::TableFull;
    if (status != dp::ApiStatus::Ok) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addOutboundStream(mid " << m.mid
                          << "): " << dp::apiStatusName(status);
      ok = false;
      continue;
    }
    outbound_.push_back({m.mid, w.kind, w.ssrc, id});
    service_.registerStream(id, session_, handle_, m.mid, w.kind, false);
  }

  // What the negotiation dropped: routes first (ours and the MediaService's), then the streams.
  std::vector<dp::StreamId> gone;
  for (auto it = inbound_.begin(); it != inbound_.end();) {
    if (wanted(wantIn, it->mid, it->ssrc, it->rtxSsrc, it->rid)) {
      ++it;
      continue;
    }
    gone.push_back(it->id);
    service_.unregisterStream(it->id);
    it = inbound_.erase(it);
  }
  for (auto it = outbound_.begin(); it != outbound_.end();) {
    if (std::any_of(wantOut.begin(), wantOut.end(),
                    [&](const Wanted& w) { return w.media->mid == it->mid && w.ssrc == it->ssrc; })) {
      ++it;
      continue;
    }
    gone.push_back(it->id);
    service_.unregisterStream(it->id);
    it = outbound_.erase(it);
  }
  for (auto it = routes_.begin(); it != routes_.end();) {
    const bool touches = std::find(gone.begin(), gone.end(), it->in) != gone.end() ||
                         std::find(gone.begin(), gone.end(), it->out) != gone.end();
    if (!touches) {
      ++it;
      continue;
    }
    dp->removeRoute(it->id);
    it = routes_.erase(it);
  }
  publishStreamsLocked();
  for (auto id : gone) {
    const auto status = dp->removeStream(id);
    if (status != dp::ApiStatus::Ok) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane removeStream: " << dp::apiStatusName(status);
    }
  }
  if (up_) applyRoutesLocked();
  return ok;
}

void PeerConnection::publishStreamsLocked() {
  MediaService::HandleStreams streams;
  streams.worker = worker_;
  for (const auto& m : negotiated_->media) {
    if (!m.accepted || !m.codec) continue;
    MediaService::HandleStream s;
    s.mid = m.mid;
    s.video = m.kind == "video";
    s.payloadType = m.codec->payloadType;
    s.rtxPayloadType = m.codec->rtxPayloadType.value_or(0);
    for (const auto& in : inbound_)
      if (in.mid == m.mid) s.inbound.push_back(in.id);
    for (const auto& o : outbound_)
      if (o.mid == m.mid) s.outbound = o.id;
    if (s.inbound.empty() && s.outbound == dp::kInvalidId) continue;
    streams.streams.push_back(std::move(s));
  }
  service_.publishStreams(handle_, std::move(streams));
}

void PeerConnection::applyRoutesLocked() {
  auto* dp = service_.dataplane();
  if (!dp || transportId_ == dp::kInvalidId || !loopback_) return;
  std::vector<PlanStream> in, out;
  std::vector<PlanRoute> routes;
  for (const auto& s : inbound_)
    in.push_back({s.mid, s.kind, s.id});
  for (const auto& s : outbound_)
    out.push_back({s.mid, s.kind, s.id});
  for (const auto& r : routes_)
    routes.push_back({r.in, r.out, r.id});
  const LoopbackPlan plan = planLoopback(*loopback_, in, out, routes, bitrateCap_);
  for (const auto& r : plan.remove) {
    dp->removeRoute(r.id);
    routes_.erase(std::remove_if(routes_.begin(), routes_.end(), [&](const Route& x) { return x.id == r.id; }),
                  routes_.end());
  }
  for (const auto& r : plan.add) {
    dp::RouteSpec spec;
    spec.in = r.in;
    spec.out = r.out;
    dp::RouteId id = dp::kInvalidId;
    const auto status = dp->addRoute(spec, id);
    if (status == dp::ApiStatus::Ok) {
      routes_.push_back({r.in, r.out, id});
    } else {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addRoute(stream " << r.in
                          << "): " << dp::apiStatusName(status);
      // A full route table is no silent drop either: the handle is hung up with the reason, as when the stream
      // table is full (hangupHandle only posts to the API loop, so it may be called under our lock).
      if (status == dp::ApiStatus::TableFull && !failed_) {
        failed_ = true;
        tableFull_ = true;
        PLOG(Warn, "media") << "handle " << handle_ << ": dataplane route table full, hanging up";
        service_.hangupHandle(handle_, "Dataplane table full");
        return;
      }
    }
  }
  // Keyframe on start and when video is switched back on, so the echoed video decodes at once (Janus's EchoTest
  // sends a PLI in both cases).
  for (dp::StreamId id : plan.keyframes) {
    const auto status = dp->requestKeyframe(id);
    if (status == dp::ApiStatus::Ok) {
      ++keyframesRequested_;
    } else {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane requestKeyframe: " << dp::apiStatusName(status);
    }
  }
  if (plan.bitrateCap) {
    // REMB carries at most 2^32-1 bps here (the dataplane's cap is 32-bit); larger asks are clamped.
    const auto cap = static_cast<std::uint32_t>(std::min<std::uint64_t>(*plan.bitrateCap, UINT32_MAX));
    const auto status = dp->setBitrateCap(transportId_, cap);
    if (status == dp::ApiStatus::Ok) {
      bitrateCap_ = loopback_->bitrateCap;
    } else {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane setBitrateCap: " << dp::apiStatusName(status);
    }
  }
}

void PeerConnection::releaseDataplaneLocked() {
  auto* dp = service_.dataplane();
  service_.withdrawStreams(handle_);  // removes the routes other handles have into or out of ours
  for (const auto& s : inbound_)
    service_.unregisterStream(s.id);
  if (dp && transportId_ != dp::kInvalidId) {
    const auto status = dp->removeTransport(transportId_);  // streams and routes go with it
    if (status != dp::ApiStatus::Ok) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane removeTransport: " << dp::apiStatusName(status);
    }
  }
  transportId_ = dp::kInvalidId;
  bitrateCap_ = 0;
  for (const auto& s : outbound_)
    service_.unregisterStream(s.id);
  inbound_.clear();
  outbound_.clear();
  routes_.clear();
  up_ = false;
}

}  // namespace portunus::cp
