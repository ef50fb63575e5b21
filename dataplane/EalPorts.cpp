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
#include <rte_thash.h>
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

/** A port on rings: rx queue 0 reads `<name>_rx`, rx queue q > 0 `<name>_rx<q>`; every tx queue writes `<name>_tx`. */
std::uint16_t portFromRings(const std::string& name, unsigned rx_queues, unsigned tx_queues, std::uint32_t size,
                            std::vector<void*>& created) {
  std::vector<rte_ring*> rxs;
  for (unsigned q = 0; q < rx_queues; ++q) {
    const std::string rx_name = name + "_rx" + (q ? std::to_string(q) : "");
    rte_ring* rx = rte_ring_create(rx_name.c_str(), size, static_cast<int>(rte_socket_id()), 0);
    if (!rx) throw DataplaneError("cannot create ring " + rx_name);
    created.push_back(rx);
    rxs.push_back(rx);
  }
  const std::string tx_name = name + "_tx";
  rte_ring* tx = rte_ring_create(tx_name.c_str(), size, static_cast<int>(rte_socket_id()), 0);
  if (!tx) throw DataplaneError("cannot create ring " + tx_name);
  created.push_back(tx);
  std::vector<rte_ring*> txs(tx_queues, tx);
  const int port = rte_eth_from_rings(name.c_str(), rxs.data(), rx_queues, txs.data(), tx_queues, rte_socket_id());
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

constexpr std::uint64_t kRssTypes = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_UDP;

void startPort(std::uint16_t port, std::uint16_t rxq, std::uint16_t txq, std::uint16_t rx_desc, std::uint16_t tx_desc,
               rte_mempool* pool, std::uint64_t rss_hf = 0) {
  rte_eth_conf conf{};
  if (rss_hf) {
    conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
    conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;  // the PMD's default key
  }
  // Every mbuf the dataplane sends comes from its one pool, direct, with one reference (it never clones): the PMD
  // may put sent mbufs back in bulk without checking each (NICs offer it; the virtual devices do not).
  rte_eth_dev_info info{};
  if (rte_eth_dev_info_get(port, &info) == 0 && (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)) {
    conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
    PLOG(Info, "dataplane") << "port " << port << ": tx fast mbuf free";
  }
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
    std::uint64_t rss_hf = 0;
    ports_.media_rx_queues = 1;
    if (p.driver == "ring") {
      ports_.media_tx_queues = static_cast<std::uint16_t>(workers);
      ports_.media_rx_queues = static_cast<std::uint16_t>(workers);
      ports_.rx_per_worker = workers > 1;
      ports_.media_port = portFromRings(p.device, workers, workers, ring_size, created_rings_);
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
      // One rx queue per worker where the PMD spreads IPv4/UDP by RSS over that many queues (NICs; net_null for
      // tests); af_xdp/af_packet on a veth, tap and memif stay on one queue and software hand-off.
      rss_hf = info.flow_type_rss_offloads & kRssTypes;
      if (workers > 1 && info.max_rx_queues >= workers && rss_hf != 0 && p.driver != "af_xdp" &&
          p.driver != "af_packet") {
        ports_.media_rx_queues = static_cast<std::uint16_t>(workers);
        ports_.rx_per_worker = true;
        ports_.rss = true;
      } else {
        rss_hf = 0;
      }
    }
    startPort(ports_.media_port, ports_.media_rx_queues, ports_.media_tx_queues, p.rx_queue_size, p.tx_queue_size,
              pool_, rss_hf);
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
      ports_.exception_port = portFromRings(e.name, 1, 1, ring_size, created_rings_);
      startPort(ports_.exception_port, 1, 1, 512, 512, pool_);
    } else if (e.driver == "tap") {
      ports_.exception_port =
          probe("net_tap_exc" + suffix + ",iface=" + e.name + ",mac=" + macText(ports_.media_mac), created_devices_);
      startPort(ports_.exception_port, 1, 1, 512, 512, pool_);
      setInterfaceAddress(e.name, e.address, e.prefix);
    }
    PLOG(Info, "dataplane") << "media port " << ports_.media_port << " (" << p.driver << " " << p.device << ") mac "
                            << macText(ports_.media_mac) << ", rx queues " << ports_.media_rx_queues
                            << (ports_.rss ? " (RSS)" : "") << ", tx queues " << ports_.media_tx_queues
                            << ", exception " << e.driver << " " << e.name;
    return ports_;
  } catch (...) {
    close();
    throw;
  }
}

int EalPorts::rssQueue(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t src_port,
                       std::uint16_t dst_port) const {
  if (!ports_.rss) return -1;
  std::uint8_t key[64] = {};
  rte_eth_rss_conf conf{};
  conf.rss_key = key;
  conf.rss_key_len = sizeof key;
  if (rte_eth_dev_rss_hash_conf_get(ports_.media_port, &conf) != 0 || conf.rss_key_len == 0) return -1;
  rte_eth_dev_info info{};
  rte_eth_dev_info_get(ports_.media_port, &info);
  const unsigned reta_size = info.reta_size ? info.reta_size : RTE_ETH_RSS_RETA_SIZE_64;
  std::vector<rte_eth_rss_reta_entry64> reta((reta_size + RTE_ETH_RETA_GROUP_SIZE - 1) / RTE_ETH_RETA_GROUP_SIZE);
  for (auto& r : reta)
    r.mask = ~0ULL;
  if (rte_eth_dev_rss_reta_query(ports_.media_port, reta.data(), static_cast<std::uint16_t>(reta_size)) != 0)
    return static_cast<int>(0);  // no indirection table to read: queue 0
  rte_ipv4_tuple tuple{};
  tuple.src_addr = src_ip;
  tuple.dst_addr = dst_ip;
  tuple.sport = src_port;
  tuple.dport = dst_port;
  const std::uint32_t len = (conf.rss_hf & RTE_ETH_RSS_NONFRAG_IPV4_UDP) ? RTE_THASH_V4_L4_LEN : RTE_THASH_V4_L3_LEN;
  const std::uint32_t hash = rte_softrss(reinterpret_cast<std::uint32_t*>(&tuple), len, key);
  const unsigned idx = hash % reta_size;
  return reta[idx / RTE_ETH_RETA_GROUP_SIZE].reta[idx % RTE_ETH_RETA_GROUP_SIZE];
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
