#include "controlplane/media/PeerConnection.hpp"

#include <algorithm>
#include <chrono>

#include "common/log/Log.hpp"
#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpParser.hpp"
#include "controlplane/core/JanusError.hpp"
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

  try {
    transport_ = std::make_unique<WebRtcTransport>(service_.nextLoop(), service_.identity(),
                                                   service_.transportOptions(), std::move(callbacks));
    transport_->setRemote(remote);
    for (std::size_t i = 0; i < offer.media.size(); ++i) {
      const auto& m = offer.media[i];
      for (const auto& c : m.candidates) {
        try {
          transport_->addRemoteCandidate(IceCandidate::parse("candidate:" + sdp::formatIceCandidate(c)));
        } catch (const WebRtcError& e) {
          PLOG(Debug, "media") << "handle " << handle_ << ": skipping SDP candidate: " << e.what();
        }
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

PeerConnection::~PeerConnection() {
  service_.forget(this);
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
  if (candidate.is_object() && candidate.value("completed", false)) {
    transport_->setRemoteEndOfCandidates();
    return;
  }
  if (!candidate.is_object() || !candidate.contains("candidate") || !candidate["candidate"].is_string()) return;
  const std::string text = candidate["candidate"].get<std::string>();
  if (text.empty()) {
    transport_->setRemoteEndOfCandidates();  // an empty candidate string also ends the trickles
    return;
  }
  try {
    transport_->addRemoteCandidate(IceCandidate::parse(text));
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

nlohmann::json PeerConnection::info() const {
  std::lock_guard lock(mutex_);
  nlohmann::json webrtc = {{"ice",
                            {{"state", iceState_},
                             {"full-trickle", service_.fullTrickle()},
                             {"local-candidates", localCandidates_.size()},
                             {"gathering-done", gatheringDone_}}},
                           {"dtls", {{"state", dtlsState_}, {"srtp-profile", srtpProfile_}}},
                           {"sdp", {{"remote-offer", !remoteSdp_.empty()}, {"negotiated", negotiated_.has_value()}}}};
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
  }
  webrtc["dataplane"] = std::move(dataplane);
  return {{"agent-created", true},
          {"ice-mode", service_.transportOptions().ice.ice_lite ? "lite" : "full"},
          {"ice-role", "controlled"},
          {"webrtc", std::move(webrtc)}};
}

nlohmann::json PeerConnection::answer(const AnswerPolicy& policy) {
  std::unique_lock lock(mutex_);
  if (closed_ || !transport_) throw MediaNegotiationError("PeerConnection closed");
  if (!gathered_.wait_for(lock, kGatheringTimeout, [this] { return gatheringDone_ || closed_; }))
    throw MediaNegotiationError("ICE gathering did not finish");
  if (closed_) throw MediaNegotiationError("PeerConnection closed");

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
  JsepAnswerOptions options;
  options.audio = direction(policy.sendAudio, policy.recvAudio);
  options.video = direction(policy.sendVideo, policy.recvVideo);
  if (negotiated_) options.previous = &*negotiated_;
  try {
    JsepAnswer result = negotiator_.answer(remoteSdp_, local, options);
    negotiated_ = std::move(result.session);
    return {{"type", "answer"}, {"sdp", std::move(result.sdp)}};
  } catch (const JsepError& e) {
    throw MediaNegotiationError(e.what());
  } catch (const sdp::SdpError& e) {
    throw MediaNegotiationError(std::string("Invalid SDP: ") + e.what());
  }
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
  service_.hangupHandle(handle_, reason);
}

bool PeerConnection::programDataplaneLocked(const IceSelectedPair& pair, const DtlsSrtpKeys& keys) {
  auto* dp = service_.dataplane();
  if (!dp || !dp->running()) return true;  // negotiation-only mode: nothing to program
  dp::TransportSpec spec;
  spec.local = {dp::parseIpv4(pair.local_address), pair.local_port};
  spec.remote = {dp::parseIpv4(pair.remote_address), pair.remote_port};
  spec.rx_keys = keys.remote;
  spec.tx_keys = keys.local;
  spec.worker = service_.nextWorker();
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
  for (const auto& m : negotiated_->media) {
    if (!m.accepted || !m.codec || (m.kind != "audio" && m.kind != "video")) continue;
    const dp::MediaKind kind = m.kind == "audio" ? dp::MediaKind::Audio : dp::MediaKind::Video;
    std::vector<std::uint8_t> pts{m.codec->payloadType};
    if (m.codec->rtxPayloadType) pts.push_back(*m.codec->rtxPayloadType);
    if (sdp::receives(m.direction)) {
      for (const auto& rs : m.remoteStreams) {
        dp::InboundStreamSpec in;
        in.transport = transportId_;
        in.ssrc = rs.ssrc;
        in.rtx_ssrc = rs.rtxSsrc.value_or(0);
        in.kind = kind;
        in.mid = m.mid;
        in.payload_types = pts;
        in.clock_rate = m.codec->clockRate;
        in.mid_ext_id = extId(m, ext::kMid);
        in.rid_ext_id = extId(m, ext::kRid);
        in.abs_send_time_ext_id = extId(m, ext::kAbsSendTime);
        in.twcc_ext_id = extId(m, ext::kTransportCc);
        dp::StreamId id = dp::kInvalidId;
        status = dp->addInboundStream(in, id);
        tableFull_ = status == dp::ApiStatus::TableFull;
        if (status != dp::ApiStatus::Ok) {
          PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addInboundStream(mid " << m.mid
                              << "): " << dp::apiStatusName(status);
          return false;
        }
        inbound_.push_back({m.mid, kind, rs.ssrc, id});
        service_.registerStream(id, session_, handle_, m.mid, kind);
      }
    }
    if (sdp::sends(m.direction) && m.localSsrc) {
      dp::OutboundStreamSpec out;
      out.transport = transportId_;
      out.ssrc = *m.localSsrc;
      out.rtx_ssrc = m.localRtxSsrc.value_or(0);
      out.kind = kind;
      out.mid = m.mid;
      out.payload_types = pts;
      out.clock_rate = m.codec->clockRate;
      out.mid_ext_id = extId(m, ext::kMid);
      out.abs_send_time_ext_id = extId(m, ext::kAbsSendTime);
      out.twcc_ext_id = extId(m, ext::kTransportCc);
      dp::StreamId id = dp::kInvalidId;
      status = dp->addOutboundStream(out, id);
      tableFull_ = status == dp::ApiStatus::TableFull;
      if (status != dp::ApiStatus::Ok) {
        PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addOutboundStream(mid " << m.mid
                            << "): " << dp::apiStatusName(status);
        return false;
      }
      outbound_.push_back({m.mid, kind, *m.localSsrc, id});
    }
  }
  return true;
}

void PeerConnection::applyRoutesLocked() {
  auto* dp = service_.dataplane();
  if (!dp || transportId_ == dp::kInvalidId || !loopback_) return;
  for (const auto& in : inbound_) {
    auto out = std::find_if(outbound_.begin(), outbound_.end(), [&](const Outbound& o) { return o.mid == in.mid; });
    if (out == outbound_.end()) continue;
    const bool wanted = in.kind == dp::MediaKind::Audio ? loopback_->audio : loopback_->video;
    auto route =
        std::find_if(routes_.begin(), routes_.end(), [&](const Route& r) { return r.in == in.id && r.out == out->id; });
    if (wanted && route == routes_.end()) {
      dp::RouteSpec spec;
      spec.in = in.id;
      spec.out = out->id;
      dp::RouteId id = dp::kInvalidId;
      const auto status = dp->addRoute(spec, id);
      if (status == dp::ApiStatus::Ok) {
        routes_.push_back({in.id, out->id, id});
      } else {
        PLOG(Warn, "media") << "handle " << handle_ << ": dataplane addRoute(mid " << in.mid
                            << "): " << dp::apiStatusName(status);
      }
    } else if (!wanted && route != routes_.end()) {
      dp->removeRoute(route->id);
      routes_.erase(route);
    }
  }
}

void PeerConnection::releaseDataplaneLocked() {
  auto* dp = service_.dataplane();
  for (const auto& s : inbound_)
    service_.unregisterStream(s.id);
  if (dp && transportId_ != dp::kInvalidId) {
    const auto status = dp->removeTransport(transportId_);  // streams and routes go with it
    if (status != dp::ApiStatus::Ok) {
      PLOG(Warn, "media") << "handle " << handle_ << ": dataplane removeTransport: " << dp::apiStatusName(status);
    }
  }
  transportId_ = dp::kInvalidId;
  inbound_.clear();
  outbound_.clear();
  routes_.clear();
  up_ = false;
}

}  // namespace portunus::cp
