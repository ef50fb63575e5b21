#include "common/config/Config.hpp"

#include <fstream>
#include <sstream>

namespace portunus::config {

Config decodeConfig(const YAML::Node& root) {
  Config cfg;
  MapReader top(root, "");
  {
    MapReader s = top.child("general");
    decode(s, cfg.general);
  }
  {
    MapReader s = top.child("transports");
    decode(s, cfg.transports);
  }
  {
    MapReader s = top.child("limits");
    decode(s, cfg.limits);
  }
  {
    MapReader s = top.child("nat");
    decode(s, cfg.nat);
  }
  {
    MapReader s = top.child("media");
    decode(s, cfg.media);
  }
  {
    MapReader s = top.child("certificates");
    decode(s, cfg.certificates);
  }
  {
    MapReader s = top.child("dataplane");
    decode(s, cfg.dataplane);
  }
  {
    MapReader s = top.child("plugins");
    for (const auto& name : s.keys()) {
      YAML::Node node = s.raw(name);
      if (!node.IsNull() && !node.IsMap()) s.fail(name, "expected a mapping");
      cfg.plugins[name] = node;
    }
    s.finish();
  }
  top.finish();

  // Cross-field validation.
  const auto& t = cfg.transports;
  if (t.http.enabled && t.admin_http.enabled && t.http.port == t.admin_http.port && t.http.address == t.admin_http.address)
    throw ConfigError("transports.admin_http.port", "collides with transports.http.port");
  if (t.ws.enabled && t.http.enabled && t.ws.port == t.http.port && t.ws.address == t.http.address)
    throw ConfigError("transports.ws.port", "collides with transports.http.port");
  return cfg;
}

Config loadConfigText(const std::string& text, const std::vector<std::string>& overrides, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(origin, std::string("YAML syntax error: ") + e.what());
  }
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) throw ConfigError(origin, "top level must be a mapping");
  for (const auto& o : overrides) applyOverride(root, o);
  return decodeConfig(root);
}

Config loadConfigFile(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path, "cannot open configuration file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return loadConfigText(buffer.str(), overrides, path);
}

}  // namespace portunus::config
