// 802.1Q on the media port (`dataplane.port.vlan`): frames leave tagged with the configured VID, tagged frames
// arrive with it; the exception interface and the kernel behind it see untagged frames.
#pragma once

#include <rte_mbuf.h>

#include <cstdint>
#include <cstring>

#include "common/proto/ByteOrder.hpp"

namespace portunus::dp {

constexpr std::uint16_t kVlanTpid = 0x8100;
constexpr std::uint16_t kVlanTagLength = 4;

/** Inserts an 802.1Q tag (priority 0, VID `vid`) after the MAC addresses, growing the frame into the headroom.
 *  False (frame unchanged) if the mbuf has no 4 bytes of headroom. */
inline bool vlanTag(rte_mbuf* m, std::uint16_t vid) noexcept {
  auto* f = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_prepend(m, kVlanTagLength));
  if (f == nullptr) return false;
  std::memmove(f, f + kVlanTagLength, 12);
  proto::store16(f + 12, kVlanTpid);
  proto::store16(f + 14, static_cast<std::uint16_t>(vid & 0x0fff));
  return true;
}

/** Removes the 802.1Q tag of a tagged frame (the caller checked it is one: at least 18 bytes, TPID 0x8100). */
inline void vlanUntag(rte_mbuf* m) noexcept {
  auto* f = rte_pktmbuf_mtod(m, std::uint8_t*);
  std::memmove(f + kVlanTagLength, f, 12);
  rte_pktmbuf_adj(m, kVlanTagLength);
}

}  // namespace portunus::dp
