// REMB, the receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 §2.2): a payload-specific feedback
// message (PT 206, FMT 15) carrying "REMB", a bitrate as 6-bit exponent and 18-bit mantissa, and the SSRCs it
// applies to. The dataplane originates it as a bitrate cap toward a sender; the lab peer reads it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/proto/RtcpPacket.hpp"

namespace portunus::proto {

constexpr std::size_t kRembMaxSsrcs = 255;

// The builder, proto::buildRemb (rounds `bps` down to what exponent/mantissa can say), is in RtcpPacket.hpp.

/** The decoded fields of a REMB block; `count` SSRCs follow in the block, the first `max` copied. */
struct Remb {
  std::uint64_t bps = 0;
  std::size_t count = 0;
};

/** True if `b` is a well-formed REMB (PSFB FMT 15, "REMB", SSRC list within the block). */
bool parseRemb(const RtcpBlock& b, Remb& out, std::uint32_t* ssrcs, std::size_t max) noexcept;

/** The bitrate a REMB can carry for `bps`: mantissa < 2^18, exponent < 64 (what buildRemb encodes). */
std::uint64_t rembRepresentable(std::uint64_t bps) noexcept;

}  // namespace portunus::proto
