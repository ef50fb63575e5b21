// The media layer of portunusd (DESIGN §2): creates each handle's PeerConnection through the core's media hook,
// answers offers and sets routes for plugins (MediaControl), owns the IceLoop pool and the DTLS identity, and turns
// dataplane events into Janus `media` events. The dataplane is optional: without it PeerConnections still negotiate
// ICE and DTLS (and report webrtcup) but no media is forwarded.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config/Config.hpp"
#include "controlplane/core/MediaHandler.hpp"
#include "controlplane/core/MediaSettings.hpp"
#include "controlplane/media/SlowLinkDetector.hpp"
#include "controlplane/plugin/MediaControl.hpp"
#include "controlplane/webrtc/DtlsIdentity.hpp"
#include "controlplane/webrtc/IceLoopPool.hpp"
#include "controlplane/webrtc/WebRtcTransport.hpp"
#include "dataplane/Dataplane.hpp"

namespace portunus::cp {

class Router;
class PeerConnection;

class MediaService final : public MediaHandlerFactory, public MediaControl {
 public:
  using Post = std::function<void(std::function<void()>)>;

  /** `post` runs a function on the API loop (where the router lives). `dataplane` may be null or not running.
   *  The router comes later (setRouter) because plugins, which get this as their MediaControl, precede it. */
  MediaService(const config::Config& cfg, Post post, dp::Dataplane* dataplane);
  void setRouter(Router& router) { router_ = &router; }
  ~MediaService() override;
  MediaService(const MediaService&) = delete;
  MediaService& operator=(const MediaService&) = delete;

  // MediaHandlerFactory (API loop).
  std::unique_ptr<MediaHandler> create(Handle& handle) override;

  // MediaControl (plugin workers).
  nlohmann::json answerOffer(HandleId handle, const nlohmann::json& offer, const AnswerPolicy& policy) override;
  void awaitGathering(HandleId handle) override;
  void setLoopback(HandleId handle, const LoopbackPolicy& policy) override;
  nlohmann::json createOffer(HandleId handle, const OfferSpec& spec) override;
  void acceptAnswer(HandleId handle, const nlohmann::json& answer) override;
  std::vector<StreamDescription> describe(HandleId handle) override;
  void setPlacement(HandleId handle, std::uint64_t group) override;
  ConnectionId connect(const ConnectionSpec& spec) override;
  void disconnect(ConnectionId id) override;
  void disconnectHandle(HandleId handle) override;
  void setPaused(ConnectionId id, bool paused) override;
  void repoint(ConnectionId id, HandleId source, const std::string& sourceMid) override;
  void setLayers(ConnectionId id, int substream, int temporal, std::uint32_t fallbackUs) override;
  void requestKeyframe(HandleId handle, const std::string& mid) override;
  void setBitrateCap(HandleId handle, std::uint64_t bps) override;
  void setFirFreq(HandleId handle, std::uint32_t seconds) override;

  /** Stops the dataplane event thread (before the dataplane stops). Idempotent. */
  void stop();

  /** The Admin API's runtime media settings (set_no_media_timer, set_slowlink_threshold, set_libnice_debug), from
   *  the `media:` config at start; each change applies at once. */
  MediaSettings& settings() noexcept { return settings_; }

  /** Admin loops_info: one entry per ICE event loop, `handles` being the PeerConnections (ICE agents) on it. */
  nlohmann::json loopsInfo() const;

  /** Admin: the dataplane's counters (`{"enabled":false}` without one). */
  nlohmann::json dataplaneStats() const;
  /** Prometheus text exposition of the same counters. */
  std::string prometheusText() const;

  // For PeerConnections.
  dp::Dataplane* dataplane() const noexcept { return dataplane_; }
  IceLoop& nextLoop() { return loops_.next(); }
  const DtlsIdentity& identity() const noexcept { return identity_; }
  const WebRtcTransportOptions& transportOptions() const noexcept { return transportOptions_; }
  bool fullTrickle() const noexcept { return cfg_.nat.full_trickle; }
  /** The worker of the handle's placement group (setPlacement), else the next one round-robin. */
  std::uint16_t workerFor(HandleId handle);

