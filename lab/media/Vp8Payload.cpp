#include "lab/media/Vp8Payload.hpp"

namespace portunus::lab {

std::size_t Vp8Payload::overhead(const Vp8PacketInfo& info) noexcept {
  std::size_t n = kDescriptorSize + kLayerTagSize;
  if (info.frame_start) n += kFrameTagSize + (info.keyframe ? kKeyframeHeaderSize : 0);
  return n;
}

bool Vp8Payload::encode(const Vp8PacketInfo& info, const PayloadHeader& payload, std::span<std::uint8_t> out) noexcept {
  const std::size_t head = overhead(info);
  if (out.size() < head + MediaPayload::kHeaderSize) return false;
  std::uint8_t* p = out.data();
  // X=1, N=0, S, PID=0 | I, L, T, K=0 | M=1 + PictureID (15 bits) | TL0PICIDX | TID, Y, KEYIDX=0.
  p[0] = static_cast<std::uint8_t>(0x80 | (info.frame_start ? 0x10 : 0));
  p[1] = 0x80 | 0x40 | 0x20;
  p[2] = static_cast<std::uint8_t>(0x80 | ((info.picture_id >> 8) & 0x7f));
  p[3] = static_cast<std::uint8_t>(info.picture_id);
  p[4] = info.tl0picidx;
  p[5] = static_cast<std::uint8_t>(((info.tid & 0x03) << 6) | (info.layer_sync ? 0x20 : 0));
  std::size_t i = kDescriptorSize;
  if (info.frame_start) {
    // Frame tag: P (bit 0, 0 = keyframe), version 0, show_frame (bit 4), first partition size (19 bits, nominal).
    p[i] = static_cast<std::uint8_t>((info.keyframe ? 0x00 : 0x01) | 0x10);
    p[i + 1] = 0x02;
    p[i + 2] = 0x00;
    i += kFrameTagSize;
    if (info.keyframe) {
      const std::uint8_t key[kKeyframeHeaderSize] = {0x9d,
                                                     0x01,
                                                     0x2a,
                                                     static_cast<std::uint8_t>(info.width),
                                                     static_cast<std::uint8_t>((info.width >> 8) & 0x3f),
                                                     static_cast<std::uint8_t>(info.height),
                                                     static_cast<std::uint8_t>((info.height >> 8) & 0x3f)};
      for (std::size_t k = 0; k < kKeyframeHeaderSize; ++k)
        p[i + k] = key[k];
      i += kKeyframeHeaderSize;
    }
  }
  // Layer tag: magic | layer | tid | flags (bit 0 keyframe, bit 1 frame start, bit 2 layer sync) | TL0PICIDX |
  // PictureID (u16) | reserved (u16), big-endian.
  p[i] = static_cast<std::uint8_t>(kTagMagic >> 24);
  p[i + 1] = static_cast<std::uint8_t>(kTagMagic >> 16);
  p[i + 2] = static_cast<std::uint8_t>(kTagMagic >> 8);
  p[i + 3] = static_cast<std::uint8_t>(kTagMagic);
  p[i + 4] = info.layer;
  p[i + 5] = info.tid;
  p[i + 6] =
      static_cast<std::uint8_t>((info.keyframe ? 1 : 0) | (info.frame_start ? 2 : 0) | (info.layer_sync ? 4 : 0));
  p[i + 7] = info.tl0picidx;
  p[i + 8] = static_cast<std::uint8_t>(info.picture_id >> 8);
  p[i + 9] = static_cast<std::uint8_t>(info.picture_id);
  p[i + 10] = 0;
  p[i + 11] = 0;
  i += kLayerTagSize;
  MediaPayload::encode(payload, out.subspan(i));
  return true;
}

std::optional<Vp8PacketView> Vp8Payload::parse(std::span<const std::uint8_t> in) noexcept {
  if (in.size() < kDescriptorSize + kLayerTagSize + MediaPayload::kHeaderSize) return std::nullopt;
  const std::uint8_t* p = in.data();
  // Only the descriptor form the lab sends is accepted: X, I with M, L, T.
  if ((p[0] & 0x80) == 0 || (p[1] & 0xe0) != 0xe0 || (p[2] & 0x80) == 0) return std::nullopt;
  Vp8PacketView v;
  v.descriptor.frame_start = (p[0] & 0x10) != 0 && (p[0] & 0x0f) == 0;
  v.descriptor.picture_id = static_cast<std::uint16_t>(((p[2] & 0x7f) << 8) | p[3]);
  v.descriptor.tl0picidx = p[4];
  v.descriptor.tid = static_cast<std::uint8_t>(p[5] >> 6);
  v.descriptor.layer_sync = (p[5] & 0x20) != 0;
  std::size_t i = kDescriptorSize;
  if (v.descriptor.frame_start) {
    v.descriptor.keyframe = (p[i] & 0x01) == 0;
    i += kFrameTagSize + (v.descriptor.keyframe ? kKeyframeHeaderSize : 0);
    if (v.descriptor.keyframe && (p[i - 7] != 0x9d || p[i - 6] != 0x01 || p[i - 5] != 0x2a)) return std::nullopt;
  }
  if (in.size() < i + kLayerTagSize + MediaPayload::kHeaderSize) return std::nullopt;
  const std::uint32_t magic =
      (std::uint32_t{p[i]} << 24) | (std::uint32_t{p[i + 1]} << 16) | (std::uint32_t{p[i + 2]} << 8) | p[i + 3];
  if (magic != kTagMagic) return std::nullopt;
  v.tag.layer = p[i + 4];
  v.tag.tid = p[i + 5];
  v.tag.keyframe = (p[i + 6] & 1) != 0;
  v.tag.frame_start = (p[i + 6] & 2) != 0;
  v.tag.layer_sync = (p[i + 6] & 4) != 0;
  v.tag.tl0picidx = p[i + 7];
  v.tag.picture_id = static_cast<std::uint16_t>((p[i + 8] << 8) | p[i + 9]);
  i += kLayerTagSize;
  if (MediaPayload::verify(in.subspan(i), v.payload) != PayloadStatus::Ok) return std::nullopt;
  return v;
}

}  // namespace portunus::lab
