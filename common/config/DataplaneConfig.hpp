#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace portunus::config {
class MapReader;

/** `dataplane.port`: the one media port and the DPDK driver that owns it. */
struct DataplanePortConfig {
  /** pci | af_xdp | af_packet | tap | memif | ring | null */
  std::string driver = "af_xdp";
  /** pci: the PCI address; af_xdp/af_packet/tap: the kernel interface; memif: the socket path; ring: a ring name
   * prefix (the rings `<device>_rx` / `<device>_tx` are created, for tests and in-process feeds); null: unused. */
  std::string device;
  /** Extra driver arguments appended to the device string, e.g. `role=server` for memif. */
  std::string args;
  /** 802.1Q VLAN id of the media port (1..4094), 0 = untagged. Frames leave tagged with it; arriving frames must
   * carry it (others are a counted `wrong_vlan` drop); the exception interface stays untagged. */
  std::uint16_t vlan = 0;
  std::uint16_t rx_queue_size = 1024;
  std::uint16_t tx_queue_size = 1024;
};

/** `dataplane.exception`: the kernel interface that carries the appliance address (DESIGN §3 exception path). */
struct DataplaneExceptionConfig {
  /** tap: a DPDK net_tap kernel interface (the appliance); ring: in-process rings (tests); none: punts are dropped. */
  std::string driver = "tap";
  std::string name = "portunus0";  // tap: interface name; ring: ring name prefix
  std::string address = "198.18.0.1";
  std::uint8_t prefix = 24;
};

/** `dataplane:` — DPDK EAL, the media port, the exception interface and the worker lcores. */
struct DataplaneConfig {
  bool enabled = false;  // false: no DPDK (the API runs on the host's kernel sockets alone)
  std::vector<std::string> eal_args{"--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--lcores=0@0,1@0"};
  DataplanePortConfig port;
  DataplaneExceptionConfig exception;
  /** Worker lcore ids (each must be enabled by the EAL args and differ from the main lcore). */
  std::vector<unsigned> workers{1};
  /** SRTP engine of the workers: auto (ipsec-mb where the build has it and the CPU has AES-NI, else libsrtp2),
   * ipsec-mb (intel-ipsec-mb multi-buffer; an error where unsupported), libsrtp2 (libsrtp2 + OpenSSL EVP). */
  std::string srtp_engine = "auto";
  /** idle_backoff: pause, then sleep when idle (lab); busy: spin at 100 % (appliance). */
  std::string poll = "idle_backoff";
  std::uint32_t mbufs = 8191;                 // mbufs in the packet pool (sized for -m 512)
  std::uint16_t mbuf_cache = 256;             // per-lcore mempool cache
  std::uint16_t mbuf_data_size = 2048 + 128;  // data room per mbuf, headroom included
  std::uint32_t ring_size = 1024;             // command, hand-off and event rings (power of two)
  std::uint32_t max_transports = 1024;
  std::uint32_t max_streams = 8192;  // inbound + outbound streams
  std::uint32_t max_routes = 16384;
  std::uint32_t media_timeout_ms = 1000;  // no packet for this long: a "media stopped" event (0 = never); not read
                                          // from YAML: portunusd sets it from media.no_media_timer
  std::uint32_t pli_interval_ms = 500;    // keyframe requests toward a publisher are rate-limited to one per interval
  std::uint32_t rr_interval_ms = 1000;    // receiver reports toward senders
  bool trace = false;                     // packet trace at start (switchable at runtime)
};

void decode(MapReader& in, DataplaneConfig& out);

}  // namespace portunus::config
