// The replay window of one SRTP/SRTCP stream for IpsecMbEngine (RFC 3711 §3.3.2, Appendix A): the highest index seen
// and a bitmap of the last `size` indices, with libsrtp2's semantics so that both engines give the same drop reasons:
// newer than the highest is fine, `size` or more behind it is ReplayOld, a bit already set is ReplayDup. The bitmap is
// circular (bit = index mod 1024), so advancing clears only the bits of the skipped indices.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

class IpsecMbReplayWindow {
 public:
  static constexpr std::uint32_t kMaxSize = 1024;

  /** `size` in 1..kMaxSize packets (the caller checks). */
  explicit IpsecMbReplayWindow(std::uint32_t size = kMaxSize) noexcept : size_(size) {}

  std::uint64_t highest() const noexcept { return highest_; }

  SrtpStatus check(std::uint64_t index) const noexcept {
    if (index > highest_) return SrtpStatus::Ok;
    if (highest_ - index >= size_) return SrtpStatus::ReplayOld;
    return test(index) ? SrtpStatus::ReplayDup : SrtpStatus::Ok;
  }

  /** Records `index`; call only after check() gave Ok. */
  void commit(std::uint64_t index) noexcept {
    if (index > highest_) {
      const std::uint64_t delta = index - highest_;
      if (delta >= kMaxSize) {
        bits_.fill(0);
      } else {
        for (std::uint64_t i = highest_ + 1; i < index; ++i)
          clear(i);
      }
      highest_ = index;
    }
    set(index);
  }

 private:
  bool test(std::uint64_t index) const noexcept { return (bits_[(index / 64) % kWords] >> (index % 64) & 1U) != 0; }
  void set(std::uint64_t index) noexcept { bits_[(index / 64) % kWords] |= std::uint64_t{1} << (index % 64); }
  void clear(std::uint64_t index) noexcept { bits_[(index / 64) % kWords] &= ~(std::uint64_t{1} << (index % 64)); }

  static constexpr std::uint32_t kWords = kMaxSize / 64;
  std::uint64_t highest_ = 0;
  std::uint32_t size_;
  std::array<std::uint64_t, kWords> bits_{};
};

}  // namespace portunus::dp
