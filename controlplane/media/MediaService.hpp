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

#include "common/config/Config.hpp"
#include "controlplane/core/MediaHandler.hpp"
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
  void setLoopback(HandleId handle, const LoopbackPolicy& policy) override;

  /** Stops the dataplane event thread (before the dataplane stops). Idempotent. */
  void stop();

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
  std::uint16_t nextWorker();
  void post(std::function<void()> fn) { post_(std::move(fn)); }
  /** Sends a core event (`janus` verb + fields) to the handle's session; on the API loop. */
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
  /** Once a second: each stream's cumulative loss through Janus's slow-link rule (poller thread). */
  void checkSlowLinks();

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
  mutable std::mutex streamsMutex_;
  std::map<dp::StreamId, StreamOwner> streams_;
  SlowLinkDetector slowLinks_;  // guarded by streamsMutex_

  std::atomic<bool> stopping_{false};
  std::thread poller_;
};

}  // namespace portunus::cp
