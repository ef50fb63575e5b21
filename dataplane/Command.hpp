// Control -> worker commands (DESIGN §4), fixed-size ring elements applied between bursts.
#pragma once

#include <cstdint>

#include "dataplane/DataplaneTypes.hpp"
#include "dataplane/FlowKey.hpp"

namespace portunus::dp {

enum class CommandType : std::uint8_t {
  Noop,
  AddTransport,        // a = Transport*
  UpdateTransport,     // a = Transport*, key, mac, flag = mac pinned
  RemoveTransport,     // a = Transport*
  AddInbound,          // a = Transport*, b = InboundStream*
  RemoveInbound,       // a = Transport*, b = InboundStream*
  AddOutbound,         // a = Transport*, b = OutboundStream*
  RemoveOutbound,      // a = Transport*, b = OutboundStream*
  AddRoute,            // a = Route*
  RemoveRoute,         // a = Route*
  MoveRoute,           // a = Route*, b = its new InboundStream* (continuity: the rewrite rebases)
  AddRtcpContext,      // a = Transport*, b = RtcpContext*
  SetRoutePaused,      // a = Route*, flag = paused
  MoveRouteLayers,     // a = Route*, b/c/d = its new layer InboundStream* (null beyond the count), flag = count
  SetLayerTarget,      // a = Route*, flag = substream, value = temporal, value2 = fallback_ms
  RequestKeyframe,     // b = InboundStream*
  SetFirFreq,          // b = InboundStream*, value = ms (0: off)
  SetBitrateCap,       // a = Transport* or b = InboundStream*, value = bps
  SetInboundContexts,  // a = Transport*, b = InboundStream* whose next_srtp/next_srtcp replace its contexts
};

struct Command {
  std::uint64_t seq = 0;
  void* a = nullptr;
  void* b = nullptr;
  void* c = nullptr;
  void* d = nullptr;
  std::uint32_t value = 0;
  std::uint32_t value2 = 0;
  FlowKey key;
  MacAddress mac{};
  CommandType type = CommandType::Noop;
  std::uint8_t flag = 0;
};
static_assert(sizeof(Command) % 4 == 0, "rte_ring element size must be a multiple of 4");

}  // namespace portunus::dp
