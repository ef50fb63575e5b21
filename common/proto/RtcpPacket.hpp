// Bounds-checked RTCP compound parsing (RFC 3550 §6, RFC 4585 §6, RFC 5104 §4.3.1) and builders for the packets
// the dataplane originates (RR, PLI, FIR). Every length field is checked against the buffer before it is trusted.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/proto/ByteOrder.hpp"

namespace portunus::proto {

namespace rtcp {
constexpr std::uint8_t kSr = 200, kRr = 201, kSdes = 202, kBye = 203, kApp = 204, kRtpfb = 205, kPsfb = 206;
constexpr std::uint8_t kFmtNack = 1, kFmtPli = 1, kFmtFir = 4, kFmtRemb = 15;
}  // namespace rtcp

enum class RtcpParseStatus : std::uint8_t { Ok, End, TooShort, BadVersion, BadLength, BadCount, BadPadding };

/** One packet of a compound: `data` points at its 4-byte header, `length` = (length field + 1) * 4. */
struct RtcpBlock {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  std::uint8_t type = 0;
  std::uint8_t count = 0;  // RC/SC, or FMT for feedback
  std::uint32_t sender_ssrc = 0;
  /** Feedback (205/206): the media source SSRC. */
  std::uint32_t media_ssrc() const noexcept { return length >= 12 ? load32(data + 8) : 0; }
};

/** Iterates the packets of a compound; stops at the first malformed one (status says why). */
class RtcpCompound {
 public:
  RtcpCompound(const std::uint8_t* data, std::size_t len) noexcept : p_(data), end_(data + len) {}
  RtcpParseStatus next(RtcpBlock& out) noexcept;

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

/** Walks the whole compound: Ok if every packet is well formed (and there is at least one). */
RtcpParseStatus validateCompound(const std::uint8_t* data, std::size_t len) noexcept;

/** One report block of an SR/RR (RFC 3550 §6.4.1). */
struct RtcpReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;
  std::uint32_t cumulative_lost = 0;  // 24 bits
  std::uint32_t highest_seq = 0;      // extended
  std::uint32_t jitter = 0;
  std::uint32_t lsr = 0;
  std::uint32_t dlsr = 0;
};

/** FIR FCI entries are (SSRC, seq nr); returns the number of entries, the first `max` copied into `ssrcs`. */
std::size_t firTargets(const RtcpBlock& fir, std::uint32_t* ssrcs, std::size_t max) noexcept;

/** Builders: write into `out` (capacity `cap`), return bytes written or 0 if it does not fit. */
std::size_t buildPli(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint32_t media) noexcept;
std::size_t buildFir(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint32_t media,
                     std::uint8_t seq) noexcept;
std::size_t buildRr(std::uint8_t* out, std::size_t cap, std::uint32_t sender, const RtcpReportBlock* blocks,
                    std::size_t count) noexcept;

/** Generic NACK (RFC 4585 §6.2.1): the lost sequence numbers of a NACK block, expanded from its (PID, BLP) FCI
 * entries in order; returns how many there are, the first `max` copied into `seqs`. */
std::size_t nackSequences(const RtcpBlock& nack, std::uint16_t* seqs, std::size_t max) noexcept;
/** Generic NACK for `count` sequence numbers (any order; packed into PID/BLP entries). */
std::size_t buildNack(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint32_t media,
                      const std::uint16_t* seqs, std::size_t count) noexcept;
/** REMB (draft-alvestrand-rmcat-remb-03 §2.2): `bps` as 6-bit exponent / 18-bit mantissa, for `count` SSRCs. */
std::size_t buildRemb(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint64_t bps,
                      const std::uint32_t* ssrcs, std::size_t count) noexcept;
/** The bitrate a REMB block carries (0 if the block is no REMB). */
std::uint64_t rembBitrate(const RtcpBlock& remb) noexcept;
/** Sender report without report blocks (RFC 3550 §6.4.1). */
std::size_t buildSr(std::uint8_t* out, std::size_t cap, std::uint32_t sender, std::uint64_t ntp, std::uint32_t rtp_ts,
                    std::uint32_t packets, std::uint32_t octets) noexcept;

}  // namespace portunus::proto
