#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace portunus::config {
class MapReader;

/** `nat:` — ICE behaviour (used by the WebRTC layer). */
struct NatConfig {
  bool ice_lite = false;
  bool full_trickle = false;
  bool ice_consent_freshness = true;         // RFC 7675 consent checks; a peer that stops answering fails ICE
  std::vector<std::string> nat_1_1_mapping;  // public addresses written over host candidates
  std::uint16_t rtp_port_min = 0;            // 0/0: the kernel picks ports
  std::uint16_t rtp_port_max = 0;
  std::string ice_address;  // address to gather on; empty = the dataplane's exception address
  int event_loops = 2;      // GLib loops running libnice agents and DTLS
};

void decode(MapReader& in, NatConfig& out);

}  // namespace portunus::config
