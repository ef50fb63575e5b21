#include "common/proto/RtpPacket.hpp"

namespace portunus::proto {

RtpParseStatus RtpPacket::parse(const std::uint8_t* p, std::size_t len) noexcept {
  *this = RtpPacket{};
  if (len < 12) return RtpParseStatus::TooShort;
  if ((p[0] >> 6) != 2) return RtpParseStatus::BadVersion;
  data = p;
  length = len;
  padding = (p[0] & 0x20) != 0;
  const bool extension = (p[0] & 0x10) != 0;
  csrc_count = p[0] & 0x0f;
  marker = (p[1] & 0x80) != 0;
  payload_type = p[1] & 0x7f;
  sequence = load16(p + 2);
  timestamp = load32(p + 4);
  ssrc = load32(p + 8);
  std::size_t off = 12 + 4u * csrc_count;
  if (off > len) return RtpParseStatus::BadCsrc;
  if (extension) {
    if (off + 4 > len) return RtpParseStatus::BadExtension;
    extension_profile = load16(p + off);
    extension_length = 4u * load16(p + off + 2);
    extension_offset = off + 4;
    off = extension_offset + extension_length;
    if (off > len) return RtpParseStatus::BadExtension;
  }
  std::size_t pad = 0;
  if (padding) {
    if (len == off) return RtpParseStatus::BadPadding;
    pad = p[len - 1];
    if (pad == 0 || off + pad > len) return RtpParseStatus::BadPadding;
  }
  payload_offset = off;
  payload_length = len - off - pad;
  return RtpParseStatus::Ok;
}

std::size_t RtpPacket::findExtension(std::uint8_t id, const std::uint8_t** value) const noexcept {
  if (extension_length == 0 || id == 0) return 0;
  const std::uint8_t* p = data + extension_offset;
  const std::uint8_t* end = p + extension_length;
  if (extension_profile == 0xBEDE) {  // RFC 8285 §4.2 one-byte header
    while (p < end) {
      if (*p == 0) {  // padding
        ++p;
        continue;
      }
      const std::uint8_t eid = *p >> 4;
      const std::size_t elen = (*p & 0x0f) + 1u;
      if (eid == 15) return 0;  // reserved: stop parsing
      if (p + 1 + elen > end) return 0;
      if (eid == id) {
        *value = p + 1;
        return elen;
      }
      p += 1 + elen;
    }
  } else if ((extension_profile & 0xfff0) == 0x1000) {  // RFC 8285 §4.3 two-byte header
    while (p < end) {
      if (*p == 0) {
        ++p;
        continue;
      }
      if (p + 2 > end) return 0;
      const std::uint8_t eid = p[0];
      const std::size_t elen = p[1];
      if (p + 2 + elen > end) return 0;
      if (eid == id && elen > 0) {
        *value = p + 2;
        return elen;
      }
      p += 2 + elen;
    }
  }
  return 0;
}

}  // namespace portunus::proto
