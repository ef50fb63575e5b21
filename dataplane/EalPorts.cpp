#include "dataplane/EalPorts.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/log/Log.hpp"

namespace portunus::dp {
namespace {

std::atomic<bool> g_eal{false};
std::atomic<unsigned> g_instance{0};

bool hasArg(const std::vector<std::string>& args, std::string_view prefix) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) { return a.rfind(prefix, 0) == 0; });
}

std::string macText(const MacAddress& m) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  return buf;
}

std::string withArgs(std::string dev, const std::string& args) {
  if (!args.empty()) dev += "," + args;
  return dev;
}

void setInterfaceAddress(const std::string& name, const std::string& address, unsigned prefix) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw DataplaneError("socket() for the exception interface failed");
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  auto* sin = reinterpret_cast<sockaddr_in*>(&ifr.ifr_addr);
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, address.c_str(), &sin->sin_addr);
  bool ok = ::ioctl(fd, SIOCSIFADDR, &ifr) == 0;
  sin->sin_addr.s_addr = htonl(prefix == 0 ? 0 : ~0u << (32 - prefix));
  ok = ok && ::ioctl(fd, SIOCSIFNETMASK, &ifr) == 0;
  ok = ok && ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
  ::close(fd);
  if (!ok) throw DataplaneError("cannot set " + address + "/" + std::to_string(prefix) + " on " + name);
  std::ofstream(std::string("/proc/sys/net/ipv6/conf/") + name + "/disable_ipv6") << "1\n";
}

}  // namespace

std::vector<std::string> ealArguments(const config::DataplaneConfig& cfg, const std::string& file_prefix) {
  std::vector<std::string> args{"portunus-dataplane"};
  args.insert(args.end(), cfg.eal_args.begin(), cfg.eal_args.end());
  if (!hasArg(args, "--file-prefix") && !hasArg(args, "--in-memory")) args.push_back("--file-prefix=" + file_prefix);
  if (cfg.port.driver == "pci") {
    args.push_back("-a");
    args.push_back(withArgs(cfg.port.device, cfg.port.args));
  }
  return args;
}

bool EalPorts::ealInitialised() noexcept {
  return g_eal.load();
}

void EalPorts::initEal(const config::DataplaneConfig& cfg) {
  if (g_eal.load()) return;  // one EAL per process; later starts reuse it
  std::vector<std::string> args = ealArguments(cfg, "pdp" + std::to_string(::getpid()));
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string joined;
  for (auto& a : args)
    joined += a + " ";
  PLOG(Info, "dataplane") << "EAL: " << joined;
  if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0)
    throw DataplaneError("rte_eal_init failed: " + std::string(rte_strerror(rte_errno)));
  g_eal.store(true);
}

namespace {

std::uint16_t portFromRings(const std::string& name, unsigned tx_queues, std::uint32_t size,
                            std::vector<void*>& created) {
  const std::string rx_name = name + "_rx", tx_name = name + "_tx";
  rte_ring* rx = rte_ring_create(rx_name.c_str(), size, static_cast<int>(rte_socket_id()), 0);
  rte_ring* tx = rte_ring_create(tx_name.c_str(), size, static_cast<int>(rte_socket_id()), 0);
  if (!rx || !tx) {
    rte_ring_free(rx);
    rte_ring_free(tx);
    throw DataplaneError("cannot create rings " + rx_name + "/" + tx_name);
  }
  created.push_back(rx);
  created.push_back(tx);
  std::vector<rte_ring*> txs(tx_queues, tx);
  const int port = rte_eth_from_rings(name.c_str(), &rx, 1, txs.data(), tx_queues, rte_socket_id());
  if (port < 0) throw DataplaneError("rte_eth_from_rings(" + name + ") failed");
  return static_cast<std::uint16_t>(port);
}

std::uint16_t probe(const std::string& devargs, std::vector<std::string>& created) {
  if (rte_dev_probe(devargs.c_str()) != 0) throw DataplaneError("rte_dev_probe(" + devargs + ") failed");
  const std::string name = devargs.substr(0, devargs.find(','));
  created.push_back(name);
  std::uint16_t port = 0;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port) != 0) throw DataplaneError("no port named " + name);
  return port;
}

void startPort(std::uint16_t port, std::uint16_t rxq, std::uint16_t txq, std::uint16_t rx_desc, std::uint16_t tx_desc,
               rte_mempool* pool) {
  rte_eth_conf conf{};
  if (rte_eth_dev_configure(port, rxq, txq, &conf) != 0) throw DataplaneError("rte_eth_dev_configure failed");
  rte_eth_dev_adjust_nb_rx_tx_desc(port, &rx_desc, &tx_desc);
  const int socket = rte_eth_dev_socket_id(port);
  for (std::uint16_t q = 0; q < rxq; ++q)
    if (rte_eth_rx_queue_setup(port, q, rx_desc, socket < 0 ? 0 : socket, nullptr, pool) != 0)
      throw DataplaneError("rte_eth_rx_queue_setup failed");
  for (std::uint16_t q = 0; q < txq; ++q)
    if (rte_eth_tx_queue_setup(port, q, tx_desc, socket < 0 ? 0 : socket, nullptr) != 0)
      throw DataplaneError("rte_eth_tx_queue_setup failed");
  if (rte_eth_dev_start(port) != 0) throw DataplaneError("rte_eth_dev_start failed");
}

}  // namespace

