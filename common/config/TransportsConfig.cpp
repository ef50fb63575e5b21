#include "common/config/TransportsConfig.hpp"

#include <arpa/inet.h>

#include <fstream>

#include "common/config/ConfigReader.hpp"

namespace portunus::config {

void decode(MapReader& in, EndpointConfig& out) {
  in.get("enabled", out.enabled);
  in.get("address", out.address);
  unsigned char scratch[16];
  if (inet_pton(AF_INET, out.address.c_str(), scratch) != 1 && inet_pton(AF_INET6, out.address.c_str(), scratch) != 1)
    in.fail("address", "'" + out.address + "' is not an IPv4 or IPv6 address");
  in.get("port", out.port, 1, 65535);
  in.get("path", out.path);
  if (!out.path.empty() && out.path.front() != '/') in.fail("path", "must start with '/'");
  in.finish();
}

void decode(MapReader& in, TransportTlsConfig& out) {
  in.get("cert_pem", out.cert_pem);
  in.get("cert_key", out.cert_key);
  in.get("cert_pwd", out.cert_pwd);
  for (auto [key, file] : {std::pair{"cert_pem", &out.cert_pem}, std::pair{"cert_key", &out.cert_key}})
    if (!file->empty() && !std::ifstream(*file)) in.fail(key, "cannot read '" + *file + "'");
  in.finish();
}

void decode(MapReader& in, TransportsConfig& out) {
  for (auto [key, endpoint] :
       {std::pair{"http", &out.http}, std::pair{"ws", &out.ws}, std::pair{"admin_http", &out.admin_http},
        std::pair{"admin_ws", &out.admin_ws}, std::pair{"https", &out.https}, std::pair{"wss", &out.wss},
        std::pair{"admin_https", &out.admin_https}, std::pair{"admin_wss", &out.admin_wss}}) {
    MapReader sub = in.child(key);
    decode(sub, *endpoint);
  }
  {
    MapReader sub = in.child("certificates");
    decode(sub, out.certificates);
  }
  for (auto [key, endpoint] : {std::pair{"https", &out.https}, std::pair{"wss", &out.wss},
                               std::pair{"admin_https", &out.admin_https}, std::pair{"admin_wss", &out.admin_wss}})
    if (endpoint->enabled && (out.certificates.cert_pem.empty() || out.certificates.cert_key.empty()))
      in.fail("certificates", std::string("cert_pem and cert_key are required by transports.") + key);
  in.get("cors_allow_origin", out.cors_allow_origin);
  in.get("max_body_bytes", out.max_body_bytes, 1024, 64LL << 20);
  in.finish();
}

}  // namespace portunus::config
