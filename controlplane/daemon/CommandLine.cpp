#include "controlplane/daemon/CommandLine.hpp"

#include <charconv>

#include "common/log/Log.hpp"

namespace portunus::cp {

CommandLine parseCommandLine(const std::vector<std::string>& args) {
  CommandLine out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= args.size()) throw UsageError(std::string(name) + " needs a value");
      return args[++i];
    };
    if (a == "-c" || a == "--config") {
      out.configFile = value("-c");
    } else if (a.rfind("--config=", 0) == 0) {
      out.configFile = a.substr(9);
    } else if (a == "--set") {
      out.overrides.push_back(value("--set"));
    } else if (a.rfind("--set=", 0) == 0) {
      out.overrides.push_back(a.substr(6));
    } else if (a == "--check-config") {
      out.checkConfig = true;
    } else if (a == "--log-level") {
      out.logLevel = value("--log-level");
    } else if (a.rfind("--log-level=", 0) == 0) {
      out.logLevel = a.substr(12);
    } else if (a == "--longpoll-keepalive-ms") {
      const std::string v = value("--longpoll-keepalive-ms");
      int ms = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
      if (ec != std::errc() || end != v.data() + v.size() || ms < 10)
        throw UsageError("--longpoll-keepalive-ms expects milliseconds >= 10, got '" + v + "'");
      out.longPollKeepaliveMs = ms;
    } else if (a == "--version" || a == "-V") {
      out.version = true;
    } else if (a == "--help" || a == "-h") {
      out.help = true;
    } else {
      throw UsageError("unknown argument '" + a + "'");
    }
  }
  for (const auto& o : out.overrides)
    if (o.find('=') == std::string::npos || o.front() == '=')
      throw UsageError("--set expects key.path=value, got '" + o + "'");
  if (out.logLevel && !log::parseLevel(*out.logLevel))
    throw UsageError("--log-level: '" + *out.logLevel +
                     "' is not a log level (trace, debug, info, warn, error, off, 0..7)");
  return out;
}

std::string usage() {
  return "usage: portunusd -c FILE [--set key.path=value ...] [--check-config] [--log-level LEVEL] [--version] "
         "[--help]\n"
         "  -c, --config FILE     YAML configuration (conf/portunus.yaml); without it the built-in defaults\n"
         "  --set key.path=value  override one configuration value (repeatable), e.g. --set "
         "general.session_timeout=30\n"
         "  --check-config        validate the configuration and exit 0 (valid) or 1 (invalid)\n"
         "  --log-level LEVEL     trace, debug, info, warn, error, off (or Janus's 0..7); overrides general.log_level\n"
         "  --version             print the version and exit\n";
}

}  // namespace portunus::cp
