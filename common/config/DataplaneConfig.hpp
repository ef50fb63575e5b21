#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace portunus::config {
class MapReader;

/** `dataplane:` — DPDK EAL, the media port, the exception interface and the worker lcores. */
struct DataplaneConfig {
  bool enabled = false;  // false: no DPDK (the API runs on the host's kernel sockets alone)
  std::vector<std::string> eal_args{"--no-pci", "--no-huge", "-m", "512", "--no-shconf"};
};

void decode(MapReader& in, DataplaneConfig& out);

}  // namespace portunus::config
