// Strict YAML decoding helpers: every key read is recorded, unknown keys are rejected with their full path,
// wrong types and out-of-range values fail with the path and the reason.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace portunus::config {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string path, const std::string& reason)
      : std::runtime_error(path.empty() ? reason : path + ": " + reason), path_(std::move(path)) {}
  const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

/** Reads one YAML mapping. Absent keys leave the target at its default. Call finish() after the last read. */
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string path);

  const std::string& path() const noexcept { return path_; }
  std::string pathOf(std::string_view key) const;
  bool has(std::string_view key) const;

  void get(std::string_view key, bool& out);
  void get(std::string_view key, std::string& out);
  void get(std::string_view key, std::vector<std::string>& out);
  void get(std::string_view key, double& out);

  /** The largest value get() accepts for an Int by default: the type's maximum, capped at what the reader parses
   * (a long long): a uint64_t/size_t field accepts [0, 2^63 - 1], never a max that wrapped to -1. */
  template <typename Int>
  static constexpr long long defaultMax() noexcept {
    constexpr auto kIntMax = std::numeric_limits<Int>::max();
    constexpr auto kParsedMax = std::numeric_limits<long long>::max();
    if constexpr (std::is_unsigned_v<Int>) {
      return kIntMax > static_cast<unsigned long long>(kParsedMax) ? kParsedMax : static_cast<long long>(kIntMax);
    } else {
      return static_cast<long long>(kIntMax);
    }
  }

  /** Integers of any width, range-checked against [min, max] (default: the type's range, see defaultMax()). */
  template <typename Int>
  void get(std::string_view key, Int& out, long long min = static_cast<long long>(std::numeric_limits<Int>::min()),
           long long max = defaultMax<Int>()) requires std::is_integral_v<Int> &&(!std::is_same_v<Int, bool>) {
    long long value = 0;
    if (getInteger(key, value, min, max)) out = static_cast<Int>(value);
  }

  /** A string that must be one of `allowed`. */
  void getOneOf(std::string_view key, std::string& out, std::initializer_list<std::string_view> allowed);

  /** A nested mapping (an empty one when the key is absent). */
  MapReader child(std::string_view key);
  /** The raw node of a key, marked as consumed (for decoders owned elsewhere, e.g. a plugin's section). */
  YAML::Node raw(std::string_view key);
  /** Keys of this mapping, in document order. */
  std::vector<std::string> keys() const;

  /** Throws on the first key that no read consumed. */
  void finish() const;

  [[noreturn]] void fail(std::string_view key, const std::string& reason) const;

 private:
  bool getInteger(std::string_view key, long long& out, long long min, long long max);
  YAML::Node take(std::string_view key);

  YAML::Node node_;
  std::string path_;
  std::set<std::string, std::less<>> consumed_;
};

/** Applies one `a.b.c=value` override to a YAML tree (the value is parsed as YAML, so lists and numbers work). */
void applyOverride(YAML::Node& root, std::string_view assignment);

}  // namespace portunus::config
