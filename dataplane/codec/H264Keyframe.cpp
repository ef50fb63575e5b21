#include "dataplane/codec/H264Keyframe.hpp"

namespace portunus::dp {
namespace {

constexpr std::uint8_t kIdr = 5, kSps = 7, kStapA = 24, kFuA = 28;

bool startsKeyframe(std::uint8_t nal_type) noexcept {
  return nal_type == kIdr || nal_type == kSps;
}

}  // namespace

H264Status h264Keyframe(const std::uint8_t* p, std::size_t len) noexcept {
  if (len < 1) return H264Status::Empty;
  if (p[0] & 0x80) return H264Status::ForbiddenBit;
  const std::uint8_t type = p[0] & 0x1f;
  if (type == 0 || type >= 30) return H264Status::BadNalType;
  if (type < 24) return startsKeyframe(type) ? H264Status::Keyframe : H264Status::NotKeyframe;
  if (type == kStapA) {
    // STAP-A: header byte, then (16-bit size, NAL unit) pairs filling the payload exactly.
    std::size_t i = 1;
    bool key = false;
    if (i >= len) return H264Status::TruncatedStapA;
    while (i < len) {
      if (i + 2 > len) return H264Status::TruncatedStapA;
      const std::size_t size = (std::size_t{p[i]} << 8) | p[i + 1];
      i += 2;
      if (size == 0 || i + size > len) return H264Status::TruncatedStapA;
      key = key || startsKeyframe(p[i] & 0x1f);
      i += size;
    }
    return key ? H264Status::Keyframe : H264Status::NotKeyframe;
  }
  if (type == kFuA) {
    if (len < 3) return H264Status::TruncatedFuA;  // indicator, header, at least one byte of the fragment
    const bool start = (p[1] & 0x80) != 0;
    return start && startsKeyframe(p[1] & 0x1f) ? H264Status::Keyframe : H264Status::NotKeyframe;
  }
  return H264Status::NotKeyframe;  // STAP-B, MTAP16/24, FU-B: not used by WebRTC's packetization-mode 1 senders
}

}  // namespace portunus::dp
