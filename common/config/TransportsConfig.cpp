#include "common/config/TransportsConfig.hpp"

#include <arpa/inet.h>

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

void decode(MapReader& in, TransportsConfig& out) {
  for (auto [key, endpoint] : {std::pair{"http", &out.http}, std::pair{"ws", &out.ws},
                               std::pair{"admin_http", &out.admin_http}, std::pair{"admin_ws", &out.admin_ws}}) {
    MapReader sub = in.child(key);
    decode(sub, *endpoint);
  }
  in.get("cors_allow_origin", out.cors_allow_origin);
  in.get("max_body_bytes", out.max_body_bytes, 1024, 64LL << 20);
  in.finish();
}

}  // namespace portunus::config
