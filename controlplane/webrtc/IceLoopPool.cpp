#include "controlplane/webrtc/IceLoopPool.hpp"

#include <string>

namespace portunus::cp {

IceLoopPool::IceLoopPool(int loops) {
  const int count = loops < 1 ? 1 : loops;
  loops_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i)
    loops_.push_back(std::make_unique<IceLoop>("ice-loop-" + std::to_string(i)));
}

IceLoopPool::~IceLoopPool() {
  // Reverse order, each loop drains its queue before its thread ends.
  while (!loops_.empty())
    loops_.pop_back();
}

IceLoop& IceLoopPool::next() noexcept {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

}  // namespace portunus::cp
