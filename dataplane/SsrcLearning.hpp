// SSRC learning by mid/rid (RFC 8843 / RFC 8852, DESIGN §4): an inbound stream may be declared with SSRC 0 and a
// mid (and rid) plus the extension ids negotiated for them. The first RTP packet of an unknown SSRC on its transport
// whose RFC 8285 header extensions carry that mid (and rid) binds the SSRC to the stream. The RTP header is not
// encrypted by SRTP, so the match happens before unprotect; the packet is then authenticated with the stream's
// context like any other (a forged header binds nothing usable: its tag fails). Plain bytes, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace portunus::dp {

/** What a learning inbound stream matches (copied out of the spec's strings for the worker). */
struct SsrcLearnKey {
  static constexpr std::size_t kMaxValue = 16;  // RFC 8285 one-byte elements carry at most 16 bytes
  bool active = false;                          // SSRC not known yet
  bool pending_keys = false;  // bound, waiting for the control side's contexts (engines that cannot rebind)
  std::uint32_t learned = 0;  // the SSRC bound while pending_keys
  std::uint8_t mid_id = 0, rid_id = 0;
  std::uint8_t mid_len = 0, rid_len = 0;
  std::uint8_t mid[kMaxValue] = {};
  std::uint8_t rid[kMaxValue] = {};
};

/** Per-transport attempts per timer tick (20 ms): bounds the header parsing an unknown-SSRC flood can cause. */
constexpr std::uint8_t kSsrcLearnAttemptsPerTick = 16;

/** Finds header extension element `id` in an RTP packet (RFC 8285 one-byte 0xBEDE and two-byte 0x100X forms).
 *  True with `value`/`value_len` pointing into the packet; false if absent or the extension block is malformed. */
inline bool findRtpHeaderExtension(const std::uint8_t* rtp, std::size_t len, std::uint8_t id,
                                   const std::uint8_t*& value, std::size_t& value_len) noexcept {
  if (id == 0 || len < 12 || (rtp[0] & 0x10) == 0) return false;
  const std::size_t ext = 12 + 4u * (rtp[0] & 0x0f);
  if (ext + 4 > len) return false;
  const std::uint16_t profile = static_cast<std::uint16_t>(rtp[ext] << 8 | rtp[ext + 1]);
  const std::size_t words = static_cast<std::size_t>(rtp[ext + 2] << 8 | rtp[ext + 3]);
  const std::size_t begin = ext + 4, end = begin + 4 * words;
  if (end > len) return false;
  const bool one_byte = profile == 0xBEDE;
  const bool two_byte = (profile & 0xfff0) == 0x1000;
  if (!one_byte && !two_byte) return false;
  std::size_t p = begin;
  while (p < end) {
    if (rtp[p] == 0) {  // padding
      ++p;
      continue;
    }
    std::uint8_t eid = 0;
    std::size_t elen = 0;
    if (one_byte) {
      eid = rtp[p] >> 4;
      if (eid == 15) return false;  // RFC 8285 §4.2: stop parsing
      elen = (rtp[p] & 0x0f) + 1u;
      p += 1;
    } else {
      if (p + 2 > end) return false;
      eid = rtp[p];
      elen = rtp[p + 1];
      p += 2;
    }
    if (p + elen > end) return false;
    if (eid == id) {
      value = rtp + p;
      value_len = elen;
      return true;
    }
    p += elen;
  }
  return false;
}

/** Whether an RTP packet's extensions carry the key's mid (and rid, when the key has one). */
inline bool ssrcLearnMatches(const SsrcLearnKey& key, const std::uint8_t* rtp, std::size_t len) noexcept {
  const std::uint8_t* v = nullptr;
  std::size_t n = 0;
  if (!findRtpHeaderExtension(rtp, len, key.mid_id, v, n) || n != key.mid_len || std::memcmp(v, key.mid, n) != 0)
    return false;
  if (key.rid_len == 0) return true;
  return findRtpHeaderExtension(rtp, len, key.rid_id, v, n) && n == key.rid_len && std::memcmp(v, key.rid, n) == 0;
}

}  // namespace portunus::dp
