// The payload of a lab simulcast VP8 packet: a real VP8 payload descriptor (RFC 7741 §4.2, extended form with a
// 15-bit PictureID, TL0PICIDX, TID and the Y bit), on the first packet of a frame a VP8 frame tag (§4.3: P bit clear
// on keyframes, followed by the keyframe start code and size), then a layer tag naming the simulcast layer, temporal
// id and original PictureID the packet was sent with, then a checksummed MediaPayload. A receiver behind an SFU
// learns from the tag which layer and temporal layer each packet came from and compares the descriptor the SFU
// rewrote with what the sender wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "lab/media/MediaPayload.hpp"

namespace portunus::lab {

/** What the sender put in one packet. */
struct Vp8PacketInfo {
  bool frame_start = false;  // S bit, partition 0
  bool keyframe = false;
  std::uint16_t picture_id = 0;  // 15 bits
  std::uint8_t tl0picidx = 0;
  std::uint8_t tid = 0;
  bool layer_sync = false;
  std::uint8_t layer = 0;  // simulcast layer, 0 = lowest
  std::uint16_t width = 0, height = 0;
};

/** One parsed packet: the descriptor as received and the layer tag as sent. */
struct Vp8PacketView {
  Vp8PacketInfo descriptor;  // layer/width/height unset: what the descriptor (and frame tag) say
  Vp8PacketInfo tag;         // what the sender wrote in the layer tag (picture id, tl0, tid, layer, keyframe)
  PayloadHeader payload;
};

class Vp8Payload {
 public:
  static constexpr std::size_t kDescriptorSize = 6;
  static constexpr std::size_t kFrameTagSize = 3, kKeyframeHeaderSize = 7;
  static constexpr std::size_t kLayerTagSize = 12;
  static constexpr std::uint32_t kTagMagic = 0x53494D4C;  // "SIML"

  /** Bytes before the MediaPayload for this packet. */
  static std::size_t overhead(const Vp8PacketInfo& info) noexcept;
  /** Writes descriptor, frame tag (frame start only), layer tag and a MediaPayload filling `out`. Returns false
   *  when `out` is shorter than overhead() + MediaPayload::kHeaderSize. */
  static bool encode(const Vp8PacketInfo& info, const PayloadHeader& payload, std::span<std::uint8_t> out) noexcept;
  /** Parses a received payload; nullopt when the descriptor, the tag or the MediaPayload does not verify. */
  static std::optional<Vp8PacketView> parse(std::span<const std::uint8_t> in) noexcept;
};

}  // namespace portunus::lab
