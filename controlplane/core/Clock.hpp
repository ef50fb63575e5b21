// Time source of the control plane, injectable so that timers (session watchdog, reclaim, trickle expiry) can be
// tested without sleeping.
#pragma once

#include <chrono>

namespace portunus::cp {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
  /** Microseconds since the clock's epoch, as Janus reports `created`/`current_time` in handle_info. */
  long long micros() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(now().time_since_epoch()).count();
  }
};

class SteadyClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::steady_clock::now(); }
};

/** A clock that moves only when told to. */
class ManualClock final : public Clock {
 public:
  time_point now() const override { return now_; }
  void advance(std::chrono::steady_clock::duration d) { now_ += d; }

 private:
  time_point now_{std::chrono::hours(1)};
};

}  // namespace portunus::cp
