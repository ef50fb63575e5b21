// The REST transport's URL rules, kept apart from the HTTP server so they can be tested without sockets:
// `<base>[/<session>[/<handle>]][?query]`.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portunus::cp {

struct RestTarget {
  bool underBase = false;                    // the path is the base path or below it
  std::vector<std::string> segments;         // path segments after the base
  std::map<std::string, std::string> query;  // percent-decoded

  /** Segment `i` read as Janus does (g_ascii_strtoull: a leading decimal number with an optional sign, a '-'
   *  wrapping, saturating at 2^64-1; else 0). */
  std::uint64_t id(std::size_t i) const;
  /** `maxev` from the query: 1 when absent or not a number, at least 1. */
  unsigned maxEvents() const;
};

RestTarget parseRestTarget(std::string_view target, std::string_view basePath);

}  // namespace portunus::cp
