// The REST transport's event side: one queue per session bound to REST, drained by long polls
// (`GET /janus/<sid>?maxev=N`). Events that arrive while no poll waits are kept; a waiting poll is answered as soon
// as one arrives. Beast-free; the HTTP server adds the sockets and the keepalive timer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "controlplane/core/EventSink.hpp"

namespace portunus::cp {

class LongPollHub final : public EventSink {
 public:
  using Waiter = std::function<void(std::vector<nlohmann::json>)>;
  /** Asked just before a parked poll is handed events: false when it can no longer take them (its client closed
   *  the connection); the poll is then dropped and the events stay queued for the next one. */
  using Wanted = std::function<bool()>;
  using Defer = std::function<void(std::function<void()>)>;

  /** With a defer function (the server posts to its loop), a waiting poll is answered after the current handler
   *  finishes, so that events pushed together (`timeout` + `detached`, bursts of plugin events) leave in one
   *  answer. Without one (unit tests), answers are immediate. */
  void setDefer(Defer defer) { defer_ = std::move(defer); }

  void deliver(std::uint64_t sessionId, const nlohmann::json& message) override;
  void sessionClosed(std::uint64_t sessionId) override;
  std::string_view transportName() const override { return "janus.transport.http"; }

  /** Events already queued for the session. */
  bool hasQueued(std::uint64_t sessionId) const;
  /** Takes up to `max` queued events. */
  std::vector<nlohmann::json> take(std::uint64_t sessionId, unsigned max);
  /** Parks a poll until events arrive; returns a ticket for cancel(). `wanted`, when given, is asked before the poll
   *  gets events. */
  std::uint64_t wait(std::uint64_t sessionId, unsigned max, Waiter waiter, Wanted wanted = {});
  /** Polls of the session parked right now (limits.max_long_polls_per_session). */
  std::size_t parkedPolls(std::uint64_t sessionId) const;
  /** Drops the session's parked polls that are no longer wanted (their clients left), asking each in turn: so that
   *  they do not count against the limit. */
  void dropUnwanted(std::uint64_t sessionId);
  /** Withdraws a parked poll (its keepalive fired or its socket closed); false if it was already answered. */
  bool cancel(std::uint64_t ticket);

  /** Watchdog tick: forgets events of closed sessions that no poll collected within `ticks` ticks. */
  void sweepClosed(unsigned ticks);

  std::size_t queuedSessions() const noexcept { return queues_.size(); }

 private:
  struct Parked {
    std::uint64_t ticket;
    unsigned max;
    Waiter waiter;
    Wanted wanted;
  };
  struct Queue {
    std::deque<nlohmann::json> events;
    std::deque<Parked> parked;
    bool closed = false;
    bool serving = false;  // a deferred serve is scheduled
    unsigned closedTicks = 0;
  };
  void serve(std::uint64_t sessionId);
  void pruneIfDone(std::uint64_t sessionId);

  std::map<std::uint64_t, Queue> queues_;
  std::map<std::uint64_t, std::uint64_t> ticketSession_;
  std::uint64_t nextTicket_ = 1;
  Defer defer_;
};

}  // namespace portunus::cp
