#include "lab/media/RetransmitHistory.hpp"

#include <algorithm>
#include <cstring>

#include "common/proto/ByteOrder.hpp"

namespace portunus::lab {

namespace {

/** Length of the RTP header (fixed part, CSRCs, header extension); 0 if the packet is shorter than that. */
std::size_t headerLength(const std::uint8_t* p, std::size_t len) noexcept {
  if (len < 12) return 0;
  std::size_t h = 12 + 4u * (p[0] & 0x0f);
  if (p[0] & 0x10) {
    if (len < h + 4) return 0;
    h += 4 + 4u * proto::load16(p + h + 2);
  }
  return h <= len ? h : 0;
}

}  // namespace

void RetransmitHistory::addStream(std::uint32_t ssrc, std::uint32_t rtxSsrc, std::uint8_t rtxPayloadType,
                                  std::uint16_t firstRtxSeq) {
  Stream& s = streams_[ssrc];
  s.rtx_ssrc = rtxSsrc;
  s.rtx_pt = rtxPayloadType;
  s.rtx_seq = firstRtxSeq;
}

void RetransmitHistory::store(std::span<const std::uint8_t> packet) {
  if (packet.size() < 12 || packet.size() > kMaxPacket) return;
  auto it = streams_.find(proto::load32(packet.data() + 8));
  if (it == streams_.end()) return;
  const std::uint16_t seq = proto::load16(packet.data() + 2);
  Slot& slot = it->second.slots[seq % kPackets];
  slot.valid = true;
  slot.seq = seq;
  slot.bytes.assign(packet.begin(), packet.end());
}

std::size_t RetransmitHistory::rebuild(std::uint32_t ssrc, std::uint16_t seq, std::uint8_t* out, std::size_t cap,
                                       bool& rtx) {
  auto it = streams_.find(ssrc);
  if (it == streams_.end()) return 0;
  Stream& s = it->second;
  const Slot& slot = s.slots[seq % kPackets];
  if (!slot.valid || slot.seq != seq) return 0;
  const std::size_t len = slot.bytes.size();
  rtx = s.rtx_ssrc != 0;
  if (!rtx) {
    if (len > cap) return 0;
    std::memcpy(out, slot.bytes.data(), len);
    return len;
  }
  const std::size_t h = headerLength(slot.bytes.data(), len);
  if (h == 0 || len + 2 > cap) return 0;
  std::memcpy(out, slot.bytes.data(), h);
  out[1] = static_cast<std::uint8_t>((out[1] & 0x80) | (s.rtx_pt & 0x7f));
  proto::store16(out + 2, s.rtx_seq++);
  proto::store32(out + 8, s.rtx_ssrc);
  proto::store16(out + h, seq);  // OSN
  std::memcpy(out + h + 2, slot.bytes.data() + h, len - h);
  return len + 2;
}

bool unwrapRtx(std::uint8_t* packet, std::size_t len, std::uint8_t apt, std::uint32_t mediaSsrc, std::size_t& offset,
               std::size_t& outLen) noexcept {
  const std::size_t h = headerLength(packet, len);
  if (h == 0 || len < h + 2) return false;
  const std::uint16_t osn = proto::load16(packet + h);
  std::memmove(packet + 2, packet, h);  // the header moves over the OSN
  offset = 2;
  outLen = len - 2;
  std::uint8_t* p = packet + 2;
  p[1] = static_cast<std::uint8_t>((p[1] & 0x80) | (apt & 0x7f));
  proto::store16(p + 2, osn);
  proto::store32(p + 8, mediaSsrc);
  return true;
}

}  // namespace portunus::lab
