#include "common/config/DataplaneConfig.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <set>

#include "common/config/ConfigReader.hpp"

namespace portunus::config {
namespace {

bool isPowerOfTwo(std::uint32_t v) {
  return v != 0 && (v & (v - 1)) == 0;
}

bool isPciAddress(const std::string& s) {
  unsigned domain = 0, bus = 0, dev = 0, fn = 0;
  char tail = 0;
  if (std::sscanf(s.c_str(), "%x:%x:%x.%x%c", &domain, &bus, &dev, &fn, &tail) == 4) return fn < 8;
  return std::sscanf(s.c_str(), "%x:%x.%x%c", &bus, &dev, &fn, &tail) == 3 && fn < 8;
}

bool isInterfaceName(const std::string& s) {
  if (s.empty() || s.size() > 15) return false;
  for (char c : s)
    if (c == '/' || c == ' ' || c == ',' || c == ':') return false;
  return true;
}

void decodePort(MapReader in, DataplanePortConfig& out, bool enabled) {
  in.getOneOf("driver", out.driver, {"pci", "af_xdp", "af_packet", "tap", "memif", "ring", "null"});
  in.get("device", out.device);
  in.get("args", out.args);
  in.get("vlan", out.vlan, 0, 4094);
  in.get("rx_queue_size", out.rx_queue_size, 64, 16384);
  in.get("tx_queue_size", out.tx_queue_size, 64, 16384);
  if (!isPowerOfTwo(out.rx_queue_size)) in.fail("rx_queue_size", "must be a power of two");
  if (!isPowerOfTwo(out.tx_queue_size)) in.fail("tx_queue_size", "must be a power of two");
  const std::string& d = out.driver;
  if (!enabled) {  // a disabled dataplane's port is not validated beyond its keys
    in.finish();
    return;
  }
  if (d == "pci" && !isPciAddress(out.device))
    in.fail("device", "driver pci needs a PCI address like 0000:3b:00.0, got '" + out.device + "'");
  if ((d == "af_xdp" || d == "af_packet" || d == "tap") && !isInterfaceName(out.device))
    in.fail("device", "driver " + d + " needs a kernel interface name (1-15 characters), got '" + out.device + "'");
  if ((d == "memif" || d == "ring") && out.device.empty()) in.fail("device", "driver " + d + " needs a device");
  if (out.args.find(' ') != std::string::npos) in.fail("args", "driver arguments are key=value,key=value");
  in.finish();
}

void decodeException(MapReader in, DataplaneExceptionConfig& out, bool enabled) {
  in.getOneOf("driver", out.driver, {"tap", "ring", "none"});
  in.get("name", out.name);
  in.get("address", out.address);
  in.get("prefix", out.prefix, 1, 32);
  if (enabled && out.driver == "tap" && !isInterfaceName(out.name))
    in.fail("name", "an interface name of 1-15 characters, got '" + out.name + "'");
  if (out.driver == "ring" && out.name.empty()) in.fail("name", "driver ring needs a name");
  in_addr a{};
  if (inet_pton(AF_INET, out.address.c_str(), &a) != 1)
    in.fail("address", "expected an IPv4 address, got '" + out.address + "'");
  in.finish();
}

}  // namespace

void decode(MapReader& in, DataplaneConfig& out) {
  in.get("enabled", out.enabled);
  in.get("eal_args", out.eal_args);
  decodePort(in.child("port"), out.port, out.enabled);
  decodeException(in.child("exception"), out.exception, out.enabled);
  if (in.has("workers")) {
    const YAML::Node n = in.raw("workers");
    if (!n.IsSequence() || n.size() == 0) in.fail("workers", "expected a non-empty list of lcore ids");
    out.workers.clear();
    std::set<unsigned> seen;
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string item = "workers[" + std::to_string(i) + "]";
      unsigned v = 0;
      if (!n[i].IsScalar() || !YAML::convert<unsigned>::decode(n[i], v)) in.fail(item, "expected an lcore id");
      if (v >= 128) in.fail(item, "lcore id out of range [0, 127]");
      if (!seen.insert(v).second) in.fail(item, "lcore " + std::to_string(v) + " listed twice");
      out.workers.push_back(v);
    }
  }
  in.getOneOf("srtp_engine", out.srtp_engine, {"auto", "ipsec-mb", "libsrtp2"});
  in.getOneOf("poll", out.poll, {"idle_backoff", "busy"});
  in.get("mbufs", out.mbufs, 1023, 16u * 1024 * 1024);
  in.get("mbuf_cache", out.mbuf_cache, 0, 512);
  in.get("mbuf_data_size", out.mbuf_data_size, 1024, 16384);
  in.get("ring_size", out.ring_size, 64, 1u << 20);
  if (!isPowerOfTwo(out.ring_size)) in.fail("ring_size", "must be a power of two");
  in.get("max_transports", out.max_transports, 1, 1u << 20);
  in.get("max_streams", out.max_streams, 1, 1u << 22);
  in.get("max_routes", out.max_routes, 1, 1u << 22);
  // One setting for when media counts as stopped: Janus's media.no_media_timer, which the Admin API also changes.
  if (in.has("media_timeout_ms")) in.fail("media_timeout_ms", "replaced by media.no_media_timer (seconds, 0 = never)");
  in.get("pli_interval_ms", out.pli_interval_ms, 0, 60000);
  in.get("rr_interval_ms", out.rr_interval_ms, 0, 60000);
  in.get("trace", out.trace);
  if (out.mbuf_cache > out.mbufs / 4) in.fail("mbuf_cache", "must be at most mbufs / 4");
  in.finish();
}

}  // namespace portunus::config
