// Receive-side classification, once per frame, in the documented order (DESIGN §3): Ethernet (one 802.1Q tag
// allowed) -> ARP/IPv4 -> IPv4 header checks -> fragments -> L4 -> UDP length checks -> RFC 7983 first byte.
// Works on plain bytes so the unit tests and the fuzzer drive it without an EAL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "common/proto/ByteOrder.hpp"
#include "common/proto/PacketDemux.hpp"
#include "dataplane/Counters.hpp"
#include "dataplane/FlowKey.hpp"

namespace portunus::dp {

enum class Verdict : std::uint8_t { Udp, Punt, Drop };

struct Classified {
  Verdict verdict = Verdict::Drop;
  PuntReason punt = PuntReason::NonIpv4;
  DropReason drop = DropReason::TruncatedEthernet;
  proto::PacketKind kind = proto::PacketKind::Unknown;
  std::uint16_t l2_len = 0;       // Ethernet header incl. VLAN tag
  std::uint16_t l3_len = 0;       // IPv4 header incl. options
  std::uint16_t payload_off = 0;  // first byte of the UDP payload
  std::uint16_t payload_len = 0;  // from the UDP length field
  std::uint16_t vlan = 0;         // VLAN id, 0 = untagged
  FlowKey key;                    // local = destination, remote = source
};

namespace detail {
inline Classified punt(Classified c, PuntReason r) noexcept {
  c.verdict = Verdict::Punt;
  c.punt = r;
  return c;
}
inline Classified drop(Classified c, DropReason r) noexcept {
  c.verdict = Verdict::Drop;
  c.drop = r;
  return c;
}
}  // namespace detail

/** Classifies one frame. A `Udp` verdict means the flow lookup decides between fast path and UnknownFlow punt. */
inline Classified classify(const std::uint8_t* f, std::size_t len) noexcept {
  using proto::load16;
  Classified c;
  if (len < 14) return detail::drop(c, DropReason::TruncatedEthernet);
  std::size_t off = 12;
  std::uint16_t type = load16(f + off);
  if (type == 0x8100) {
    if (len < 18) return detail::drop(c, DropReason::TruncatedEthernet);
    c.vlan = load16(f + 14) & 0x0fff;
    off = 16;
    type = load16(f + off);
  }
  off += 2;
  c.l2_len = static_cast<std::uint16_t>(off);
  if (type == 0x0806) return detail::punt(c, PuntReason::Arp);
  if (type != 0x0800) return detail::punt(c, PuntReason::NonIpv4);
  const std::uint8_t* ip = f + off;
  if (len < off + 20) return detail::drop(c, DropReason::TruncatedIpv4);
  const std::size_t ihl = (ip[0] & 0x0f) * 4u;
  if ((ip[0] >> 4) != 4 || ihl < 20) return detail::drop(c, DropReason::BadIpv4Header);
  const std::size_t total = load16(ip + 2);
  // Frames may carry Ethernet padding beyond the IP datagram, never less than it.
  if (total < ihl || off + total > len) return detail::drop(c, DropReason::BadIpv4Length);
  c.l3_len = static_cast<std::uint16_t>(ihl);
  c.key.setAddresses(ip);
  const std::uint16_t frag = load16(ip + 6);
  if ((frag & 0x3fff) != 0) return detail::punt(c, PuntReason::Fragment);  // MF set or offset != 0
  switch (ip[9]) {
    case 1:
      return detail::punt(c, PuntReason::Icmp);
    case 6:
      return detail::punt(c, PuntReason::Tcp);
    case 17:
      break;
    default:
      return detail::punt(c, PuntReason::OtherL4);
  }
  const std::uint8_t* udp = ip + ihl;
  if (total < ihl + 8) return detail::drop(c, DropReason::TruncatedUdp);
  const std::size_t ulen = load16(udp + 4);
  if (ulen < 8 || ulen > total - ihl) return detail::drop(c, DropReason::BadUdpLength);
  c.key.setPorts(udp);
  c.payload_off = static_cast<std::uint16_t>(off + ihl + 8);
  c.payload_len = static_cast<std::uint16_t>(ulen - 8);
  c.kind = proto::demux(f + c.payload_off, c.payload_len);
  switch (c.kind) {
    case proto::PacketKind::Stun:
      return detail::punt(c, PuntReason::Stun);
    case proto::PacketKind::Dtls:
      return detail::punt(c, PuntReason::Dtls);
    case proto::PacketKind::Rtp:
    case proto::PacketKind::Rtcp:
      c.verdict = Verdict::Udp;
      return c;
    default:
      return detail::punt(c, PuntReason::UnknownUdp);
  }
}

/** Whether the frame `f` of `len` bytes belongs to the flow of an earlier frame `pf` whose classification `prev`
 *  was Udp, and is classified Udp as well: the same Ethernet header (VLAN tag included), IPv4 version/IHL and TOS,
 *  protocol, addresses and UDP ports, and valid in what may differ within a flow (the lengths, the fragment field,
 *  the first payload byte). Then true with its payload's `kind` and `payload_len`: the rest of classify(f, len) is
 *  `prev`'s. Anything else (another flow, a frame classify() would not call Udp): false, and classify() decides.
 *  The receive path's short cut for a burst's frames of one flow. */
[[gnu::always_inline]] inline bool sameFlow(const std::uint8_t* f, std::size_t len, const std::uint8_t* pf,
                                            const Classified& prev, proto::PacketKind& kind,
                                            std::uint16_t& payload_len) noexcept {
  using proto::load16;
  using proto::load32;
  const std::size_t off = prev.l2_len, ihl = prev.l3_len;
  if (prev.verdict != Verdict::Udp || len < prev.payload_off) return false;
  // Ethernet (and the tag) with the IPv4 version/IHL byte and TOS: 16 bytes untagged, 20 tagged.
  if (std::memcmp(f, pf, 16) != 0 || (off > 14 && load32(f + 16) != load32(pf + 16))) return false;
  const std::uint8_t* ip = f + off;
  const std::uint8_t* pip = pf + off;
  if (ip[9] != pip[9] || std::memcmp(ip + 12, pip + 12, 8) != 0 || load32(ip + ihl) != load32(pip + ihl)) return false;
  const std::size_t total = load16(ip + 2);
  if (total < ihl + 8 || off + total > len || (load16(ip + 6) & 0x3fff) != 0) return false;
  const std::size_t ulen = load16(ip + ihl + 4);
  if (ulen < 8 || ulen > total - ihl) return false;
  kind = proto::demux(f + prev.payload_off, ulen - 8);
  if (kind != proto::PacketKind::Rtp && kind != proto::PacketKind::Rtcp) return false;
  payload_len = static_cast<std::uint16_t>(ulen - 8);
  return true;
}

/** sameFlow() with the classification written out: `c` is then exactly what classify(f, len) gives (and untouched
 *  when it answers false). */
inline bool classifySameFlow(const std::uint8_t* f, std::size_t len, const std::uint8_t* pf, const Classified& prev,
                             Classified& c) noexcept {
  proto::PacketKind kind{};
  std::uint16_t payload_len = 0;
  if (!sameFlow(f, len, pf, prev, kind, payload_len)) return false;
  c = prev;
  c.payload_len = payload_len;
  c.kind = kind;
  return true;
}

}  // namespace portunus::dp
