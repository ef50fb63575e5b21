// The appliance's whole configuration: plain structs with their defaults, one decoder per section
// (DESIGN §7). Loading is all-or-nothing: any unknown key or bad value throws ConfigError with the key's path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "common/config/ConfigReader.hpp"
#include "common/config/DataplaneConfig.hpp"
#include "common/config/GeneralConfig.hpp"
#include "common/config/LimitsConfig.hpp"
#include "common/config/MediaConfig.hpp"
#include "common/config/NatConfig.hpp"
#include "common/config/TransportsConfig.hpp"

namespace portunus::config {

struct Config {
  GeneralConfig general;
  TransportsConfig transports;
  LimitsConfig limits;
  NatConfig nat;
  MediaConfig media;
  CertificatesConfig certificates;
  DataplaneConfig dataplane;
  /** `plugins.<package or short name>` sections, decoded strictly by each plugin when it starts. */
  std::map<std::string, YAML::Node> plugins;
};

/** Decodes a parsed document (after overrides). */
Config decodeConfig(const YAML::Node& root);

/** Parses YAML text, applies `key.path=value` overrides, decodes. `origin` names the source in errors. */
Config loadConfigText(const std::string& text, const std::vector<std::string>& overrides = {},
                      const std::string& origin = "<text>");

/** Reads a file, then as loadConfigText. */
Config loadConfigFile(const std::string& path, const std::vector<std::string>& overrides = {});

}  // namespace portunus::config
