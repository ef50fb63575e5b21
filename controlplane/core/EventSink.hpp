// Where a session's asynchronous messages go: the transport connection that created or claimed it (a WebSocket,
// or the REST long-poll queues). A session holds it weakly: when the transport goes away the session is
// "transport gone" until it is claimed again or destroyed.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace portunus::cp {

class EventSink {
 public:
  virtual ~EventSink() = default;
  /** Called on the control loop with one complete Janus message for `sessionId`. */
  virtual void deliver(std::uint64_t sessionId, const nlohmann::json& message) = 0;
  /** The session will get nothing more (destroyed, timed out or claimed elsewhere). */
  virtual void sessionClosed(std::uint64_t /*sessionId*/) {}
  /** The transport's package name, as Janus reports it (`janus.transport.http`, `janus.transport.websockets`). */
  virtual std::string_view transportName() const = 0;
};

}  // namespace portunus::cp
