#include "controlplane/transports/RestTarget.hpp"

#include <cstdint>

namespace portunus::cp {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && hexValue(in[i + 1]) >= 0 && hexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hexValue(in[i + 1]) * 16 + hexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

std::uint64_t leadingNumber(std::string_view s) {
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') break;
    const std::uint64_t next = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (next < v) return 0;  // overflow: no such id
    v = next;
  }
  return v;
}

/** A path id as Janus reads it (g_ascii_strtoull): leading white space, an optional sign (a '-' negates, wrapping),
 *  then decimal digits up to the first other character; none is 0, too many saturate at 2^64-1. */
std::uint64_t pathNumber(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
    ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  std::uint64_t v = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<std::uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - digit) / 10) return UINT64_MAX;
    v = v * 10 + digit;
  }
  return negative ? 0 - v : v;
}

}  // namespace

std::uint64_t RestTarget::id(std::size_t i) const {
  return i < segments.size() ? pathNumber(segments[i]) : 0;
}

unsigned RestTarget::maxEvents() const {
  auto it = query.find("maxev");
  if (it == query.end()) return 1;
  const std::uint64_t n = leadingNumber(it->second);
  if (n == 0) return 1;
  return n > 1000 ? 1000 : static_cast<unsigned>(n);
}

RestTarget parseRestTarget(std::string_view target, std::string_view basePath) {
  RestTarget out;
  std::string_view path = target;
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  while (basePath.size() > 1 && basePath.back() == '/')
    basePath.remove_suffix(1);
  if (path.substr(0, basePath.size()) != basePath) return out;
  std::string_view rest = path.substr(basePath.size());
  if (!rest.empty() && rest.front() != '/') return out;  // "/janusfoo" is not under "/janus"
  out.underBase = true;
  while (!rest.empty()) {
    while (!rest.empty() && rest.front() == '/')
      rest.remove_prefix(1);
    if (rest.empty()) break;
    const auto slash = rest.find('/');
    out.segments.emplace_back(decode(rest.substr(0, slash)));
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    if (!pair.empty())
      out.query[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return out;
}

}  // namespace portunus::cp
