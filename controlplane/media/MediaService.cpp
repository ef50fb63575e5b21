#include "controlplane/media/MediaService.hpp"

#include <algorithm>
#include <chrono>
#include <sstream>
#include <vector>

#include "common/log/Log.hpp"
#include "controlplane/core/Handle.hpp"
#include "controlplane/core/JanusError.hpp"
#include "controlplane/core/Router.hpp"
#include "controlplane/media/MediaEvents.hpp"
#include "controlplane/media/PeerConnection.hpp"
#include "controlplane/plugin/Plugin.hpp"
#include "controlplane/webrtc/IceAgent.hpp"
#include "dataplane/SimulcastSelector.hpp"

namespace portunus::cp {
namespace {

constexpr auto kEventPollPeriod = std::chrono::milliseconds(50);
constexpr unsigned kSlowLinkTicks = 20;  // one slow-link check per second, like Janus's per-second loss window

WebRtcTransportOptions makeTransportOptions(const config::Config& cfg) {
  WebRtcTransportOptions o;
  const std::string fallback = cfg.dataplane.enabled ? cfg.dataplane.exception.address : "127.0.0.1";
  o.ice = iceAgentOptions(cfg.nat, false, fallback);
  o.dtls.mtu = cfg.media.dtls_mtu;
  return o;
}

DtlsIdentity makeIdentity(const config::CertificatesConfig& certs) {
  if (certs.cert_pem.empty()) return DtlsIdentity::generate("portunus");
  return DtlsIdentity::fromConfig(certs);
}

nlohmann::json counterJson(const dp::CounterSnapshot& c) {
  return {{"packets_in", c.packets_in},
          {"bytes_in", c.bytes_in},
          {"packets_out", c.packets_out},
          {"bytes_out", c.bytes_out},
          {"lost", c.lost},
          {"nacks", c.nacks},
          {"drops", c.drops}};
}

}  // namespace

MediaService::MediaService(const config::Config& cfg, Post post, dp::Dataplane* dataplane)
    : cfg_(cfg),
      post_(std::move(post)),
      dataplane_(dataplane),
      loops_(std::max(1, cfg.nat.event_loops)),
      identity_(makeIdentity(cfg.certificates)),
      transportOptions_(makeTransportOptions(cfg)),
      slowLinks_(static_cast<std::uint64_t>(std::max(0, cfg.media.slowlink_threshold))),
      settings_(static_cast<std::uint32_t>(std::max(0, cfg.media.no_media_timer)),
                static_cast<std::uint32_t>(std::max(0, cfg.media.slowlink_threshold))) {
  settings_.setListener([this] { applySettings(); });
  applySettings();
  PLOG(Info, "media") << "media layer: " << loops_.size() << " ICE loop(s), gathering on "
                      << transportOptions_.ice.gather_address << ", DTLS fingerprint sha-256 "
                      << identity_.fingerprintSha256()
                      << (dataplane_ && dataplane_->running() ? ", dataplane forwarding" : ", no dataplane");
  if (dataplane_ && dataplane_->running()) poller_ = std::thread([this] { pollLoop(); });
}

void MediaService::applySettings() {
  // The dataplane raises MediaStopped after the no-media timer (seconds; 0: never); libnice logs through ours.
  if (dataplane_ && dataplane_->running()) {
    const std::uint64_t ms = std::uint64_t{settings_.noMediaTimer()} * 1000;
    dataplane_->setMediaTimeout(static_cast<std::uint32_t>(std::min<std::uint64_t>(ms, UINT32_MAX)));
  }
  setLibniceDebug(settings_.libniceDebug());
}

MediaService::~MediaService() {
  stop();
  // PeerConnections created for offers whose hand-over to their handle never ran (the API loop stopped first) go
  // now, while the service they use still exists.
  std::vector<std::unique_ptr<PeerConnection>> orphans;
  {
    std::lock_guard lock(pcsMutex_);
    for (auto& weak : handovers_)
      if (auto holder = weak.lock(); holder && *holder) orphans.push_back(std::move(*holder));
    handovers_.clear();
  }
  orphans.clear();
}

void MediaService::stop() {
  stopping_ = true;
  if (poller_.joinable()) poller_.join();
}

std::unique_ptr<MediaHandler> MediaService::create(Handle& handle) {
  // limits.max_peerconnections, and the dataplane's transport table (one transport per PeerConnection): refused
  // as Janus refuses an offer it cannot set ICE up for (490 "Error setting ICE locally"), with the reason.
  {
    std::lock_guard lock(pcsMutex_);
    const std::uint32_t max = cfg_.limits.max_peerconnections;
    if (max > 0 && pcs_.size() >= max)
      throw JanusError(ErrorCode::Unknown,
                       "Error setting ICE locally (limit of " + std::to_string(max) + " PeerConnections reached)");
    const std::uint32_t table = cfg_.dataplane.max_transports;
    if (dataplane_ && dataplane_->running() && pcs_.size() >= table)
      throw JanusError(ErrorCode::Unknown,
                       "Error setting ICE locally (dataplane transport table full: " + std::to_string(table) + ")");
  }
  auto pc = std::make_unique<PeerConnection>(*this, handle.sessionId(), handle.id(), handle.remoteSdp);
  std::lock_guard lock(pcsMutex_);
  pcs_[handle.id()] = pc.get();
  return pc;
}

void MediaService::forget(PeerConnection* pc) {
  std::lock_guard lock(pcsMutex_);
  auto it = pcs_.find(pc->handleId());
  if (it != pcs_.end() && it->second == pc) pcs_.erase(it);
}

nlohmann::json MediaService::answerOffer(HandleId handle, const nlohmann::json& offer, const AnswerPolicy& policy) {
  // The PeerConnection took the first offer when the core checked it; a renegotiation brings a new one. The map
  // lock keeps the PeerConnection alive meanwhile.
  std::string sdp;
  if (offer.is_object() && offer.contains("sdp") && offer["sdp"].is_string()) sdp = offer["sdp"].get<std::string>();
  std::lock_guard lock(pcsMutex_);
  auto it = pcs_.find(handle);
  if (it == pcs_.end()) throw MediaNegotiationError("No PeerConnection for this handle");
  return it->second->answer(policy, sdp);
}

void MediaService::awaitGathering(HandleId handle) {
  PeerConnection* pc = nullptr;
  {
    // The map lock only while the PeerConnection registers as a waiter: its destructor (which leaves the map first)
    // then waits for us, so it stays alive without this lock.
    std::lock_guard lock(pcsMutex_);
    auto it = pcs_.find(handle);
    if (it == pcs_.end()) return;
    pc = it->second;
    pc->enterGatheringWait();
  }
  pc->gatheringWait();
}

nlohmann::json MediaService::createOffer(HandleId handle, const OfferSpec& spec) {
  std::lock_guard lock(pcsMutex_);
  auto it = pcs_.find(handle);
  if (it == pcs_.end()) {
    // The handle will own the new PeerConnection; it lives on the API loop, where the hand-over is posted (never
    // waited for: the plugin may hold its own lock, which the loop may need). The loop runs that hand-over before
    // the plugin's event with our offer, hence before any answer.
    if (!router_) throw MediaNegotiationError("No API router");
    std::unique_ptr<PeerConnection> created;
    try {
      created = std::make_unique<PeerConnection>(*this, 0, handle);
    } catch (const std::exception& e) {
      throw MediaNegotiationError(e.what());
    }
    it = pcs_.emplace(handle, created.get()).first;
    auto holder = std::make_shared<std::unique_ptr<PeerConnection>>(std::move(created));
    std::erase_if(handovers_, [](const auto& weak) { return weak.expired(); });
    handovers_.push_back(holder);
    post([this, handle, holder] {
      if (!*holder) return;  // the service went first and took it
      auto h = router_->registry().indexed(handle);
      if (!h || h->media()) {
        holder->reset();  // the handle went (or got another PeerConnection) meanwhile
        return;
      }
      h->setMedia(std::move(*holder));
      h->flags().alert = false;  // a new PeerConnection re-arms hangup_media
      h->flushCandidates();
    });
  }
  return it->second->offer(spec);
}

void MediaService::acceptAnswer(HandleId handle, const nlohmann::json& answer) {
  if (!answer.is_object() || !answer.contains("sdp") || !answer["sdp"].is_string())
    throw MediaNegotiationError("The answer has no SDP");
  std::lock_guard lock(pcsMutex_);
  auto it = pcs_.find(handle);
  if (it == pcs_.end()) throw MediaNegotiationError("No PeerConnection for this handle");
  it->second->acceptAnswer(answer["sdp"].get<std::string>());
}

std::vector<StreamDescription> MediaService::describe(HandleId handle) {
  std::lock_guard lock(pcsMutex_);
  auto it = pcs_.find(handle);
  if (it == pcs_.end()) return {};
  return it->second->describe();
}

void MediaService::setPlacement(HandleId handle, std::uint64_t group) {
  std::lock_guard lock(routingMutex_);
  placement_[handle] = group;
}

std::uint16_t MediaService::workerFor(HandleId handle) {
  const auto n = cfg_.dataplane.workers.empty() ? 1u : static_cast<unsigned>(cfg_.dataplane.workers.size());
  {
    std::lock_guard lock(routingMutex_);
    if (auto it = placement_.find(handle); it != placement_.end()) return static_cast<std::uint16_t>(it->second % n);
  }
  return static_cast<std::uint16_t>(nextWorker_.fetch_add(1) % n);
}

void MediaService::publishStreams(HandleId handle, HandleStreams streams) {
  std::lock_guard lock(routingMutex_);
  published_[handle] = std::move(streams);
  for (auto& [id, c] : connections_)
    if (c.spec.source == handle || c.spec.sink == handle) applyLocked(id, c);
}

void MediaService::withdrawStreams(HandleId handle) {
  std::lock_guard lock(routingMutex_);
  if (published_.erase(handle) == 0) return;
  for (auto& [id, c] : connections_)
    if (c.spec.source == handle || c.spec.sink == handle) dropRouteLocked(c);
}

void MediaService::dropRouteLocked(Connection& c) {
  if (c.route != dp::kInvalidId && dataplane_) {
    const auto status = dataplane_->removeRoute(c.route);
    if (status != dp::ApiStatus::Ok) {
      PLOG(Warn, "media") << "dataplane removeRoute " << c.route << ": " << dp::apiStatusName(status);
    }
  }
  c.route = dp::kInvalidId;
  c.in.clear();
  c.out = dp::kInvalidId;
}

namespace {

dp::LayerTarget layerTarget(const ConnectionSpec& spec) {
  dp::LayerTarget t;
  // -1: the highest layer (the dataplane clamps a target to the layers the publisher has).
  constexpr int kTop = static_cast<int>(dp::kMaxLayers) - 1;
  t.substream = static_cast<std::uint8_t>(spec.substream < 0 ? kTop : std::min(spec.substream, kTop));
  t.temporal = spec.temporal < 0 ? 0xff : static_cast<std::uint8_t>(std::min(spec.temporal, 0xfe));
  t.fallback_ms = spec.fallbackUs / 1000;
  if (t.fallback_ms == 0) t.fallback_ms = 250;
  return t;
}

}  // namespace

void MediaService::applyLocked(ConnectionId id, Connection& c) {
  // The streams the connection joins now: every layer of the source (the dataplane picks one), its sink.
  std::vector<dp::StreamId> in;
  dp::StreamId out = dp::kInvalidId;
  const HandleStream* source = nullptr;
  const HandleStream* sink = nullptr;
  if (auto p = published_.find(c.spec.source); p != published_.end()) {
    for (const auto& s : p->second.streams)
      if (s.mid == c.spec.sourceMid && !s.inbound.empty()) source = &s;
  }
  if (auto p = published_.find(c.spec.sink); p != published_.end()) {
    for (const auto& s : p->second.streams)
      if (s.mid == c.spec.sinkMid && s.outbound != dp::kInvalidId) sink = &s;
  }
  if (source && sink) {
    in = source->inbound;
    out = sink->outbound;
  }
  if (!dataplane_ || !dataplane_->running()) return;
  if (in.empty()) {
    dropRouteLocked(c);
    return;
  }
  const bool layered = in.size() > 1;
  if (c.route != dp::kInvalidId && c.out == out && (c.in.size() > 1) == layered) {
    // Same subscriber stream: re-point (continuity of SSRC, sequence and timestamps), re-target, pause/resume.
    dp::ApiStatus status = dp::ApiStatus::Ok;
    if (c.in != in) status = layered ? dataplane_->moveRouteLayers(c.route, in) : dataplane_->moveRoute(c.route, in[0]);
    if (status == dp::ApiStatus::Ok && layered &&
        (c.substream != c.spec.substream || c.temporal != c.spec.temporal || c.fallbackUs != c.spec.fallbackUs))
      status = dataplane_->setLayerTarget(c.route, layerTarget(c.spec));
    if (status == dp::ApiStatus::Ok && c.paused != c.spec.paused)
      status = dataplane_->setRoutePaused(c.route, c.spec.paused);
    if (status == dp::ApiStatus::Ok) {
      c.in = in;
      c.paused = c.spec.paused;
      c.substream = c.spec.substream;
      c.temporal = c.spec.temporal;
      c.fallbackUs = c.spec.fallbackUs;
      return;
    }
    PLOG(Warn, "media") << "connection " << id << ": dataplane route update: " << dp::apiStatusName(status);
  }
  dropRouteLocked(c);
  dp::RouteSpec spec;
  if (layered) {
    spec.layers = in;
    spec.target = layerTarget(c.spec);
  } else {
    spec.in = in[0];
  }
  spec.out = out;
  spec.paused = c.spec.paused;
  if (source->payloadType != sink->payloadType) spec.pt_map.emplace_back(source->payloadType, sink->payloadType);
  if (source->rtxPayloadType && sink->rtxPayloadType && source->rtxPayloadType != sink->rtxPayloadType)
    spec.pt_map.emplace_back(source->rtxPayloadType, sink->rtxPayloadType);
  const auto status = dataplane_->addRoute(spec, c.route);
  if (status != dp::ApiStatus::Ok) {
    PLOG(Warn, "media") << "connection " << id << " (handle " << c.spec.source << " mid " << c.spec.sourceMid
                        << " -> handle " << c.spec.sink << " mid " << c.spec.sinkMid
                        << "): dataplane addRoute: " << dp::apiStatusName(status);
    c.route = dp::kInvalidId;
    // A full route table is a clear error, not a subscriber that silently gets nothing: the sink's handle is hung
    // up with the reason (hangup event, plugin hangup_media), once per connection.
    if (status == dp::ApiStatus::TableFull && !c.tableFull) {
      c.tableFull = true;
      hangupHandle(c.spec.sink, "Dataplane table full");
    }
    return;
  }
  c.in = in;
  c.out = out;
  c.paused = c.spec.paused;
  c.substream = c.spec.substream;
  c.temporal = c.spec.temporal;
  c.fallbackUs = c.spec.fallbackUs;
  // A new subscription starts with a keyframe (the publisher is asked; the dataplane rate-limits it).
  if (source->video && !c.spec.paused) {
    for (auto layer : in)
      dataplane_->requestKeyframe(layer);
  }
}

ConnectionId MediaService::connect(const ConnectionSpec& spec) {
  std::lock_guard lock(routingMutex_);
  const ConnectionId id = nextConnection_++;
  auto& c = connections_[id];
  c.spec = spec;
  applyLocked(id, c);
  return id;
}

void MediaService::disconnect(ConnectionId id) {
  std::lock_guard lock(routingMutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  dropRouteLocked(it->second);
  connections_.erase(it);
}

void MediaService::disconnectHandle(HandleId handle) {
  std::lock_guard lock(routingMutex_);
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (it->second.spec.source != handle && it->second.spec.sink != handle) {
      ++it;
      continue;
    }
    dropRouteLocked(it->second);
    it = connections_.erase(it);
  }
  placement_.erase(handle);
}

void MediaService::setPaused(ConnectionId id, bool paused) {
  std::lock_guard lock(routingMutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.spec.paused = paused;
  applyLocked(id, it->second);
}

void MediaService::repoint(ConnectionId id, HandleId source, const std::string& sourceMid) {
  std::lock_guard lock(routingMutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.spec.source = source;
  it->second.spec.sourceMid = sourceMid;
  applyLocked(id, it->second);
}

void MediaService::setLayers(ConnectionId id, int substream, int temporal, std::uint32_t fallbackUs) {
  std::lock_guard lock(routingMutex_);
  auto it = connections_.find(id);
  if (it == connections_.end()) return;
  it->second.spec.substream = substream;
  it->second.spec.temporal = temporal;
  it->second.spec.fallbackUs = fallbackUs;
  applyLocked(id, it->second);
}

void MediaService::requestKeyframe(HandleId handle, const std::string& mid) {
  std::lock_guard lock(routingMutex_);
  if (!dataplane_ || !dataplane_->running()) return;
  auto p = published_.find(handle);
  if (p == published_.end()) return;
  for (const auto& s : p->second.streams) {
    if (!s.video || (!mid.empty() && s.mid != mid)) continue;
    for (auto id : s.inbound)
      dataplane_->requestKeyframe(id);
  }
}

void MediaService::setBitrateCap(HandleId handle, std::uint64_t bps) {
  std::lock_guard lock(pcsMutex_);
  if (auto it = pcs_.find(handle); it != pcs_.end()) it->second->setBitrateCap(bps);
}

void MediaService::setFirFreq(HandleId handle, std::uint32_t seconds) {
  std::lock_guard lock(pcsMutex_);
  if (auto it = pcs_.find(handle); it != pcs_.end()) it->second->setFirFreq(seconds);
}

std::size_t MediaService::connectedRoutes() const {
  std::lock_guard lock(routingMutex_);
  return static_cast<std::size_t>(std::count_if(connections_.begin(), connections_.end(),
                                                [](const auto& e) { return e.second.route != dp::kInvalidId; }));
}

void MediaService::setLoopback(HandleId handle, const LoopbackPolicy& policy) {
  std::lock_guard lock(pcsMutex_);
  if (auto it = pcs_.find(handle); it != pcs_.end()) it->second->setLoopback(policy);
}

void MediaService::sendEvent(std::uint64_t sessionId, HandleId handle, nlohmann::json event) {
  if (!router_) return;
  if (sessionId == 0) {  // a PeerConnection created for an offer knows its handle only
    auto h = router_->registry().indexed(handle);
    if (!h) return;
    sessionId = h->sessionId();
  }
  auto session = router_->registry().find(sessionId);
  if (!session) return;
  event["session_id"] = sessionId;
  event["sender"] = handle;
  session->send(event);
}

void MediaService::hangupHandle(HandleId handle, const std::string& reason) {
  post([this, handle, reason] {
    if (!router_) return;
    if (auto h = router_->registry().indexed(handle)) router_->hangupHandle(*h, reason);
  });
}

void MediaService::mediaUp(HandleId handle) {
  post([this, handle] {
    if (!router_) return;
    auto h = router_->registry().indexed(handle);
    if (!h || !h->media()) return;
    h->flags().ready = true;
    h->flags().negotiated = true;
    sendEvent(h->sessionId(), handle, {{"janus", "webrtcup"}});
    try {
      h->plugin().setupMedia(handle);
    } catch (const std::exception& e) {
      PLOG(Warn, "media") << "handle " << handle << ": plugin setup_media failed: " << e.what();
    }
  });
}

void MediaService::registerStream(dp::StreamId stream, std::uint64_t sessionId, HandleId handle, std::string mid,
                                  dp::MediaKind kind, bool inbound) {
  std::lock_guard lock(streamsMutex_);
  streams_[stream] = StreamOwner{sessionId, handle, std::move(mid), kind, inbound};
  slowLinks_.forget(stream);
}

void MediaService::unregisterStream(dp::StreamId stream) {
  std::lock_guard lock(streamsMutex_);
  streams_.erase(stream);
  slowLinks_.forget(stream);
}

void MediaService::checkSlowLinks() {
  // Every second whether on or off, so that the losses counted once the Admin API switches it on are that second's.
  const dp::StatsSnapshot stats = dataplane_->stats();
  std::vector<std::pair<StreamOwner, std::uint64_t>> fired;
  {
    std::lock_guard lock(streamsMutex_);
    slowLinks_.setThreshold(settings_.slowlinkThreshold());
    for (const auto& [id, owner] : streams_) {
      auto it = stats.streams.find(id);
      if (it == stats.streams.end()) continue;
      if (auto lost = slowLinks_.update(id, it->second.lost)) fired.emplace_back(owner, *lost);
    }
  }
  for (auto& [owner, lost] : fired) {
    // uplink: the loss is on what the peer sends us (Janus 1.1.2's meaning of the flag).
    nlohmann::json event = slowLinkEvent(owner.mid, owner.kind, owner.inbound, lost);
    post([this, owner = owner, event = std::move(event)]() mutable {
      sendEvent(owner.session, owner.handle, std::move(event));
      if (!router_) return;
      auto h = router_->registry().indexed(owner.handle);
      if (!h) return;
      try {
        h->plugin().slowLink(owner.handle, owner.mid, owner.kind == dp::MediaKind::Video, owner.inbound);
      } catch (const std::exception& e) {
        PLOG(Warn, "media") << "handle " << owner.handle << ": plugin slow_link failed: " << e.what();
      }
    });
  }
}

void MediaService::onLayerEvent(const dp::Event& e) {
  LayerListener listener;
  {
    std::lock_guard lock(routingMutex_);
    for (const auto& [id, c] : connections_)
      if (c.route == e.id) listener = c.spec.onLayerChange;
  }
  if (!listener) return;
  LayerChange change;
  change.kind = e.type == dp::EventType::SubstreamChanged ? LayerChange::Kind::Substream : LayerChange::Kind::Temporal;
  change.value = static_cast<int>(e.value);
  post([listener = std::move(listener), change] { listener(change); });
}

void MediaService::pollLoop() {
  std::vector<dp::Event> events;
  unsigned ticks = 0;
  while (!stopping_) {
    events.clear();
    dataplane_->pollEvents(events);
    for (const auto& e : events) {
      if (e.type == dp::EventType::UnknownRtcpSsrc) {
        // RTCP from a sender SSRC the peer never announced (a recvonly subscriber's RR/NACK/PLI: browsers send
        // those from an SSRC of their own choice): give the transport an SRTCP context for it (at most
        // kMaxRtcpContexts; the dataplane refuses more).
        const dp::ApiStatus st = dataplane_->addRemoteRtcpSsrc(e.id, e.value);
        if (st != dp::ApiStatus::Ok && st != dp::ApiStatus::Exists && st != dp::ApiStatus::NotFound) {
          PLOG(Debug, "media") << "transport " << e.id << ": no SRTCP context for sender SSRC " << e.value << " ("
                               << static_cast<int>(st) << ")";
        }
        continue;
      }
      if (e.type == dp::EventType::SubstreamChanged || e.type == dp::EventType::TemporalChanged) {
        onLayerEvent(e);
        continue;
      }
      if (e.type != dp::EventType::FirstPacket && e.type != dp::EventType::MediaStopped) continue;
      StreamOwner owner;
      {
        std::lock_guard lock(streamsMutex_);
        auto it = streams_.find(e.id);
        if (it == streams_.end()) continue;
        owner = it->second;
      }
      auto event = mediaEvent(e, owner.mid, owner.kind, static_cast<int>(settings_.noMediaTimer()));
      if (!event) continue;
      post([this, owner, event = std::move(*event)]() mutable {
        sendEvent(owner.session, owner.handle, std::move(event));
      });
    }
    if (++ticks % kSlowLinkTicks == 0) checkSlowLinks();
    std::this_thread::sleep_for(kEventPollPeriod);
  }
}

nlohmann::json MediaService::loopsInfo() const {
  nlohmann::json loops = nlohmann::json::array();
  for (std::size_t i = 0; i < loops_.size(); ++i)
    loops.push_back({{"id", i}, {"handles", loops_.loop(i).agents()}});
  return loops;
}

nlohmann::json MediaService::dataplaneStats() const {
  if (!dataplane_ || !dataplane_->running()) return {{"enabled", false}};
  const dp::StatsSnapshot s = dataplane_->stats();
  nlohmann::json workers = nlohmann::json::array();
  std::uint64_t rx = 0, tx = 0, exIn = 0, exOut = 0;
  for (const auto& w : s.workers) {
    workers.push_back({{"lcore", w.lcore},
                       {"rx_packets", w.rx_packets},
                       {"rx_bytes", w.rx_bytes},
                       {"tx_packets", w.tx_packets},
                       {"tx_bytes", w.tx_bytes},
                       {"exception_in", w.exception_in},
                       {"exception_out", w.exception_out},
                       {"rtcp_in", w.rtcp_in},
                       {"rtcp_out", w.rtcp_out},
                       {"keyframe_requests", w.keyframe_requests},
                       {"nack_in", w.nack_in},
                       {"nack_out", w.nack_out},
                       {"rtx_sent", w.rtx_sent},
                       {"rtx_cache_miss", w.rtx_cache_miss},
                       {"rtx_in", w.rtx_in},
                       {"remb_out", w.remb_out},
                       {"busy_loops", w.busy_loops},
                       {"idle_loops", w.idle_loops},
                       {"busy_cycles", w.busy_cycles},
                       {"total_cycles", w.total_cycles},
                       {"tx_cycles", w.tx_cycles},
                       {"srtp_cycles", w.srtp_cycles},
                       {"tsc_hz", w.tsc_hz},
                       {"punts", w.punts},
                       {"drops", w.drops}});
    rx += w.rx_packets;
    tx += w.tx_packets;
    exIn += w.exception_in;
    exOut += w.exception_out;
  }
  nlohmann::json transports = nlohmann::json::object();
  std::uint64_t srtpIn = 0, srtpOut = 0;
  for (const auto& [id, c] : s.transports) {
    transports[std::to_string(id)] = counterJson(c);
    srtpIn += c.packets_in;
    srtpOut += c.packets_out;
  }
  nlohmann::json streams = nlohmann::json::object();
  for (const auto& [id, c] : s.streams)
    streams[std::to_string(id)] = counterJson(c);
  return {{"enabled", true},
          {"srtp_engine", s.engine},
          {"transports_count", s.transports.size()},
          {"streams_count", s.streams.size()},
          {"rx_packets", rx},
          {"tx_packets", tx},
          {"exception_in", exIn},
          {"exception_out", exOut},
          {"media_packets_in", srtpIn},
          {"media_packets_out", srtpOut},
          {"mbufs_in_use", s.mbufs_in_use},
          {"mbufs_total", s.mbufs_total},
          {"workers", std::move(workers)},
          {"transports", std::move(transports)},
          {"streams", std::move(streams)}};
}

std::string MediaService::prometheusText() const {
  std::ostringstream out;
  const bool on = dataplane_ && dataplane_->running();
  out << "# HELP portunus_dataplane_up Whether the DPDK dataplane runs.\n# TYPE portunus_dataplane_up gauge\n"
      << "portunus_dataplane_up " << (on ? 1 : 0) << "\n";
  if (!on) return out.str();
  const dp::StatsSnapshot s = dataplane_->stats();
  out << "# TYPE portunus_dataplane_transports gauge\nportunus_dataplane_transports " << s.transports.size() << "\n";
  out << "# TYPE portunus_dataplane_streams gauge\nportunus_dataplane_streams " << s.streams.size() << "\n";
  auto counter = [&](const char* name, const char* help, auto field) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n";
    for (const auto& w : s.workers)
      out << name << "{lcore=\"" << w.lcore << "\"} " << field(w) << "\n";
  };
  counter("portunus_dataplane_rx_packets_total", "Frames received on the media port.",
          [](const dp::WorkerStats& w) { return w.rx_packets; });
  counter("portunus_dataplane_tx_packets_total", "Frames sent on the media port.",
          [](const dp::WorkerStats& w) { return w.tx_packets; });
  counter("portunus_dataplane_exception_in_total", "Frames punted to the kernel (exception path).",
          [](const dp::WorkerStats& w) { return w.exception_in; });
  counter("portunus_dataplane_exception_out_total", "Frames from the kernel sent on the media port.",
          [](const dp::WorkerStats& w) { return w.exception_out; });
  counter("portunus_dataplane_busy_seconds_total", "Seconds of worker loop iterations that found work (TSC).",
          [](const dp::WorkerStats& w) { return w.tsc_hz ? static_cast<double>(w.busy_cycles) / w.tsc_hz : 0.0; });
  counter("portunus_dataplane_loop_seconds_total", "Seconds since the worker loop started (TSC).",
          [](const dp::WorkerStats& w) { return w.tsc_hz ? static_cast<double>(w.total_cycles) / w.tsc_hz : 0.0; });
  counter("portunus_dataplane_tx_seconds_total", "Seconds of busy time inside the media port's tx bursts (TSC).",
          [](const dp::WorkerStats& w) { return w.tsc_hz ? static_cast<double>(w.tx_cycles) / w.tsc_hz : 0.0; });
  counter("portunus_dataplane_srtp_seconds_total",
          "Seconds of busy time inside the SRTP engine's unprotect and protect batches (TSC).",
          [](const dp::WorkerStats& w) { return w.tsc_hz ? static_cast<double>(w.srtp_cycles) / w.tsc_hz : 0.0; });
  out << "# HELP portunus_dataplane_drops_total Dropped frames per reason.\n# TYPE portunus_dataplane_drops_total "
         "counter\n";
  for (const auto& w : s.workers)
    for (const auto& [reason, n] : w.drops)
      out << "portunus_dataplane_drops_total{lcore=\"" << w.lcore << "\",reason=\"" << reason << "\"} " << n << "\n";
  out << "# TYPE portunus_transport_packets_in_total counter\n";
  for (const auto& [id, c] : s.transports)
    out << "portunus_transport_packets_in_total{transport=\"" << id << "\"} " << c.packets_in << "\n";
  out << "# TYPE portunus_transport_packets_out_total counter\n";
  for (const auto& [id, c] : s.transports)
    out << "portunus_transport_packets_out_total{transport=\"" << id << "\"} " << c.packets_out << "\n";
  return out.str();
}

}  // namespace portunus::cp
