#include "common/proto/RtcpPacket.hpp"

namespace portunus::proto {

RtcpParseStatus RtcpCompound::next(RtcpBlock& out) noexcept {
  if (p_ >= end_) return RtcpParseStatus::End;
  const std::size_t left = static_cast<std::size_t>(end_ - p_);
  if (left < 4) return RtcpParseStatus::TooShort;
  if ((p_[0] >> 6) != 2) return RtcpParseStatus::BadVersion;
  const std::size_t len = (std::size_t{load16(p_ + 2)} + 1) * 4;
  if (len > left) return RtcpParseStatus::BadLength;
  const std::uint8_t type = p_[1];
  const std::uint8_t count = p_[0] & 0x1f;
  // RFC 3550 §6.4: SR = 28 + 24*RC bytes, RR = 8 + 24*RC, feedback at least 12 (RFC 4585 §6.1).
  switch (type) {
    case rtcp::kSr:
      if (len < 28u + 24u * count) return RtcpParseStatus::BadCount;
      break;
    case rtcp::kRr:
      if (len < 8u + 24u * count) return RtcpParseStatus::BadCount;
      break;
    case rtcp::kRtpfb:
    case rtcp::kPsfb:
      if (len < 12) return RtcpParseStatus::TooShort;
      break;
    case rtcp::kBye:
      if (len < 4u + 4u * count) return RtcpParseStatus::BadCount;
      break;
    default:
      break;
  }
  if (p_[0] & 0x20) {  // padding: only legal on the last packet, and the count must fit
    const std::uint8_t pad = p_[len - 1];
    if (p_ + len != end_ || pad == 0 || pad > len - 4) return RtcpParseStatus::BadPadding;
  }
  out.data = p_;
  out.length = len;
  out.type = type;
  out.count = count;
  out.sender_ssrc = len >= 8 ? load32(p_ + 4) : 0;
  p_ += len;
  return RtcpParseStatus::Ok;
}

RtcpParseStatus validateCompound(const std::uint8_t* data, std::size_t len) noexcept {
  RtcpCompound c(data, len);
  RtcpBlock b;
  std::size_t n = 0;
  for (;;) {
    const RtcpParseStatus s = c.next(b);
    if (s == RtcpParseStatus::End) return n ? RtcpParseStatus::Ok : RtcpParseStatus::TooShort;
    if (s != RtcpParseStatus::Ok) return s;
    ++n;
  }
}

std::size_t firTargets(const RtcpBlock& fir, std::uint32_t* ssrcs, std::size_t max) noexcept {
  if (fir.type != rtcp::kPsfb || fir.count != rtcp::kFmtFir || fir.length < 12) return 0;
  const std::size_t entries = (fir.length - 12) / 8;
  for (std::size_t i = 0; i < entries && i < max; ++i)
    ssrcs[i] = load32(fir.data + 12 + 8 * i);
  return entries;
}

namespace {
void header(std::uint8_t* out, std::uint8_t count, std::uint8_t type, std::size_t len) noexcept {
  out[0] = static_cast<std::uint8_t>(0x80 | (count & 0x1f));
  out[1] = type;
  store16(out + 2, static_cast<std::uint16_t>(len / 4 - 1));
}
}  // namespace

std::size_t buildPli(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint32_t media) noexcept {
  if (cap < 12) return 0;
  header(out, rtcp::kFmtPli, rtcp::kPsfb, 12);
  store32(out + 4, sender);
  store32(out + 8, media);
  return 12;
}

std::size_t buildFir(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint32_t media,
                     std::uint8_t seq) noexcept {
  if (cap < 20) return 0;
  header(out, rtcp::kFmtFir, rtcp::kPsfb, 20);
  store32(out + 4, sender);
  store32(out + 8, 0);  // RFC 5104 §4.3.1: media source SSRC unused, the FCI names the target
  store32(out + 12, media);
  out[16] = seq;
  out[17] = out[18] = out[19] = 0;
  return 20;
}

std::size_t buildRr(std::uint8_t* out, std::size_t cap, std::uint32_t sender, const RtcpReportBlock* blocks,
                    std::size_t count) noexcept {
  if (count > 31) return 0;
  const std::size_t len = 8 + 24 * count;
  if (cap < len) return 0;
  header(out, static_cast<std::uint8_t>(count), rtcp::kRr, len);
  store32(out + 4, sender);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint8_t* b = out + 8 + 24 * i;
    store32(b, blocks[i].ssrc);
    store32(b + 4, (std::uint32_t{blocks[i].fraction_lost} << 24) | (blocks[i].cumulative_lost & 0xffffff));
    store32(b + 8, blocks[i].highest_seq);
    store32(b + 12, blocks[i].jitter);
    store32(b + 16, blocks[i].lsr);
    store32(b + 20, blocks[i].dlsr);
  }
  return len;
}

}  // namespace portunus::proto
