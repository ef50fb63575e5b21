// Per-source-address request rate on the Janus API (limits.request_rate / request_burst): one token bucket per
// address, refilled continuously; idle buckets are forgotten so that a scan of many addresses does not grow the
// table without bound. Beast-free, with an injectable clock for its unit test.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "controlplane/core/Clock.hpp"

namespace portunus::cp {

class RateLimiter {
 public:
  /** `rate` tokens per second, at most `burst` saved up; rate 0 lets everything through. */
  RateLimiter(const Clock& clock, std::uint32_t rate, std::uint32_t burst);

  /** Takes one token of `source`'s bucket; false when it is empty (the request is over the limit). */
  bool allow(const std::string& source);
  /** Seconds until `source` has a token again (for HTTP Retry-After), at least 1. */
  unsigned retryAfterSeconds(const std::string& source) const;

  bool enabled() const noexcept { return rate_ > 0; }
  std::size_t trackedSources() const noexcept { return buckets_.size(); }
  std::uint64_t refused() const noexcept { return refused_; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
  };
  void refill(Bucket& b, Clock::time_point now) const;
  /** Drops buckets that are full again (their sources have been quiet long enough). */
  void forgetIdle(Clock::time_point now);

  const Clock& clock_;
  double rate_;
  double burst_;
  std::unordered_map<std::string, Bucket> buckets_;
  Clock::time_point lastSweep_{};
  std::uint64_t refused_ = 0;
};

}  // namespace portunus::cp
