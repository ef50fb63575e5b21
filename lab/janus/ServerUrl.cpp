#include "lab/janus/ServerUrl.hpp"

#include <charconv>
#include <stdexcept>

namespace portunus::lab {

ServerUrl ServerUrl::parse(std::string_view text) {
  ServerUrl url;
  std::string_view rest;
  if (text.starts_with("ws://")) {
    url.scheme = Scheme::Ws;
    url.port = 8188;
    rest = text.substr(5);
  } else if (text.starts_with("http://")) {
    url.scheme = Scheme::Http;
    url.port = 8088;
    rest = text.substr(7);
  } else {
    throw std::invalid_argument("server URL must start with ws:// or http://: " + std::string(text));
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.scheme == Scheme::Http && url.path.size() > 1 && url.path.back() == '/') url.path.pop_back();
  if (url.scheme == Scheme::Http && url.path == "/") url.path = "/janus";
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      throw std::invalid_argument("bad port in server URL: " + std::string(text));
    }
    url.port = static_cast<std::uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) throw std::invalid_argument("no host in server URL: " + std::string(text));
  url.host = std::string(authority);
  return url;
}

std::string ServerUrl::str() const {
  return std::string(scheme == Scheme::Ws ? "ws://" : "http://") + host + ":" + std::to_string(port) + path;
}

}  // namespace portunus::lab
