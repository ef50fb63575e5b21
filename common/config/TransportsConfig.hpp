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

/** `transports.certificates:` — the TLS identity of the HTTPS/WSS endpoints (as the `certificates` section of
 *  Janus's janus.transport.http.jcfg / janus.transport.websockets.jcfg). */
struct TransportTlsConfig {
  std::string cert_pem;  // certificate chain, PEM
  std::string cert_key;  // private key, PEM
  std::string cert_pwd;  // the key's passphrase, if it has one
};

/** `transports:` — the Janus API (REST + WebSocket) and the Admin API (REST + WebSocket), each in plain and TLS
 *  variants (Janus's http/https, ws/wss, admin_http/admin_https, admin_ws/admin_wss, with Janus's ports). The
 *  Admin API listens on the management address 127.0.0.1 unless configured otherwise. */
struct TransportsConfig {
  EndpointConfig http{true, "0.0.0.0", 8088, "/janus"};
  EndpointConfig ws{true, "0.0.0.0", 8188, ""};
  EndpointConfig admin_http{true, "127.0.0.1", 7088, "/admin"};
  EndpointConfig admin_ws{false, "127.0.0.1", 7188, ""};
  EndpointConfig https{false, "0.0.0.0", 8089, "/janus"};
  EndpointConfig wss{false, "0.0.0.0", 8989, ""};
  EndpointConfig admin_https{false, "127.0.0.1", 7889, "/admin"};
  EndpointConfig admin_wss{false, "127.0.0.1", 7989, ""};
  TransportTlsConfig certificates;
  std::string cors_allow_origin = "*";
  std::uint32_t max_body_bytes = 1 << 20;  // REST bodies and WS messages above this are refused
};

void decode(MapReader& in, EndpointConfig& out);
void decode(MapReader& in, TransportTlsConfig& out);
void decode(MapReader& in, TransportsConfig& out);

}  // namespace portunus::config
