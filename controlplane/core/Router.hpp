// The Janus client API, transport-agnostic: one JSON request in, one reply out (possibly later, when a plugin
// answers), events pushed to the session's bound transport. Runs on the control loop; unit tests drive it with an
// io_context and no sockets.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/config/Config.hpp"
#include "controlplane/core/Clock.hpp"
#include "controlplane/core/Envelope.hpp"
#include "controlplane/core/EventSink.hpp"
#include "controlplane/core/MediaHandler.hpp"
#include "controlplane/core/SessionRegistry.hpp"
#include "controlplane/core/TokenStore.hpp"
#include "controlplane/plugin/PluginHost.hpp"

namespace portunus::cp {

using json = nlohmann::json;
using Reply = std::function<void(json)>;

/** Where a request came from. REST puts the ids of its URL path here; WebSocket carries them in the body. */
struct RequestContext {
  std::shared_ptr<EventSink> sink;
  std::optional<std::uint64_t> pathSession;
  std::optional<std::uint64_t> pathHandle;
};

/** A transport as `info` lists it. */
struct TransportInfo {
  std::string package;
  std::string name;
  std::string description;
};

class Router {
 public:
  Router(const config::Config& cfg, SessionRegistry& registry, TokenStore& tokens, PluginHost& plugins, Clock& clock);

  /** Handles one request text (parse errors become 454 replies). */
  void handleText(std::string_view text, ParseStyle style, const RequestContext& ctx, const Reply& reply);
  /** Handles one parsed request. `reply` is called exactly once, maybe after this returns. */
  void handle(const json& request, const RequestContext& ctx, const Reply& reply);

  /** A transport connection closed: its sessions die, or wait for `claim` when reclaim_session_timeout > 0. */
  void transportGone(const EventSink* sink);
  /** Watchdog tick (every 2 s in the daemon): session timeouts, reclaim expiry, stale queued candidates. */
  void sweep();
  /** Shutdown: every session gets `timeout`, then `detached` per handle, and is destroyed. */
  void shutdown();

  /** REST long poll support: the session exists / refresh its activity. */
  bool sessionExists(std::uint64_t sessionId) const { return registry_.find(sessionId) != nullptr; }
  /** The session exists and its events go to `sink` (a REST long poll may only collect its own sessions). */
  bool sessionOwnedBy(std::uint64_t sessionId, const EventSink* sink) const;
  void touch(std::uint64_t sessionId);
  /** Auth of a request object (apisecret/token), as for every non-info/ping request. */
  bool authorized(const json& request) const;

  // Operations the Admin API shares.
  json serverInfo(const std::string& transaction) const;
  void destroySession(std::uint64_t sessionId);
  /** Detaches and tears down a handle; returns the plugin's failure to let it go, if any (the handle is gone
   *  either way, as in Janus). */
  std::optional<std::string> detachHandle(Session& session, std::uint64_t handleId);
  void hangupHandle(Handle& handle, std::string_view reason);
  json handleInfo(const Session& session, const Handle& handle, bool pluginOnly) const;

  SessionRegistry& registry() noexcept { return registry_; }
  TokenStore& tokens() noexcept { return tokens_; }
  PluginHost& plugins() noexcept { return plugins_; }
  Clock& clock() noexcept { return clock_; }
  config::GeneralConfig& general() noexcept { return cfg_.general; }
  const config::Config& config() const noexcept { return cfg_; }

  void setTransports(std::vector<TransportInfo> transports) { transports_ = std::move(transports); }
  const std::vector<TransportInfo>& transports() const noexcept { return transports_; }
  /** Installs the WebRTC layer (none: JSEP offers cannot get media and plugins report it). */
  void setMediaFactory(MediaHandlerFactory* factory);

  std::size_t droppedCandidates() const noexcept { return droppedCandidates_; }

 private:
  // `verb` is lower-cased for matching, `sent` is the verb as the client wrote it (quoted in errors).
  void handleRoot(const std::string& verb, const std::string& sent, const std::string& transaction, const json& request,
                  const RequestContext& ctx, const Reply& reply, std::optional<std::string>& errorTransaction);
  void handleSession(Session& session, const std::string& verb, const std::string& sent, const std::string& transaction,
                     const json& request, const RequestContext& ctx, const Reply& reply);
  void handleHandle(Session& session, Handle& handle, const std::string& verb, const std::string& sent,
                    const std::string& transaction, const json& request, const RequestContext& ctx, const Reply& reply);
  void message(Session& session, Handle& handle, const std::string& transaction, const json& request,
               const Reply& reply);
  void trickle(Session& session, Handle& handle, const std::string& transaction, const json& request,
               const Reply& reply);
  /** Core JSEP checks (456/464/465/469) and the media hook; returns the JSEP to hand to the plugin. */
  std::optional<json> prepareJsep(Handle& handle, const json& request);

  void pluginEvent(HandleId handle, std::optional<std::string> transaction, json data, std::optional<json> jsep);
  /** Takes a handle down: media hangup, plugin hangup_media (once) and destroy_session. */
  std::optional<std::string> teardownHandle(Handle& handle, bool notifyPlugin);
  void expireSession(Session& session);

  config::Config cfg_;
  SessionRegistry& registry_;
  TokenStore& tokens_;
  PluginHost& plugins_;
  Clock& clock_;
  MediaHandlerFactory* media_ = nullptr;
  std::vector<TransportInfo> transports_;
  std::size_t droppedCandidates_ = 0;
};

}  // namespace portunus::cp
