// The media side of `portunus-lab load`: a fixed number of threads (one per core), each pacing the senders of
// many peers from a heap of deadlines (the earliest due frame or audio packet first), instead of a thread per
// peer. A peer added to the scheduler is started on one of its threads (round robin) and stepped until its media
// time is over; its receive path stays on the IceLoop pool. Per-packet work is only the peer's own (build,
// protect, send); the scheduler's bookkeeping is per step (one frame or audio packet) and lock-free on the hot
// path except for one uncontended mutex per wake-up.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lab/peer/LabPeer.hpp"

namespace portunus::lab {

class MediaScheduler {
 public:
  using Clock = LabPeer::MediaClock;
  /** Called on the media thread when a peer's media ends: `ok` false when the peer failed before its time. */
  using DoneCallback = std::function<void(bool ok)>;

  explicit MediaScheduler(unsigned threads);
  ~MediaScheduler();
  MediaScheduler(const MediaScheduler&) = delete;
  MediaScheduler& operator=(const MediaScheduler&) = delete;

  /** Starts `peer`'s media (on a media thread) for `seconds`, `warmupSeconds` of them unmeasured. The peer must
   *  outlive its done callback. */
  void add(LabPeer& peer, double seconds, double warmupSeconds, DoneCallback done);
  /** Stops every thread; peers still running get no done callback. */
  void stop();

  /** RTP packets the peers sent so far, over all threads. */
  std::uint64_t packetsSent() const;
  /** Peers whose media is running. */
  unsigned active() const { return active_.load(std::memory_order_relaxed); }
  /** Mean lateness of the steps (how far behind their deadline they were sent), in microseconds. */
  double meanLatenessUs() const;

 private:
  struct Entry {
    Clock::time_point due;
    Clock::time_point end;
    LabPeer* peer = nullptr;
    double seconds = 0, warmup = 0;
    DoneCallback done;
  };
  struct alignas(64) Lane {
    std::thread thread;
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<Entry> inbox;  // under mutex
    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> steps{0};
    std::atomic<std::uint64_t> lateness_ns{0};
  };
  void run(Lane& lane);

  std::vector<std::unique_ptr<Lane>> lanes_;
  std::atomic<unsigned> next_lane_{0};
  std::atomic<unsigned> active_{0};
  std::atomic<bool> stop_{false};
};

}  // namespace portunus::lab
