// The key of the flow directory: local and remote IPv4 address and UDP port, all in network byte order as on the
// wire, so a received header fills it without byte swaps.
#pragma once

#include <cstdint>
#include <cstring>

namespace portunus::dp {

struct FlowKey {
  std::uint32_t local_ip = 0;
  std::uint32_t remote_ip = 0;
  std::uint16_t local_port = 0;
  std::uint16_t remote_port = 0;
  std::uint32_t zero = 0;  // always 0: 16 bytes, which rte_hash compares with one SSE instruction, not memcmp

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};
static_assert(sizeof(FlowKey) == 16, "FlowKey is hashed and compared as 16 raw bytes");

}  // namespace portunus::dp
