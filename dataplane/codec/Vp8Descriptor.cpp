#include "dataplane/codec/Vp8Descriptor.hpp"

namespace portunus::dp {

Vp8ParseStatus parseVp8(const std::uint8_t* p, std::size_t len, Vp8Descriptor& d) noexcept {
  d = Vp8Descriptor{};
  if (len < 1) return Vp8ParseStatus::Empty;
  std::size_t i = 0;
  const std::uint8_t b0 = p[i++];
  d.start = (b0 & 0x10) != 0;
  d.partition = b0 & 0x0f;
  if (b0 & 0x80) {  // X: extension byte
    if (i >= len) return Vp8ParseStatus::TruncatedExtension;
    const std::uint8_t x = p[i++];
    const bool has_i = (x & 0x80) != 0, has_l = (x & 0x40) != 0, has_t = (x & 0x20) != 0, has_k = (x & 0x10) != 0;
    if (has_i) {
      if (i >= len) return Vp8ParseStatus::TruncatedPictureId;
      d.has_picture_id = true;
      d.picture_id_offset = i;
      if (p[i] & 0x80) {
        if (i + 1 >= len) return Vp8ParseStatus::TruncatedPictureId;
        d.long_picture_id = true;
        d.picture_id = static_cast<std::uint16_t>(((p[i] & 0x7f) << 8) | p[i + 1]);
        i += 2;
      } else {
        d.picture_id = p[i] & 0x7f;
        i += 1;
      }
    }
    if (has_l) {
      if (i >= len) return Vp8ParseStatus::TruncatedTl0;
      d.has_tl0 = true;
      d.tl0_offset = i;
      d.tl0picidx = p[i++];
    }
    if (has_t || has_k) {
      if (i >= len) return Vp8ParseStatus::TruncatedTid;
      if (has_t) {
        d.has_tid = true;
        d.tid = static_cast<std::uint8_t>(p[i] >> 6);
        d.layer_sync = (p[i] & 0x20) != 0;
      }
      ++i;
    }
  }
  d.size = i;
  if (i >= len) return Vp8ParseStatus::NoPayload;
  // RFC 7741 §4.3: the payload header's P bit (bit 0 of the first byte) is 0 on a keyframe; only in partition 0's
  // first packet.
  d.keyframe = d.frameStart() && (p[i] & 0x01) == 0;
  return Vp8ParseStatus::Ok;
}

void writeVp8Ids(std::uint8_t* p, const Vp8Descriptor& d, std::uint16_t picture_id, std::uint8_t tl0) noexcept {
  if (d.has_picture_id) {
    if (d.long_picture_id) {
      p[d.picture_id_offset] = static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7f));
      p[d.picture_id_offset + 1] = static_cast<std::uint8_t>(picture_id & 0xff);
    } else {
      p[d.picture_id_offset] = static_cast<std::uint8_t>(picture_id & 0x7f);
    }
  }
  if (d.has_tl0) p[d.tl0_offset] = tl0;
}

}  // namespace portunus::dp
