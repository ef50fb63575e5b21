// IPv4 -> MAC learned from received frames (DESIGN §3 "L2 on transmit": a flow replies to the MAC its packets came
// from). One writer (the io worker), lock-free readers: each entry is one 64-bit word, 48 bits of MAC and a 16-bit
// tag of the address's hash, so a reader never sees a torn pair.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "common/proto/ByteOrder.hpp"
#include "dataplane/DataplaneTypes.hpp"

namespace portunus::dp {

class NeighborCache {
 public:
  static constexpr std::size_t kSize = 4096;

  void learn(std::uint32_t ip_be, const std::uint8_t* mac) noexcept {
    const std::uint32_t h = hash(ip_be);
    // Two loads, not six (per received frame: the byte loop was ~10 % of the classifier's samples).
    const std::uint64_t v =
        std::uint64_t{h >> 16} << 48 | std::uint64_t{proto::load32(mac)} << 16 | proto::load16(mac + 4);
    auto& e = entries_[h & (kSize - 1)];
    if (e.load(std::memory_order_relaxed) != v) e.store(v, std::memory_order_relaxed);
  }

  bool lookup(std::uint32_t ip_be, MacAddress& mac) const noexcept {
    const std::uint32_t h = hash(ip_be);
    const std::uint64_t v = entries_[h & (kSize - 1)].load(std::memory_order_relaxed);
    if (v == 0 || (v >> 48) != (h >> 16)) return false;
    proto::store32(mac.data(), static_cast<std::uint32_t>(v >> 16));  // the inverse of learn()'s two loads
    proto::store16(mac.data() + 4, static_cast<std::uint16_t>(v));
    return true;
  }

 private:
  static std::uint32_t hash(std::uint32_t x) noexcept {  // murmur3 finalizer
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x | 0x10000u;  // the tag is never 0, so an empty entry never matches
  }
  std::array<std::atomic<std::uint64_t>, kSize> entries_{};
};

}  // namespace portunus::dp
