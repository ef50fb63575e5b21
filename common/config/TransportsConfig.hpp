#pragma once

#include <cstdint>
#include <string>

namespace portunus::config {
class MapReader;

/** One listening endpoint of the API. */
struct EndpointConfig {
  bool enabled = true;
  std::string address = "0.0.0.0";
  std::uint16_t port = 0;
  std::string path;  // HTTP base path (REST only)
};

/** `transports:` — the Janus API (REST + WebSocket) and the Admin API (REST + WebSocket). */
struct TransportsConfig {
  EndpointConfig http{true, "0.0.0.0", 8088, "/janus"};
  EndpointConfig ws{true, "0.0.0.0", 8188, ""};
  EndpointConfig admin_http{true, "127.0.0.1", 7088, "/admin"};
  EndpointConfig admin_ws{false, "127.0.0.1", 7188, ""};
  std::string cors_allow_origin = "*";
  std::uint32_t max_body_bytes = 1 << 20;  // REST bodies and WS messages above this are refused
};

void decode(MapReader& in, EndpointConfig& out);
void decode(MapReader& in, TransportsConfig& out);

}  // namespace portunus::config
