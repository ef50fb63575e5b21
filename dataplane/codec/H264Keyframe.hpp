// H.264 keyframe detection on an RTP payload (RFC 6184 §5.6-5.8): a packet starts a keyframe when it carries an IDR
// slice (NAL type 5) or a sequence parameter set (type 7, which precedes the IDR of an access unit) as a single NAL
// unit, inside a STAP-A, or as the start fragment of an FU-A. Pure, bounds-checked, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>

namespace portunus::dp {

enum class H264Status : std::uint8_t {
  Keyframe,
  NotKeyframe,
  Empty,
  ForbiddenBit,
  BadNalType,
  TruncatedStapA,
  TruncatedFuA
};

/** Classifies one RTP payload of `len` bytes. Never reads past `len`; anything malformed is an error status. */
H264Status h264Keyframe(const std::uint8_t* payload, std::size_t len) noexcept;

inline bool isH264Keyframe(const std::uint8_t* payload, std::size_t len) noexcept {
  return h264Keyframe(payload, len) == H264Status::Keyframe;
}

}  // namespace portunus::dp
