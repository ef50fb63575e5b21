// The VP8 RTP payload descriptor (RFC 7741 §4.2) and the first byte of the VP8 payload header (§4.3): what layer
// switching needs (keyframe, start of a frame, PictureID, TL0PICIDX, TID, layer sync) and in-place rewriters for the
// fields a simulcast switch must keep continuous. Pure, bounds-checked, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace portunus::dp {

enum class Vp8ParseStatus : std::uint8_t {
  Ok,
  Empty,
  TruncatedExtension,
  TruncatedPictureId,
  TruncatedTl0,
  TruncatedTid,
  NoPayload
};

struct Vp8Descriptor {
  std::size_t size = 0;  // descriptor bytes before the VP8 payload
  bool start = false;    // S: first packet of a partition
  std::uint8_t partition = 0;
  bool has_picture_id = false;
  bool long_picture_id = false;  // M: 15-bit PictureID
  std::uint16_t picture_id = 0;
  std::size_t picture_id_offset = 0;
  bool has_tl0 = false;
  std::uint8_t tl0picidx = 0;
  std::size_t tl0_offset = 0;
  bool has_tid = false;
  std::uint8_t tid = 0;
  bool layer_sync = false;  // Y
  bool keyframe = false;    // start of partition 0 with the payload header's P bit clear

  /** Start of a new frame: S set on partition 0. */
  bool frameStart() const noexcept { return start && partition == 0; }
};

/** Parses the descriptor at the start of an RTP payload of `len` bytes. Never reads past `len`. */
Vp8ParseStatus parseVp8(const std::uint8_t* payload, std::size_t len, Vp8Descriptor& out) noexcept;

/** Writes PictureID (keeping the packet's 7- or 15-bit width) and TL0PICIDX, where present. */
void writeVp8Ids(std::uint8_t* payload, const Vp8Descriptor& d, std::uint16_t picture_id, std::uint8_t tl0) noexcept;

/** PictureID / TL0PICIDX continuity of one outbound stream across source changes (like RouteRewrite for seq/ts). */
class Vp8Continuity {
 public:
  void rebase() noexcept { rebase_ = true; }

  /** The output PictureID / TL0PICIDX for an input packet (15-bit / 8-bit arithmetic). */
  void apply(const Vp8Descriptor& d, std::uint16_t& picture_id, std::uint8_t& tl0) noexcept {
    if (rebase_) {
      // Continue after the last picture sent: the next picture id, the next TL0 index (the packets that follow
      // in the same picture get the same ids).
      rebase_ = false;
      if (started_) {
        if (d.has_picture_id) pic_offset_ = static_cast<std::uint16_t>((last_pic_ + 1 - d.picture_id) & 0x7fff);
        if (d.has_tl0) tl0_offset_ = static_cast<std::uint8_t>(last_tl0_ + 1 - d.tl0picidx);
      }
    }
    started_ = true;
    picture_id = static_cast<std::uint16_t>((d.picture_id + pic_offset_) & 0x7fff);
    tl0 = static_cast<std::uint8_t>(d.tl0picidx + tl0_offset_);
    if (d.has_picture_id) last_pic_ = picture_id;
    if (d.has_tl0) last_tl0_ = tl0;
  }

 private:
  bool started_ = false;
  bool rebase_ = false;
  std::uint16_t pic_offset_ = 0;
  std::uint8_t tl0_offset_ = 0;
  std::uint16_t last_pic_ = 0;
  std::uint8_t last_tl0_ = 0;
};

}  // namespace portunus::dp
