// A small fixed pool of IceLoops (config `nat.event_loops`, like Janus's `event_loops`): PeerConnections are
// spread over them round-robin, never one thread per handle (DESIGN §2).
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "controlplane/webrtc/IceLoop.hpp"

namespace portunus::cp {

class IceLoopPool {
 public:
  /** Starts `loops` threads (at least one). */
  explicit IceLoopPool(int loops);
  ~IceLoopPool();  // joins the threads; destroy every agent and transport first
  IceLoopPool(const IceLoopPool&) = delete;
  IceLoopPool& operator=(const IceLoopPool&) = delete;

  std::size_t size() const noexcept { return loops_.size(); }
  IceLoop& loop(std::size_t index) { return *loops_.at(index); }
  const IceLoop& loop(std::size_t index) const { return *loops_.at(index); }
  /** The loop for the next PeerConnection (round-robin). */
  IceLoop& next() noexcept;

 private:
  std::vector<std::unique_ptr<IceLoop>> loops_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace portunus::cp
