// Janus's slow-link rule (janus_slow_link_update in ice.c, 1.1.2): once a second, per stream and direction, the
// packets lost since the last check; when that reaches `media.slowlink_threshold` (> 0) the handle gets
// {"janus":"slowlink","mid","media","uplink","lost"}. uplink:true counts losses on what the peer sends us (our
// reception stats), uplink:false the losses the peer reports on what we send (its RR report blocks). The event
// itself is built by MediaEvents.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace portunus::cp {

class SlowLinkDetector {
 public:
  explicit SlowLinkDetector(std::uint64_t threshold) : threshold_(threshold) {}

  /** Feeds the cumulative loss of stream `id`; returns the losses since the last call when they reach the
   *  threshold. The first call for a stream counts from zero, like Janus's counters. */
  std::optional<std::uint64_t> update(std::uint32_t id, std::uint64_t cumulativeLost);
  void forget(std::uint32_t id) { last_.erase(id); }
  bool enabled() const noexcept { return threshold_ > 0; }
  /** A new threshold (0: off) from the next update on; the streams' loss baselines stay. */
  void setThreshold(std::uint64_t threshold) noexcept { threshold_ = threshold; }

 private:
  std::uint64_t threshold_;
  std::map<std::uint32_t, std::uint64_t> last_;
};

}  // namespace portunus::cp
