// NACK generation toward a publisher (RFC 4585 §6.2.1): the sequence gaps seen on one inbound stream, each asked
// for up to kMaxRetries times, kRetryMs apart, forgotten when the packet arrives (original or RTX) or when it is too
// old. Fixed-size, no allocation. Pure, no DPDK.
#pragma once

#include <array>
#include <cstdint>

namespace portunus::dp {

class NackGenerator {
 public:
  static constexpr std::size_t kMaxPending = 64;
  static constexpr std::uint8_t kMaxRetries = 3;
  static constexpr std::uint64_t kRetryMs = 100;
  static constexpr std::uint16_t kMaxGap = 128;  // a larger jump is a restart, not loss: nothing asked

  /** A packet arrived. Returns true if it was a pending (asked-for) one. */
  bool onPacket(std::uint16_t seq) noexcept {
    if (!started_) {
      started_ = true;
      max_ = seq;
      return false;
    }
    const auto delta = static_cast<std::int16_t>(seq - max_);
    if (delta > 0) {
      if (static_cast<std::uint16_t>(delta) <= kMaxGap)
        for (std::uint16_t s = static_cast<std::uint16_t>(max_ + 1); s != seq; ++s)
          add(s);
      max_ = seq;
      return false;
    }
    for (Entry& e : pending_)
      if (e.used && e.seq == seq) {
        e.used = false;
        --count_;
        ++recovered_;
        return true;
      }
    return false;
  }

  /** Collects the sequence numbers due for a (re)request at `now_ms` into `out` (capacity kMaxPending); entries past
   * their last retry are dropped (counted as given up). Returns how many. */
  std::size_t due(std::uint64_t now_ms, std::uint16_t* out) noexcept {
    std::size_t n = 0;
    for (Entry& e : pending_) {
      if (!e.used) continue;
      if (e.retries && now_ms - e.last_ms < kRetryMs) continue;
      if (e.retries == kMaxRetries) {
        e.used = false;
        --count_;
        ++given_up_;
        continue;
      }
      ++e.retries;
      e.last_ms = now_ms;
      out[n++] = e.seq;
    }
    return n;
  }

  std::size_t pending() const noexcept { return count_; }
  std::uint64_t recovered() const noexcept { return recovered_; }
  std::uint64_t givenUp() const noexcept { return given_up_; }

 private:
  struct Entry {
    bool used = false;
    std::uint8_t retries = 0;
    std::uint16_t seq = 0;
    std::uint64_t last_ms = 0;
  };

  void add(std::uint16_t seq) noexcept {
    Entry* slot = nullptr;
    for (Entry& e : pending_)
      if (!e.used) {
        slot = &e;
        break;
      }
    if (!slot) {
      ++given_up_;  // table full: the oldest request stays, this one is not asked for
      return;
    }
    *slot = Entry{true, 0, seq, 0};
    ++count_;
  }

  bool started_ = false;
  std::uint16_t max_ = 0;
  std::size_t count_ = 0;
  std::uint64_t recovered_ = 0, given_up_ = 0;
  std::array<Entry, kMaxPending> pending_{};
};

}  // namespace portunus::dp
