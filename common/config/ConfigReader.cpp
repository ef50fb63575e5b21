#include "common/config/ConfigReader.hpp"

#include <charconv>

namespace portunus::config {

MapReader::MapReader(const YAML::Node& node, std::string path) : node_(node), path_(std::move(path)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) throw ConfigError(path_, "expected a mapping");
}

std::string MapReader::pathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool MapReader::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  for (const auto& kv : node_)
    if (kv.first.Scalar() == key) return true;
  return false;
}

YAML::Node MapReader::take(std::string_view key) {
  consumed_.emplace(key);
  if (!node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (const auto& kv : node_)
    if (kv.first.Scalar() == key) return kv.second;
  return YAML::Node(YAML::NodeType::Undefined);
}

void MapReader::fail(std::string_view key, const std::string& reason) const {
  throw ConfigError(pathOf(key), reason);
}

void MapReader::get(std::string_view key, bool& out) {
  YAML::Node n = take(key);
  if (!n.IsDefined()) return;
  bool value = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value)) fail(key, "expected true or false");
  out = value;
}

void MapReader::get(std::string_view key, std::string& out) {
  YAML::Node n = take(key);
  if (!n.IsDefined()) return;
  if (n.IsNull()) {
    out.clear();
    return;
  }
  if (!n.IsScalar()) fail(key, "expected a string");
  out = n.Scalar();
}

void MapReader::get(std::string_view key, std::vector<std::string>& out) {
  YAML::Node n = take(key);
  if (!n.IsDefined()) return;
  if (!n.IsSequence()) fail(key, "expected a list of strings");
  std::vector<std::string> values;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (!n[i].IsScalar()) fail(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
    values.push_back(n[i].Scalar());
  }
  out = std::move(values);
}

void MapReader::get(std::string_view key, double& out) {
  YAML::Node n = take(key);
  if (!n.IsDefined()) return;
  double value = 0;
  if (!n.IsScalar() || !YAML::convert<double>::decode(n, value)) fail(key, "expected a number");
  out = value;
}

bool MapReader::getInteger(std::string_view key, long long& out, long long min, long long max) {
  YAML::Node n = take(key);
  if (!n.IsDefined()) return false;
  if (!n.IsScalar()) fail(key, "expected an integer");
  const std::string& s = n.Scalar();
  long long value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  const bool whole = end == s.data() + s.size();
  const bool too_wide = ec == std::errc::result_out_of_range && whole;  // beyond long long: out of any range
  if (!too_wide && (ec != std::errc() || !whole)) fail(key, "expected an integer, got '" + s + "'");
  if (too_wide || value < min || value > max)
    fail(key, "value " + s + " out of range [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  out = value;
  return true;
}

void MapReader::getOneOf(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed) {
  std::string value = out;
  get(key, value);
  for (auto a : allowed)
    if (a == value) {
      out = value;
      return;
    }
  std::string list;
  for (auto a : allowed)
    list.append(list.empty() ? "" : ", ").append(a);
  fail(key, "'" + value + "' is not one of: " + list);
}

MapReader MapReader::child(std::string_view key) {
  return MapReader(take(key), pathOf(key));
}

YAML::Node MapReader::raw(std::string_view key) {
  return take(key);
}

std::vector<std::string> MapReader::keys() const {
  std::vector<std::string> out;
  if (node_.IsMap())
    for (const auto& kv : node_)
      out.push_back(kv.first.Scalar());
  return out;
}

void MapReader::finish() const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string& key = kv.first.Scalar();
    if (!consumed_.contains(key)) throw ConfigError(pathOf(key), "unknown key");
  }
}

void applyOverride(YAML::Node& root, std::string_view assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw ConfigError("", "--set expects key.path=value, got '" + std::string(assignment) + "'");
  const std::string path(assignment.substr(0, eq));
  const std::string text(assignment.substr(eq + 1));
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(path, std::string("bad value in --set: ") + e.what());
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  // Walk (creating mappings) down to the parent of the last component. Nodes are handles: assigning through
  // operator[] on a copy writes into the shared tree.
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  YAML::Node cursor = root;
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) throw ConfigError(path, "empty key component in --set");
    walked += (walked.empty() ? "" : ".") + parts[i];
    YAML::Node next = cursor[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      cursor[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = cursor[parts[i]];
    } else if (!next.IsMap()) {
      throw ConfigError(walked, "--set cannot descend into a non-mapping");
    }
    cursor.reset(next);
  }
  if (parts.back().empty()) throw ConfigError(path, "empty key component in --set");
  cursor[parts.back()] = value;
}

}  // namespace portunus::config