  /** One m-line's dataplane streams on an up PeerConnection. */
  struct HandleStream {
    std::string mid;
    bool video = false;
    std::vector<dp::StreamId> inbound;  // per layer, lowest first
    dp::StreamId outbound = dp::kInvalidId;
    std::uint8_t payloadType = 0;
    std::uint8_t rtxPayloadType = 0;  // 0: no RTX
  };
  struct HandleStreams {
    std::uint16_t worker = 0;
    std::vector<HandleStream> streams;
  };
  /** A PeerConnection's dataplane streams exist (or changed): connections touching the handle are (re)applied;
   *  routes into streams no longer listed are removed. Called with the PeerConnection's lock held. */
  void publishStreams(HandleId handle, HandleStreams streams);
  /** The PeerConnection's streams go: every route touching them is removed first. */
  void withdrawStreams(HandleId handle);
  /** Routes in the dataplane for connections (tests, admin). */
  std::size_t connectedRoutes() const;
  void post(std::function<void()> fn) { post_(std::move(fn)); }
  /** Sends a core event (`janus` verb + fields) to the handle's session (0: looked up by handle); API loop. */
  void sendEvent(std::uint64_t sessionId, HandleId handle, nlohmann::json event);
  /** Hangs the handle up through the core (hangup event, plugin hangup_media); posted to the API loop. */
  void hangupHandle(HandleId handle, const std::string& reason);
  /** The PeerConnection is up: `webrtcup`, handle flags, plugin setup_media; posted to the API loop. */
  void mediaUp(HandleId handle);
  /** A dataplane stream of a handle's PC: inbound ones raise `media` and uplink `slowlink`, outbound ones downlink
   *  `slowlink`. */
  void registerStream(dp::StreamId stream, std::uint64_t sessionId, HandleId handle, std::string mid,
                      dp::MediaKind kind, bool inbound);
  void unregisterStream(dp::StreamId stream);
  void forget(PeerConnection* pc);

 private:
  struct StreamOwner {
    std::uint64_t session;
    HandleId handle;
    std::string mid;
    dp::MediaKind kind;
    bool inbound = true;
  };

  void pollLoop();
  /** A route's simulcast layer changed: the connection's listener runs on the API loop (poller thread). */
  void onLayerEvent(const dp::Event& e);
  /** Once a second: each stream's cumulative loss through Janus's slow-link rule (poller thread). */
  void checkSlowLinks();
  /** The settings onto the dataplane (media timeout) and libnice (debug messages). */
  void applySettings();

  struct Connection {
    ConnectionSpec spec;
    dp::RouteId route = dp::kInvalidId;
    std::vector<dp::StreamId> in;  // the source layers the route reads (one without simulcast)
    dp::StreamId out = dp::kInvalidId;
    bool paused = false;
    int substream = -1, temporal = -1;
    std::uint32_t fallbackUs = 0;
    bool tableFull = false;  // the dataplane's route table refused it: its sink was hung up
  };
  /** Makes the connection's route match the published streams and its spec (routingMutex_ held). */
  void applyLocked(ConnectionId id, Connection& c);
  void dropRouteLocked(Connection& c);

  config::Config cfg_;
  Router* router_ = nullptr;
  Post post_;
  dp::Dataplane* dataplane_;
  IceLoopPool loops_;
  DtlsIdentity identity_;
  WebRtcTransportOptions transportOptions_;
  std::atomic<unsigned> nextWorker_{0};

  std::mutex pcsMutex_;
  std::map<HandleId, PeerConnection*> pcs_;
  std::vector<std::weak_ptr<std::unique_ptr<PeerConnection>>> handovers_;  // offer PCs on their way to a handle
  mutable std::mutex streamsMutex_;
  std::map<dp::StreamId, StreamOwner> streams_;
  SlowLinkDetector slowLinks_;  // guarded by streamsMutex_
  MediaSettings settings_;

  mutable std::mutex routingMutex_;  // after a PeerConnection's mutex, never before
  std::map<HandleId, HandleStreams> published_;
  std::map<ConnectionId, Connection> connections_;
  ConnectionId nextConnection_ = 1;
  std::map<HandleId, std::uint64_t> placement_;

  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace portunus::cp
