#include "controlplane/transports/LongPollHub.hpp"

#include <utility>

namespace portunus::cp {

void LongPollHub::deliver(std::uint64_t sessionId, const nlohmann::json& message) {
  Queue& q = queues_[sessionId];
  q.events.push_back(message);
  if (!defer_) return serve(sessionId);
  if (q.serving) return;
  q.serving = true;
  defer_([this, sessionId] {
    auto it = queues_.find(sessionId);
    if (it == queues_.end()) return;
    it->second.serving = false;
    serve(sessionId);
  });
}

void LongPollHub::sessionClosed(std::uint64_t sessionId) {
  auto it = queues_.find(sessionId);
  if (it == queues_.end()) return;
  it->second.closed = true;
  pruneIfDone(sessionId);
}

bool LongPollHub::hasQueued(std::uint64_t sessionId) const {
  auto it = queues_.find(sessionId);
  return it != queues_.end() && !it->second.events.empty();
}

std::vector<nlohmann::json> LongPollHub::take(std::uint64_t sessionId, unsigned max) {
  std::vector<nlohmann::json> out;
  auto it = queues_.find(sessionId);
  if (it == queues_.end()) return out;
  auto& events = it->second.events;
  while (!events.empty() && out.size() < max) {
    out.push_back(std::move(events.front()));
    events.pop_front();
  }
  pruneIfDone(sessionId);
  return out;
}

std::uint64_t LongPollHub::wait(std::uint64_t sessionId, unsigned max, Waiter waiter, Wanted wanted) {
  const std::uint64_t ticket = nextTicket_++;
  queues_[sessionId].parked.push_back({ticket, max == 0 ? 1 : max, std::move(waiter), std::move(wanted)});
  ticketSession_[ticket] = sessionId;
  serve(sessionId);
  return ticket;
}

std::size_t LongPollHub::parkedPolls(std::uint64_t sessionId) const {
  const auto it = queues_.find(sessionId);
  return it == queues_.end() ? 0 : it->second.parked.size();
}

void LongPollHub::dropUnwanted(std::uint64_t sessionId) {
  auto it = queues_.find(sessionId);
  if (it == queues_.end()) return;
  // Asked outside the queue: a poll that is not wanted closes its connection, which may re-enter the hub.
  std::deque<Parked> asked = std::exchange(it->second.parked, {});
  std::deque<Parked> kept;
  for (Parked& p : asked) {
    if (!p.wanted || p.wanted()) {
      kept.push_back(std::move(p));
    } else {
      ticketSession_.erase(p.ticket);
    }
  }
  it = queues_.find(sessionId);
  if (it == queues_.end()) return;
  for (Parked& p : kept)
    it->second.parked.push_back(std::move(p));
  pruneIfDone(sessionId);
}

bool LongPollHub::cancel(std::uint64_t ticket) {
  auto t = ticketSession_.find(ticket);
  if (t == ticketSession_.end()) return false;
  const std::uint64_t sid = t->second;
  ticketSession_.erase(t);
  auto q = queues_.find(sid);
  if (q != queues_.end()) {
    std::erase_if(q->second.parked, [ticket](const Parked& p) { return p.ticket == ticket; });
    pruneIfDone(sid);
  }
  return true;
}

void LongPollHub::sweepClosed(unsigned ticks) {
  for (auto it = queues_.begin(); it != queues_.end();) {
    Queue& q = it->second;
    if (q.closed && q.parked.empty() && ++q.closedTicks >= ticks)
      it = queues_.erase(it);
    else
      ++it;
  }
}

void LongPollHub::serve(std::uint64_t sessionId) {
  // Every parked poll gets events while there are some (several polls of one session may be parked).
  for (;;) {
    auto it = queues_.find(sessionId);
    if (it == queues_.end()) return;
    Queue& q = it->second;
    if (q.events.empty() || q.parked.empty()) return;
    Parked p = std::move(q.parked.front());
    q.parked.pop_front();
    ticketSession_.erase(p.ticket);
    // A poll whose client left would write the events to a closed connection: they stay for the next poll. The
    // check may re-enter the hub (the poll closes its connection): look the queue up again.
    if (p.wanted && !p.wanted()) {
      pruneIfDone(sessionId);
      continue;
    }
    std::vector<nlohmann::json> batch;
    while (!q.events.empty() && batch.size() < p.max) {
      batch.push_back(std::move(q.events.front()));
      q.events.pop_front();
    }
    pruneIfDone(sessionId);
    p.waiter(std::move(batch));  // the waiter may re-enter the hub: look the queue up again
  }
}

void LongPollHub::pruneIfDone(std::uint64_t sessionId) {
  auto it = queues_.find(sessionId);
  if (it != queues_.end() && it->second.closed && it->second.events.empty() && it->second.parked.empty() &&
      !it->second.serving)
    queues_.erase(it);
}

}  // namespace portunus::cp
