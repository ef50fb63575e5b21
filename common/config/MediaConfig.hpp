#pragma once

#include <string>

namespace portunus::config {
class MapReader;

/** `media:` — PeerConnection behaviour. */
struct MediaConfig {
  int dtls_mtu = 1200;
  int no_media_timer = 1;       // seconds without packets before `media receiving:false`
  int slowlink_threshold = 0;   // lost packets per second that raise `slowlink`; 0 = off
  int min_nack_queue = 200;     // ms of retransmission cache
  int twcc_period = 200;        // ms
};

/** `certificates:` — DTLS identity; empty paths mean a generated ECDSA P-256 self-signed certificate. */
struct CertificatesConfig {
  std::string cert_pem;
  std::string cert_key;
  std::string cert_pwd;
};

void decode(MapReader& in, MediaConfig& out);
void decode(MapReader& in, CertificatesConfig& out);

}  // namespace portunus::config
