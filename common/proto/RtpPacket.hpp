// A bounds-checked view of an RTP header (RFC 3550 §5.1) with its RFC 8285 header extensions, plus in-place
// rewriters for the fields a route changes. Never allocates; parse() is the only validation, setters trust it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/proto/ByteOrder.hpp"

namespace portunus::proto {

enum class RtpParseStatus : std::uint8_t { Ok, TooShort, BadVersion, BadCsrc, BadExtension, BadPadding };

struct RtpPacket {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;  // whole packet
  std::uint8_t payload_type = 0;
  bool marker = false;
  bool padding = false;
  std::uint8_t csrc_count = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::uint16_t extension_profile = 0;  // 0 when there is no extension block
  std::size_t extension_offset = 0;     // first byte of the extension elements
  std::size_t extension_length = 0;     // bytes of extension elements
  std::size_t payload_offset = 0;
  std::size_t payload_length = 0;  // without padding

  /** Parses `len` bytes of RTP (an SRTP packet's tag not among them); on failure the view is unusable. */
  RtpParseStatus parse(const std::uint8_t* p, std::size_t len) noexcept;

  /** Finds RFC 8285 element `id` (one-byte 0xBEDE or two-byte 0x100X form). Returns its length, 0 if absent. */
  std::size_t findExtension(std::uint8_t id, const std::uint8_t** value) const noexcept;
};

/** In-place rewrites on a parsed, writable RTP header (route rewrite). */
inline void setPayloadType(std::uint8_t* p, std::uint8_t pt) noexcept {
  p[1] = static_cast<std::uint8_t>((p[1] & 0x80) | (pt & 0x7f));
}
inline void setSequence(std::uint8_t* p, std::uint16_t seq) noexcept {
  store16(p + 2, seq);
}
inline void setTimestamp(std::uint8_t* p, std::uint32_t ts) noexcept {
  store32(p + 4, ts);
}
inline void setSsrc(std::uint8_t* p, std::uint32_t ssrc) noexcept {
  store32(p + 8, ssrc);
}

}  // namespace portunus::proto
