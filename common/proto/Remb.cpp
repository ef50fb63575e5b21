#include "common/proto/Remb.hpp"

#include "common/proto/ByteOrder.hpp"

namespace portunus::proto {
namespace {

constexpr std::uint64_t kMantissaMax = (1u << 18) - 1;
constexpr std::uint8_t kExpMax = 63;

void encode(std::uint64_t bps, std::uint8_t& exp, std::uint32_t& mantissa) noexcept {
  exp = 0;
  while (bps > kMantissaMax && exp < kExpMax) {
    bps >>= 1;
    ++exp;
  }
  mantissa = static_cast<std::uint32_t>(bps > kMantissaMax ? kMantissaMax : bps);
}

}  // namespace

std::uint64_t rembRepresentable(std::uint64_t bps) noexcept {
  std::uint8_t exp = 0;
  std::uint32_t mantissa = 0;
  encode(bps, exp, mantissa);
  return std::uint64_t{mantissa} << exp;
}

bool parseRemb(const RtcpBlock& b, Remb& out, std::uint32_t* ssrcs, std::size_t max) noexcept {
  if (b.type != rtcp::kPsfb || b.count != rtcp::kFmtRemb || b.length < 20) return false;
  const std::uint8_t* p = b.data;
  if (p[12] != 'R' || p[13] != 'E' || p[14] != 'M' || p[15] != 'B') return false;
  const std::size_t count = p[16];
  if (b.length < 20 + 4 * count) return false;
  const std::uint8_t exp = p[17] >> 2;
  const std::uint32_t mantissa = (std::uint32_t{p[17]} & 0x3) << 16 | load16(p + 18);
  out.bps = std::uint64_t{mantissa} << exp;
  out.count = count;
  for (std::size_t i = 0; i < count && i < max; ++i)
    ssrcs[i] = load32(p + 20 + 4 * i);
  return true;
}

}  // namespace portunus::proto