PortSetup EalPorts::open(const config::DataplaneConfig& cfg, unsigned workers) {
  const unsigned k = g_instance.fetch_add(1);
  const std::string suffix = std::to_string(k);
  try {
    pool_ = rte_pktmbuf_pool_create(("pdp_mbuf" + suffix).c_str(), cfg.mbufs, cfg.mbuf_cache, 0, cfg.mbuf_data_size,
                                    static_cast<int>(rte_socket_id()));
    if (!pool_)
      throw DataplaneError("cannot create the mbuf pool (" + std::to_string(cfg.mbufs) +
                           " mbufs): " + rte_strerror(rte_errno));
    const auto& p = cfg.port;
    const std::uint32_t ring_size = std::max<std::uint32_t>(p.rx_queue_size, p.tx_queue_size) * 4;
    if (p.driver == "ring") {
      ports_.media_tx_queues = static_cast<std::uint16_t>(workers);
      ports_.media_port = portFromRings(p.device, workers, ring_size, created_rings_);
    } else {
      std::string devargs;
      if (p.driver == "af_xdp") devargs = withArgs("net_af_xdp" + suffix + ",iface=" + p.device, p.args);
      if (p.driver == "af_packet") devargs = withArgs("net_af_packet" + suffix + ",iface=" + p.device, p.args);
      if (p.driver == "tap") devargs = withArgs("net_tap" + suffix + ",iface=" + p.device, p.args);
      if (p.driver == "memif") devargs = withArgs("net_memif" + suffix + ",socket=" + p.device, p.args);
      if (p.driver == "null") devargs = withArgs("net_null" + suffix, p.args);
      if (p.driver == "pci") {
        if (rte_eth_dev_get_port_by_name(p.device.c_str(), &ports_.media_port) != 0)
          throw DataplaneError("PCI device " + p.device + " is not bound to a DPDK driver");
      } else {
        ports_.media_port = probe(devargs, created_devices_);
      }
      rte_eth_dev_info info{};
      rte_eth_dev_info_get(ports_.media_port, &info);
      ports_.media_tx_queues = static_cast<std::uint16_t>(std::clamp<unsigned>(info.max_tx_queues, 1, workers));
    }
    ports_.media_rx_queues = 1;
    startPort(ports_.media_port, ports_.media_rx_queues, ports_.media_tx_queues, p.rx_queue_size, p.tx_queue_size,
              pool_);
    rte_ether_addr mac{};
    rte_eth_macaddr_get(ports_.media_port, &mac);
    if (rte_is_zero_ether_addr(&mac)) {  // ring/null ports: a locally administered address of our own
      const rte_ether_addr own{
          {0x02, 0x50, 0x44, 0x50, static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)}};
      mac = own;
      rte_eth_dev_default_mac_addr_set(ports_.media_port, &mac);
    }
    std::copy(mac.addr_bytes, mac.addr_bytes + 6, ports_.media_mac.begin());

    const auto& e = cfg.exception;
    if (e.driver == "ring") {
      ports_.exception_port = portFromRings(e.name, 1, ring_size, created_rings_);
      startPort(ports_.exception_port, 1, 1, 512, 512, pool_);
    } else if (e.driver == "tap") {
      ports_.exception_port =
          probe("net_tap_exc" + suffix + ",iface=" + e.name + ",mac=" + macText(ports_.media_mac), created_devices_);
      startPort(ports_.exception_port, 1, 1, 512, 512, pool_);
      setInterfaceAddress(e.name, e.address, e.prefix);
    }
    PLOG(Info, "dataplane") << "media port " << ports_.media_port << " (" << p.driver << " " << p.device << ") mac "
                            << macText(ports_.media_mac) << ", tx queues " << ports_.media_tx_queues << ", exception "
                            << e.driver << " " << e.name;
    return ports_;
  } catch (...) {
    close();
    throw;
  }
}

void EalPorts::close() noexcept {
  for (std::uint16_t port : {ports_.exception_port, ports_.media_port}) {
    if (port == 0xffff) continue;
    rte_eth_dev_stop(port);
    rte_eth_dev_close(port);
  }
  for (const auto& name : created_devices_)
    rte_eal_hotplug_remove("vdev", name.c_str());
  created_devices_.clear();
  for (void* r : created_rings_)
    rte_ring_free(static_cast<rte_ring*>(r));
  created_rings_.clear();
  ports_ = PortSetup{};
  if (pool_) rte_mempool_free(pool_);
  pool_ = nullptr;
}

}  // namespace portunus::dp
