#include "controlplane/transports/RateLimiter.hpp"

#include <algorithm>
#include <cmath>

namespace portunus::cp {

RateLimiter::RateLimiter(const Clock& clock, std::uint32_t rate, std::uint32_t burst)
    : clock_(clock), rate_(rate), burst_(std::max<std::uint32_t>(burst, 1)), lastSweep_(clock.now()) {}

void RateLimiter::refill(Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  b.updated = now;
}

bool RateLimiter::allow(const std::string& source) {
  if (rate_ <= 0) return true;
  const auto now = clock_.now();
  if (now - lastSweep_ >= std::chrono::seconds(10)) forgetIdle(now);
  auto [it, fresh] = buckets_.try_emplace(source, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) refill(b, now);
  if (b.tokens < 1.0) {
    ++refused_;
    return false;
  }
  b.tokens -= 1.0;
  return true;
}

unsigned RateLimiter::retryAfterSeconds(const std::string& source) const {
  const auto it = buckets_.find(source);
  if (rate_ <= 0 || it == buckets_.end()) return 1;
  Bucket b = it->second;
  refill(b, clock_.now());
  const double missing = std::max(0.0, 1.0 - b.tokens);
  return std::max(1u, static_cast<unsigned>(std::ceil(missing / rate_)));
}

void RateLimiter::forgetIdle(Clock::time_point now) {
  lastSweep_ = now;
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    refill(it->second, now);
    it = it->second.tokens >= burst_ ? buckets_.erase(it) : std::next(it);
  }
}

}  // namespace portunus::cp
