// All live sessions and handles, by id. Ids are random below 2^53 and unique among sessions and handles alike.
// Used on the control loop only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "controlplane/core/IdGenerator.hpp"
#include "controlplane/core/Session.hpp"

namespace portunus::cp {

class SessionRegistry {
 public:
  SessionRegistry() = default;
  explicit SessionRegistry(std::uint64_t seed) : ids_(seed) {}

  /** Creates a session; `requested` (if non-zero) must be free, else JanusError 468. */
  std::shared_ptr<Session> create(Clock::time_point now, std::uint64_t requested = 0);
  std::shared_ptr<Session> find(std::uint64_t sessionId) const;
  /** Removes the session (its handles must have been detached by the caller). */
  void erase(std::uint64_t sessionId);

  /** Adds a handle with a fresh id to `session`. */
  std::shared_ptr<Handle> attach(Session& session, Plugin& plugin, std::string opaqueId, long long createdUs);
  /** Takes the handle out of its session; `owner()` keeps answering until release() so that late plugin events
   *  (e.g. EchoTest's "done" before "detached") still find their session. */
  std::shared_ptr<Handle> detach(Session& session, std::uint64_t handleId);
  void release(std::uint64_t handleId);
  /** A handle by id alone, attached or detached-but-not-released (plugin events name only the handle). */
  std::shared_ptr<Handle> indexed(std::uint64_t handleId) const;

  std::vector<std::uint64_t> sessionIds() const;
  std::size_t size() const noexcept { return sessions_.size(); }
  std::size_t handleCount() const noexcept;

 private:
  std::uint64_t freshId();

  IdGenerator ids_;
  std::map<std::uint64_t, std::shared_ptr<Session>> sessions_;
  std::map<std::uint64_t, std::shared_ptr<Handle>> handleIndex_;
};

}  // namespace portunus::cp
