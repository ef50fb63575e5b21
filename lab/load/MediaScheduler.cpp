#include "lab/load/MediaScheduler.hpp"

#include <algorithm>

namespace portunus::lab {

namespace {

// A lane sleeps at most this long, so that new peers and stop() are seen even with nothing due.
constexpr auto kMaxSleep = std::chrono::milliseconds(20);

}  // namespace

MediaScheduler::MediaScheduler(unsigned threads) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i)
    lanes_.push_back(std::make_unique<Lane>());
  for (auto& lane : lanes_) {
    Lane* l = lane.get();
    l->thread = std::thread([this, l] { run(*l); });
  }
}

MediaScheduler::~MediaScheduler() {
  stop();
}

void MediaScheduler::stop() {
  stop_ = true;
  for (auto& lane : lanes_) {
    { std::lock_guard lock(lane->mutex); }
    lane->cv.notify_all();
  }
  for (auto& lane : lanes_)
    if (lane->thread.joinable()) lane->thread.join();
}

void MediaScheduler::add(LabPeer& peer, double seconds, double warmupSeconds, DoneCallback done) {
  Lane& lane = *lanes_[next_lane_.fetch_add(1, std::memory_order_relaxed) % lanes_.size()];
  ++active_;
  {
    std::lock_guard lock(lane.mutex);
    lane.inbox.push_back(Entry{{}, {}, &peer, seconds, warmupSeconds, std::move(done)});
  }
  lane.cv.notify_one();
}

std::uint64_t MediaScheduler::packetsSent() const {
  std::uint64_t total = 0;
  for (const auto& lane : lanes_)
    total += lane->sent.load(std::memory_order_relaxed);
  return total;
}

double MediaScheduler::meanLatenessUs() const {
  std::uint64_t steps = 0, late = 0;
  for (const auto& lane : lanes_) {
    steps += lane->steps.load(std::memory_order_relaxed);
    late += lane->lateness_ns.load(std::memory_order_relaxed);
  }
  return steps ? static_cast<double>(late) / static_cast<double>(steps) / 1000.0 : 0.0;
}

void MediaScheduler::run(Lane& lane) {
  // A min-heap on `due`: the front is the next step of any peer of this lane.
  const auto later = [](const Entry& a, const Entry& b) { return a.due > b.due; };
  std::vector<Entry> heap;
  std::vector<Entry> incoming;
  auto finish = [this](Entry& e, bool ok) {
    if (e.done) e.done(ok);
    --active_;
  };
  while (!stop_.load(std::memory_order_relaxed)) {
    {
      std::unique_lock lock(lane.mutex);
      if (lane.inbox.empty()) {
        const auto now = Clock::now();
        const auto wake = heap.empty() ? now + kMaxSleep : std::min(heap.front().due, now + kMaxSleep);
        if (wake > now) lane.cv.wait_until(lock, wake, [&] { return !lane.inbox.empty() || stop_.load(); });
      }
      incoming.swap(lane.inbox);
    }
    for (Entry& e : incoming) {
      e.peer->startMedia(e.warmup);
      const auto start = Clock::now();
      e.end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(e.seconds));
      e.due = e.peer->nextMediaDue();
      if (e.due >= e.end) {
        finish(e, true);
        continue;
      }
      heap.push_back(std::move(e));
      std::push_heap(heap.begin(), heap.end(), later);
    }
    incoming.clear();
    // Every step that is due now, earliest first; the lock above is taken once per wake-up, not per step.
    std::uint64_t sent = 0, steps = 0, lateness = 0;
    auto now = Clock::now();
    while (!heap.empty() && heap.front().due <= now) {
      std::pop_heap(heap.begin(), heap.end(), later);
      Entry e = std::move(heap.back());
      heap.pop_back();
      unsigned packets = 0;
      if (!e.peer->stepMedia(now, packets)) {
        finish(e, false);
        continue;
      }
      sent += packets;
      ++steps;
      lateness += static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - e.due).count());
      e.due = e.peer->nextMediaDue();
      if (e.due >= e.end) {
        finish(e, true);
      } else {
        heap.push_back(std::move(e));
        std::push_heap(heap.begin(), heap.end(), later);
      }
      now = Clock::now();
    }
    lane.sent.fetch_add(sent, std::memory_order_relaxed);
    lane.steps.fetch_add(steps, std::memory_order_relaxed);
    lane.lateness_ns.fetch_add(lateness, std::memory_order_relaxed);
  }
}

}  // namespace portunus::lab
