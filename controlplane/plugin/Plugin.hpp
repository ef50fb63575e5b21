// The plugin-host interface (Janus's plugin.h, reduced to what Portunus plugins need). A plugin decides policy and
// answers requests; it never sees a packet and never includes ICE/DTLS internals.
//
// Threading: handleMessage() and handleAdminMessage() run on the plugin worker pool, possibly concurrently; the
// other calls come from the control loop and must be quick (no I/O, no waiting). A plugin guards its own state.
// Events go back through PluginGateway, which is thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace portunus::cp {

using HandleId = std::uint64_t;

/** What `info` lists for the plugin. */
struct PluginInfo {
  std::string package;  // e.g. "janus.plugin.echotest": the name clients attach to
  std::string name;
  std::string author;
  std::string description;
  std::string versionString;
  int version = 0;
};

/** One `message` request for a handle. `jsep` has passed the core's checks (type offer/answer, an SDP). */
struct PluginMessage {
  HandleId handle = 0;
  std::string transaction;
  nlohmann::json body;
  std::optional<nlohmann::json> jsep;
};

/** A plugin's answer: `data` goes into `plugindata.data`, `jsep` (if any) beside it. Plugin-level errors are
 *  ordinary data (`error_code`, `error`), as in Janus. */
struct PluginResult {
  nlohmann::json data;
  std::optional<nlohmann::json> jsep;
};

/** What the host offers a plugin. Thread-safe. */
class PluginGateway {
 public:
  virtual ~PluginGateway() = default;
  /** Pushes an `event` to the handle's session (with `transaction` when it answers a request). */
  virtual void pushEvent(HandleId handle, std::optional<std::string> transaction, nlohmann::json data,
                         std::optional<nlohmann::json> jsep = std::nullopt) = 0;
  /** Whether a media layer can negotiate PeerConnections (false until the WebRTC layer is wired in). */
  virtual bool mediaAvailable() const = 0;
  /** Closes the handle's PeerConnection (Janus close_pc). */
  virtual void closePeerConnection(HandleId handle) = 0;
};

class Plugin {
 public:
  virtual ~Plugin() = default;

  virtual const PluginInfo& info() const = 0;
  /** Called once before any other call. */
  virtual void init(PluginGateway& gateway) = 0;

  /** A handle attached (throws JanusError 461 to refuse) / detached. */
  virtual void createSession(HandleId handle) = 0;
  virtual void destroySession(HandleId handle) = 0;

  /** Control loop, cheap: nullopt = answer synchronously (`success` + plugindata); a string = answer `ack`
   *  (with that `hint` when non-empty) now and an `event` with the same transaction later. */
  virtual std::optional<std::string> asyncHint(const PluginMessage& message) const = 0;
  /** Handles one request (worker pool). For async requests the result becomes the `event`. */
  virtual PluginResult handleMessage(const PluginMessage& message) = 0;
  /** Admin API `message_plugin`: returns the `response` object. */
  virtual nlohmann::json handleAdminMessage(const nlohmann::json& request) = 0;
  /** Admin `handle_info.plugin_specific`. */
  virtual nlohmann::json queryHandle(HandleId handle) = 0;

  /** Media lifecycle (from the WebRTC layer): the PeerConnection is up / went away. */
  virtual void setupMedia(HandleId handle) = 0;
  virtual void hangupMedia(HandleId handle) = 0;
  /** The core saw too many lost packets on one of the handle's streams within a second (Janus slow_link):
   *  `uplink` = on what the peer sends us, else on what we send the peer. The core has already sent the
   *  `slowlink` event; a plugin may add its own. */
  virtual void slowLink(HandleId /*handle*/, const std::string& /*mid*/, bool /*video*/, bool /*uplink*/) {}
};

}  // namespace portunus::cp
