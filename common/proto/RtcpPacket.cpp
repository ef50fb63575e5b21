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

std::size_t nackSequences(const RtcpBlock& nack, std::uint16_t* seqs, std::size_t max) noexcept {
  if (nack.type != rtcp::kRtpfb || nack.count != rtcp::kFmtNack || nack.length < 12) return 0;
  std::size_t n = 0;
  for (std::size_t off = 12; off + 4 <= nack.length; off += 4) {
    const std::uint16_t pid = load16(nack.data + off);
    const std::uint16_t blp = load16(nack.data + off + 2);
    if (n < max) seqs[n] = pid;
    ++n;
    for (unsigned bit = 0; bit < 16; ++bit)
      if (blp & (1u << bit)) {
        if (n < max) seqs[n] = static_cast<std::uint16_t>(pid + bit + 1);
        ++n;
      }
  }
  return n;
}

std::size_t buildNack(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint32_t media,
                      const std::uint16_t* seqs, std::size_t count) noexcept {
  if (count == 0 || cap < 12) return 0;
  std::size_t len = 12;
  std::size_t last_entry = 0;
  bool have_entry = false;
  for (std::size_t i = 0; i < count; ++i) {
    // Fold into the previous entry when within its 16-packet bitmap, else open a new (PID, BLP) entry.
    if (have_entry) {
      const std::uint16_t pid = load16(out + last_entry);
      const std::uint16_t d = static_cast<std::uint16_t>(seqs[i] - pid);
      if (d == 0) continue;
      if (d >= 1 && d <= 16) {
        store16(out + last_entry + 2, static_cast<std::uint16_t>(load16(out + last_entry + 2) | (1u << (d - 1))));
        continue;
      }
    }
    if (len + 4 > cap || len + 4 > 4 * 0x10000) return 0;
    last_entry = len;
    have_entry = true;
    store16(out + len, seqs[i]);
    store16(out + len + 2, 0);
    len += 4;
  }
  header(out, rtcp::kFmtNack, rtcp::kRtpfb, len);
  store32(out + 4, sender);
  store32(out + 8, media);
  return len;
}

std::size_t buildRemb(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint64_t bps,
                      const std::uint32_t* ssrcs, std::size_t count) noexcept {
  if (count > 255) return 0;
  const std::size_t len = 20 + 4 * count;
  if (cap < len) return 0;
  std::uint8_t exp = 0;
  while ((bps >> exp) > 0x3ffff && exp < 63)
    ++exp;
  const auto mantissa = static_cast<std::uint32_t>(bps >> exp);
  header(out, rtcp::kFmtRemb, rtcp::kPsfb, len);
  store32(out + 4, sender);
  store32(out + 8, 0);  // media source: unused, the SSRCs follow
  out[12] = 'R';
  out[13] = 'E';
  out[14] = 'M';
  out[15] = 'B';
  out[16] = static_cast<std::uint8_t>(count);
  out[17] = static_cast<std::uint8_t>((exp << 2) | ((mantissa >> 16) & 0x03));
  store16(out + 18, static_cast<std::uint16_t>(mantissa & 0xffff));
  for (std::size_t i = 0; i < count; ++i)
    store32(out + 20 + 4 * i, ssrcs[i]);
  return len;
}

std::uint64_t rembBitrate(const RtcpBlock& b) noexcept {
  if (b.type != rtcp::kPsfb || b.count != rtcp::kFmtRemb || b.length < 20) return 0;
  if (b.data[12] != 'R' || b.data[13] != 'E' || b.data[14] != 'M' || b.data[15] != 'B') return 0;
  const std::uint8_t exp = b.data[17] >> 2;
  const std::uint32_t mantissa = (std::uint32_t{b.data[17] & 0x03u} << 16) | load16(b.data + 18);
  return std::uint64_t{mantissa} << exp;
}

std::size_t buildSr(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint64_t ntp, std::uint32_t rtp_ts,
                    std::uint32_t packets, std::uint32_t octets) noexcept {
  if (cap < 28) return 0;
  header(out, 0, rtcp::kSr, 28);
  store32(out + 4, sender);
  store32(out + 8, static_cast<std::uint32_t>(ntp >> 32));
  store32(out + 12, static_cast<std::uint32_t>(ntp));
  store32(out + 16, rtp_ts);
  store32(out + 20, packets);
  store32(out + 24, octets);
  return 28;
}

}  // namespace portunus::proto
