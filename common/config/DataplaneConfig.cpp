#include "common/config/DataplaneConfig.hpp"

#include "common/config/ConfigReader.hpp"

namespace portunus::config {

void decode(MapReader& in, DataplaneConfig& out) {
  in.get("enabled", out.enabled);
  in.get("eal_args", out.eal_args);
  in.finish();
}

}  // namespace portunus::config
