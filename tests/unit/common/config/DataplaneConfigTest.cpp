#define BOOST_TEST_MODULE common_config_dataplane
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/config/Config.hpp"

using namespace portunus::config;

BOOST_AUTO_TEST_CASE(lab_fragment_decodes) {
  const Config cfg = loadConfigText(R"(
dataplane:
  enabled: true
  eal_args: [--no-pci, --no-huge, -m, "512", --no-shconf, "--lcores=0@0,1@1,2@1"]
  port: {driver: af_xdp, device: pdpv1a, rx_queue_size: 512, vlan: 100}
  exception: {driver: tap, name: pdptap0, address: 198.18.0.1, prefix: 24}
  workers: [1, 2]
  srtp_engine: libsrtp2
  poll: busy
  mbufs: 4095
  mbuf_cache: 128
  max_transports: 64
  trace: true
)");
  const DataplaneConfig& d = cfg.dataplane;
  BOOST_TEST(d.enabled);
  BOOST_TEST(d.eal_args.size() == 6u);
  BOOST_TEST(d.port.driver == "af_xdp");
  BOOST_TEST(d.port.device == "pdpv1a");
  BOOST_TEST(d.port.rx_queue_size == 512);
  BOOST_TEST(d.port.vlan == 100);
  BOOST_TEST(d.exception.name == "pdptap0");
  BOOST_TEST(d.exception.prefix == 24);
  BOOST_TEST((d.workers == std::vector<unsigned>{1, 2}));
  BOOST_TEST(d.srtp_engine == "libsrtp2");
  BOOST_TEST(d.poll == "busy");
  BOOST_TEST(d.mbufs == 4095u);
  BOOST_TEST(d.max_transports == 64u);
  BOOST_TEST(d.trace);
}

BOOST_AUTO_TEST_CASE(disabled_dataplane_needs_no_device) {
  const Config cfg = loadConfigText("dataplane: {enabled: false}");
  BOOST_TEST(!cfg.dataplane.enabled);
  BOOST_TEST(cfg.dataplane.port.driver == "af_xdp");
  BOOST_TEST(cfg.dataplane.srtp_engine == "auto");
}

namespace {
struct BadCase {
  const char* yaml;
  const char* path;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.path;
}

const BadCase kBad[] = {
    {"dataplane: {enabled: true, port: {driver: e1000, device: x}}", "dataplane.port.driver", "one of"},
    {"dataplane: {enabled: true, port: {driver: af_xdp}}", "dataplane.port.device", "interface name"},
    // One setting for media stopping: Janus's media.no_media_timer.
    {"dataplane: {media_timeout_ms: 1000}", "dataplane.media_timeout_ms", "replaced by media.no_media_timer"},
    {"dataplane: {enabled: true, port: {driver: af_packet, device: a-very-long-interface-name}}",
     "dataplane.port.device", "interface name"},
    {"dataplane: {enabled: true, port: {driver: pci, device: eth0}}", "dataplane.port.device", "PCI address"},
    {"dataplane: {enabled: true, port: {driver: memif}}", "dataplane.port.device", "needs a device"},
    {"dataplane: {enabled: true, port: {driver: 'null', rx_queue_size: 1000}}", "dataplane.port.rx_queue_size",
     "power of two"},
    {"dataplane: {enabled: true, port: {driver: 'null', args: a b}}", "dataplane.port.args", "key=value"},
    {"dataplane: {enabled: true, port: {driver: 'null', speed: 10}}", "dataplane.port.speed", "unknown key"},
    {"dataplane: {enabled: true, port: {driver: 'null', vlan: 4095}}", "dataplane.port.vlan", "out of range"},
    {"dataplane: {enabled: true, port: {driver: 'null'}, exception: {address: 198.18.0.300}}",
     "dataplane.exception.address", "IPv4"},
    {"dataplane: {enabled: true, port: {driver: 'null'}, exception: {prefix: 33}}", "dataplane.exception.prefix",
     "out of range"},
    {"dataplane: {enabled: true, port: {driver: 'null'}, exception: {driver: kni}}", "dataplane.exception.driver",
     "one of"},
    {"dataplane: {workers: []}", "dataplane.workers", "non-empty"},
    {"dataplane: {workers: [1, 1]}", "dataplane.workers[1]", "twice"},
    {"dataplane: {workers: [200]}", "dataplane.workers[0]", "out of range"},
    {"dataplane: {workers: [x]}", "dataplane.workers[0]", "lcore id"},
    {"dataplane: {poll: sometimes}", "dataplane.poll", "one of"},
    {"dataplane: {srtp_engine: openssl}", "dataplane.srtp_engine", "one of"},
    {"dataplane: {mbufs: 10}", "dataplane.mbufs", "out of range"},
    {"dataplane: {ring_size: 1000}", "dataplane.ring_size", "power of two"},
    {"dataplane: {mbufs: 2047, mbuf_cache: 512}", "dataplane.mbuf_cache", "mbufs / 4"},
};
}  // namespace

BOOST_DATA_TEST_CASE(bad_values_name_their_path, boost::unit_test::data::make(kBad), c) {
  try {
    loadConfigText(c.yaml);
    BOOST_FAIL("accepted bad config: " << c.yaml);
  } catch (const ConfigError& e) {
    BOOST_TEST(e.path() == c.path);
    BOOST_TEST(std::string(e.what()).find(c.reason) != std::string::npos, e.what());
  }
}
