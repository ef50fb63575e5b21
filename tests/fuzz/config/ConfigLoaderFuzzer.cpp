// libFuzzer target for the configuration loader (common/config): YAML text, then optional `key.path=value`
// overrides (one per line after a NUL byte), → Config. Hostile text must either load or throw ConfigError naming a
// path — never crash, hang, or let another exception (yaml-cpp's own, std::) escape.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "common/config/Config.hpp"
#include "common/config/ConfigReader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string yaml(input.substr(0, nul));
  std::vector<std::string> overrides;
  if (nul != std::string_view::npos) {
    std::string_view rest = input.substr(nul + 1);
    while (!rest.empty() && overrides.size() < 8) {
      const std::size_t eol = rest.find('\n');
      overrides.emplace_back(rest.substr(0, eol));
      rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
    }
  }
  try {
    const portunus::config::Config cfg = portunus::config::loadConfigText(yaml, overrides, "fuzz");
    (void)cfg;
  } catch (const portunus::config::ConfigError& e) {
    // The message names a path or a reason (a path may start with a NUL byte from an override, so not what()).
    if (std::strlen(e.what()) == 0 && e.path().empty()) std::abort();
  }
  return 0;
}
