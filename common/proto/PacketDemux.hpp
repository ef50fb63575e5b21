// RFC 7983 §7 first-byte demultiplexing of the packets that share one ICE 5-tuple, and RFC 5761 §4 RTP/RTCP split.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace portunus::proto {

enum class PacketKind : std::uint8_t { Unknown, Stun, Zrtp, Dtls, TurnChannel, Rtp, Rtcp };

std::string_view kindName(PacketKind kind) noexcept;

/** Classifies a UDP payload by its first byte (and the second for RTP vs RTCP). */
inline PacketKind demux(const std::uint8_t* data, std::size_t len) noexcept {
  if (len == 0) return PacketKind::Unknown;
  const std::uint8_t b = data[0];
  if (b <= 3) return PacketKind::Stun;
  if (b >= 16 && b <= 19) return PacketKind::Zrtp;
  if (b >= 20 && b <= 63) return PacketKind::Dtls;
  if (b >= 64 && b <= 79) return PacketKind::TurnChannel;
  if (b >= 128 && b <= 191) {
    if (len < 2) return PacketKind::Unknown;
    // RFC 5761 §4: payload types 64-95 (with the marker bit: 192-223) are RTCP packet types.
    const std::uint8_t pt = data[1] & 0x7f;
    return (pt >= 64 && pt <= 95) ? PacketKind::Rtcp : PacketKind::Rtp;
  }
  return PacketKind::Unknown;
}

}  // namespace portunus::proto
