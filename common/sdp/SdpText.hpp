// Small text helpers shared by the SDP parser and the candidate grammar: space tokenising and strict numbers.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace portunus::sdp::text {

/** Splits on runs of spaces/tabs; no empty tokens. */
inline std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') {
      ++i;
    }
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

/** Splits at the first run of spaces: {first token, rest without leading spaces}. */
inline std::pair<std::string_view, std::string_view> head(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] != ' ' && s[i] != '\t') {
    ++i;
  }
  std::string_view first = s.substr(0, i);
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) {
    ++i;
  }
  return {first, s.substr(i)};
}

inline std::string_view trimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

/** A decimal unsigned integer in [0, max]: digits only, no sign, no spaces, no overflow. */
template <typename Int>
std::optional<Int> number(std::string_view s, std::uint64_t max = std::numeric_limits<Int>::max()) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || value > max) return std::nullopt;
  return static_cast<Int>(value);
}

inline char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace portunus::sdp::text
