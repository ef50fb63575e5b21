// Control -> worker commands (DESIGN §4), fixed-size ring elements applied between bursts.
#pragma once

#include <cstdint>

#include "dataplane/DataplaneTypes.hpp"
#include "dataplane/FlowKey.hpp"

namespace portunus::dp {

enum class CommandType : std::uint8_t {
  Noop,
  AddTransport,     // a = Transport*
  UpdateTransport,  // a = Transport*, key, mac, flag = mac pinned
  RemoveTransport,  // a = Transport*
  AddInbound,       // a = Transport*, b = InboundStream*
  RemoveInbound,    // a = Transport*, b = InboundStream*
  AddOutbound,      // a = Transport*, b = OutboundStream*
  RemoveOutbound,   // a = Transport*, b = OutboundStream*
  AddRoute,         // a = Route*
  RemoveRoute,      // a = Route*
  MoveRoute,        // a = Route*, b = its new InboundStream* (continuity: the rewrite rebases)
  AddRtcpContext,   // a = Transport*, b = RtcpContext*
  RequestKeyframe,  // a = Transport*, b = InboundStream* (PLI toward its sender now)
  SetBitrateCap,    // a = Transport*, value = bps (0: stop sending REMB)
};

struct Command {
  std::uint64_t seq = 0;
  std::uint64_t value = 0;
  void* a = nullptr;
  void* b = nullptr;
  FlowKey key;
  MacAddress mac{};
  CommandType type = CommandType::Noop;
  std::uint8_t flag = 0;
};
static_assert(sizeof(Command) % 4 == 0, "rte_ring element size must be a multiple of 4");

}  // namespace portunus::dp
