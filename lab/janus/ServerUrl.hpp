// A Janus API server address: ws://host:port[/path] or http://host:port/path (TLS is not needed in the lab).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace portunus::lab {

struct ServerUrl {
  enum class Scheme : std::uint8_t { Ws, Http };
  Scheme scheme = Scheme::Ws;
  std::string host;
  std::uint16_t port = 0;
  std::string path;  // "/" for WS when absent, "/janus" style for HTTP

  /** Throws std::invalid_argument with the reason for anything that is not ws:// or http:// with a host. */
  static ServerUrl parse(std::string_view text);
  std::string str() const;
};

}  // namespace portunus::lab
