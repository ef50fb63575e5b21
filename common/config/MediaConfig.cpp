#include "common/config/MediaConfig.hpp"

#include "common/config/ConfigReader.hpp"

namespace portunus::config {

void decode(MapReader& in, MediaConfig& out) {
  in.get("dtls_mtu", out.dtls_mtu, 576, 9000);
  in.get("no_media_timer", out.no_media_timer, 0, 3600);
  in.get("slowlink_threshold", out.slowlink_threshold, 0, 1000000);
  in.get("min_nack_queue", out.min_nack_queue, 0, 5000);
  in.get("twcc_period", out.twcc_period, 10, 10000);
  in.finish();
}

void decode(MapReader& in, CertificatesConfig& out) {
  in.get("cert_pem", out.cert_pem);
  in.get("cert_key", out.cert_key);
  in.get("cert_pwd", out.cert_pwd);
  if (out.cert_pem.empty() != out.cert_key.empty()) in.fail("cert_key", "cert_pem and cert_key go together");
  in.finish();
}

}  // namespace portunus::config
