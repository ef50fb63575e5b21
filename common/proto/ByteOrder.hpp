// Big-endian loads and stores on unaligned bytes; the only way protocol code in portunus::proto touches the wire.
// One unaligned access and a byte swap each (memcpy of a fixed size compiles to a plain mov): written byte by byte,
// the compiler merged a packet's header stores into one wide store assembled a byte at a time (~40 instructions for
// an RTP header's SSRC, sequence number and timestamp).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

namespace portunus::proto {

/** Whether the host's byte order is the reverse of the wire's (network order). */
constexpr bool kSwap = std::endian::native == std::endian::little;

inline std::uint16_t load16(const std::uint8_t* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return kSwap ? __builtin_bswap16(v) : v;
}
inline std::uint32_t load32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return kSwap ? __builtin_bswap32(v) : v;
}
inline void store16(std::uint8_t* p, std::uint16_t v) noexcept {
  if (kSwap) v = __builtin_bswap16(v);
  std::memcpy(p, &v, 2);
}
inline void store32(std::uint8_t* p, std::uint32_t v) noexcept {
  if (kSwap) v = __builtin_bswap32(v);
  std::memcpy(p, &v, 4);
}

}  // namespace portunus::proto
