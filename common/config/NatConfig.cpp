#include "common/config/NatConfig.hpp"

#include <cstdio>

#include "common/config/ConfigReader.hpp"

namespace portunus::config {

void decode(MapReader& in, NatConfig& out) {
  in.get("ice_lite", out.ice_lite);
  in.get("full_trickle", out.full_trickle);
  in.get("ice_consent_freshness", out.ice_consent_freshness);
  in.get("nat_1_1_mapping", out.nat_1_1_mapping);
  std::string range;
  in.get("rtp_port_range", range);
  if (!range.empty()) {
    unsigned lo = 0, hi = 0;
    char dash = 0;
    char tail = 0;
    if (std::sscanf(range.c_str(), "%u%c%u%c", &lo, &dash, &hi, &tail) != 3 || dash != '-' || lo == 0 || hi > 65535 ||
        lo > hi)
      in.fail("rtp_port_range", "expected 'MIN-MAX' with 1 <= MIN <= MAX <= 65535, got '" + range + "'");
    out.rtp_port_min = static_cast<std::uint16_t>(lo);
    out.rtp_port_max = static_cast<std::uint16_t>(hi);
  }
  in.get("ice_address", out.ice_address);
  in.get("event_loops", out.event_loops, 1, 64);
  in.finish();
}

}  // namespace portunus::config
