#include "controlplane/media/MediaService.hpp"

#include <chrono>
#include <sstream>
#include <vector>

#include "common/log/Log.hpp"
#include "controlplane/core/Handle.hpp"
#include "controlplane/core/JanusError.hpp"
#include "controlplane/core/Router.hpp"
#include "controlplane/media/PeerConnection.hpp"
#include "controlplane/plugin/Plugin.hpp"

namespace portunus::cp {
namespace {

constexpr auto kEventPollPeriod = std::chrono::milliseconds(50);

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
          {"drops", c.drops}};
}

}  // namespace

MediaService::MediaService(const config::Config& cfg, Post post, dp::Dataplane* dataplane)
    : cfg_(cfg),
      post_(std::move(post)),
      dataplane_(dataplane),
      loops_(std::max(1, cfg.nat.event_loops)),
      identity_(makeIdentity(cfg.certificates)),
      transportOptions_(makeTransportOptions(cfg)) {
  PLOG(Info, "media") << "media layer: " << loops_.size() << " ICE loop(s), gathering on "
                      << transportOptions_.ice.gather_address << ", DTLS fingerprint sha-256 "
                      << identity_.fingerprintSha256()
                      << (dataplane_ && dataplane_->running() ? ", dataplane forwarding" : ", no dataplane");
  if (dataplane_ && dataplane_->running()) poller_ = std::thread([this] { pollLoop(); });
}

MediaService::~MediaService() {
  stop();
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

nlohmann::json MediaService::answerOffer(HandleId handle, const nlohmann::json&, const AnswerPolicy& policy) {
  // The PeerConnection took the offer when the core checked it; the map lock keeps it alive meanwhile.
  std::lock_guard lock(pcsMutex_);
  auto it = pcs_.find(handle);
  if (it == pcs_.end()) throw MediaNegotiationError("No PeerConnection for this handle");
  return it->second->answer(policy);
}

void MediaService::setLoopback(HandleId handle, const LoopbackPolicy& policy) {
  std::lock_guard lock(pcsMutex_);
  if (auto it = pcs_.find(handle); it != pcs_.end()) it->second->setLoopback(policy);
}

std::uint16_t MediaService::nextWorker() {
  const auto n = cfg_.dataplane.workers.empty() ? 1u : static_cast<unsigned>(cfg_.dataplane.workers.size());
  return static_cast<std::uint16_t>(nextWorker_.fetch_add(1) % n);
}

void MediaService::sendEvent(std::uint64_t sessionId, HandleId handle, nlohmann::json event) {
  if (!router_) return;
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
                                  dp::MediaKind kind) {
  std::lock_guard lock(streamsMutex_);
  streams_[stream] = StreamOwner{sessionId, handle, std::move(mid), kind};
}

void MediaService::unregisterStream(dp::StreamId stream) {
  std::lock_guard lock(streamsMutex_);
  streams_.erase(stream);
}

void MediaService::pollLoop() {
  std::vector<dp::Event> events;
  while (!stopping_) {
    events.clear();
    dataplane_->pollEvents(events);
    for (const auto& e : events) {
      if (e.type != dp::EventType::FirstPacket && e.type != dp::EventType::MediaStopped) continue;
      StreamOwner owner;
      {
        std::lock_guard lock(streamsMutex_);
        auto it = streams_.find(e.id);
        if (it == streams_.end()) continue;
        owner = it->second;
      }
      nlohmann::json event = {{"janus", "media"},
                              {"mid", owner.mid},
                              {"type", owner.kind == dp::MediaKind::Audio ? "audio" : "video"},
                              {"receiving", e.type == dp::EventType::FirstPacket}};
      if (e.type == dp::EventType::MediaStopped && cfg_.media.no_media_timer > 1) event["seconds"] = e.value / 1000;
      post([this, owner, event = std::move(event)]() mutable {
        sendEvent(owner.session, owner.handle, std::move(event));
      });
    }
    std::this_thread::sleep_for(kEventPollPeriod);
  }
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
          {"transports_count", s.transports.size()},
          {"streams_count", s.streams.size()},
          {"rx_packets", rx},
          {"tx_packets", tx},
          {"exception_in", exIn},
          {"exception_out", exOut},
          {"media_packets_in", srtpIn},
          {"media_packets_out", srtpOut},
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
