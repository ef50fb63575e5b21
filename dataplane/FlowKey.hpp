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

  /** The addresses of a received IPv4 header: its source is the remote end, its destination ours. */
  void setAddresses(const std::uint8_t* ipv4) noexcept {
    std::memcpy(&remote_ip, ipv4 + 12, 4);
    std::memcpy(&local_ip, ipv4 + 16, 4);
  }
  /** The ports of a received UDP header. */
  void setPorts(const std::uint8_t* udp) noexcept {
    std::memcpy(&remote_port, udp, 2);
    std::memcpy(&local_port, udp + 2, 2);
  }
  /** The key of a received packet from its IPv4 and UDP headers. */
  static FlowKey ofReceived(const std::uint8_t* ipv4, const std::uint8_t* udp) noexcept {
    FlowKey k;
    k.setAddresses(ipv4);
    k.setPorts(udp);
    return k;
  }

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};
static_assert(sizeof(FlowKey) == 16, "FlowKey is hashed and compared as 16 raw bytes");

}  // namespace portunus::dp
