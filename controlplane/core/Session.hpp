// A Janus session: its handles, its activity time (watchdog), and the transport its events go to.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controlplane/core/Clock.hpp"
#include "controlplane/core/EventSink.hpp"
#include "controlplane/core/Handle.hpp"

namespace portunus::cp {

class Session {
 public:
  Session(std::uint64_t id, Clock::time_point now) : id_(id), lastActivity_(now) {}

  std::uint64_t id() const noexcept { return id_; }

  void touch(Clock::time_point now) noexcept { lastActivity_ = now; }
  Clock::time_point lastActivity() const noexcept { return lastActivity_; }

  /** Per-session timeout set by the Admin API; empty = the global session_timeout. */
  std::optional<int> timeoutOverride;

  /** Binds the session's events to a transport connection (create, claim). */
  void bind(const std::shared_ptr<EventSink>& sink);
  /** The bound transport closed: the session waits for `claim` (or dies, per reclaim_session_timeout). */
  void markTransportGone() noexcept { transportGone_ = true; }
  bool transportGone() const noexcept { return transportGone_ || sink_.expired(); }
  bool boundTo(const EventSink* sink) const;
  std::string transportName() const;

  /** Sends one message to the bound transport, if it is still there. */
  void send(const nlohmann::json& message) const;
  /** Tells the bound transport the session is over. */
  void close() const;

  std::map<std::uint64_t, std::shared_ptr<Handle>>& handles() noexcept { return handles_; }
  const std::map<std::uint64_t, std::shared_ptr<Handle>>& handles() const noexcept { return handles_; }
  std::shared_ptr<Handle> handle(std::uint64_t id) const;

 private:
  std::uint64_t id_;
  Clock::time_point lastActivity_;
  std::weak_ptr<EventSink> sink_;
  std::string transportName_;
  bool transportGone_ = false;
  std::map<std::uint64_t, std::shared_ptr<Handle>> handles_;
};

}  // namespace portunus::cp
