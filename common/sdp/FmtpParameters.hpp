// Reads one `key=value` of an fmtp parameter list ("a=1;b=2", RFC 8866 §6.15; spaces around ';' tolerated).
#pragma once

#include <optional>
#include <string_view>

#include "common/sdp/SdpText.hpp"

namespace portunus::sdp {

/** The value of `key` (case-insensitive) in an fmtp parameter list, nullopt when absent. */
inline std::optional<std::string_view> fmtpParameter(std::string_view parameters, std::string_view key) {
  std::size_t pos = 0;
  while (pos <= parameters.size()) {
    std::size_t end = parameters.find(';', pos);
    if (end == std::string_view::npos) end = parameters.size();
    std::string_view item = parameters.substr(pos, end - pos);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    item = text::trimRight(item);
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && text::iequals(text::trimRight(item.substr(0, eq)), key)) {
      std::string_view value = item.substr(eq + 1);
      while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
      }
      return value;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace portunus::sdp
