// The one adapter around the DPDK EAL and ethdev (STYLE lesson 9): EAL arguments, the mbuf pool, the media port
// chosen by driver, the exception interface (net_tap with the appliance address and the media port's MAC).
#pragma once

#include <rte_mempool.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/config/DataplaneConfig.hpp"
#include "dataplane/DataplaneTypes.hpp"

namespace portunus::dp {

class DataplaneError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** The EAL arguments a config produces (program name first): the configured args plus the media vdev. */
std::vector<std::string> ealArguments(const config::DataplaneConfig& cfg, const std::string& file_prefix);

struct PortSetup {
  std::uint16_t media_port = 0xffff;
  std::uint16_t media_rx_queues = 1;
  std::uint16_t media_tx_queues = 1;
  /** One rx queue per worker (queue i polled by worker i): ring ports with several rx rings, and ports whose PMD
   *  spreads IPv4/UDP over queues by RSS. Otherwise one rx queue, polled by the io worker, and software hand-off. */
  bool rx_per_worker = false;
  bool rss = false;  // rx_per_worker by the NIC's RSS hash (Dataplane::workerForFlow predicts the queue)
  std::uint16_t exception_port = 0xffff;
  MacAddress media_mac{};
};

class EalPorts {
 public:
  /** rte_eal_init once per process (DPDK cannot re-initialise); throws DataplaneError. */
  static void initEal(const config::DataplaneConfig& cfg);
  static bool ealInitialised() noexcept;

  /** Creates the pool and brings up the ports; `workers` tx queues on the media port when the driver allows. */
  PortSetup open(const config::DataplaneConfig& cfg, unsigned workers);
  void close() noexcept;
  rte_mempool* pool() const noexcept { return pool_; }
  /** RSS: the queue the port delivers an IPv4/UDP 5-tuple (host byte order) to; -1 without RSS. Control side. */
  int rssQueue(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t src_port, std::uint16_t dst_port) const;

 private:
  rte_mempool* pool_ = nullptr;
  PortSetup ports_;
  std::vector<std::string> created_devices_;  // vdev names to remove on close
  std::vector<void*> created_rings_;
};

}  // namespace portunus::dp
