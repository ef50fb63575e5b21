// portunusd's command line: `-c FILE [--set key.path=value ...] [--check-config] [--log-level L] [--version]
// [--help]`. Parsing never starts anything; errors name the offending argument.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace portunus::cp {

struct CommandLine {
  std::string configFile;              // empty: built-in defaults
  std::vector<std::string> overrides;  // --set a.b=c, applied in order
  bool checkConfig = false;
  bool version = false;
  bool help = false;
  std::optional<std::string> logLevel;
  std::optional<int> longPollKeepaliveMs;  // testing aid: the REST long poll's keepalive interval
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

CommandLine parseCommandLine(const std::vector<std::string>& args);
std::string usage();

}  // namespace portunus::cp
