// One worker lcore (DESIGN §2): its rings, its tables and its counters in one cache-aligned struct.
// Worker 0 is also the io worker: it polls the media port and the exception interface, classifies every frame,
// punts what the fast path does not own and hands fast-path packets to the owning worker's hand-off ring
// (software steering until rte_flow steering lands, DESIGN §9).
#pragma once

#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "dataplane/Command.hpp"
#include "dataplane/Counters.hpp"
#include "dataplane/FlowIndex.hpp"
#include "dataplane/NeighborCache.hpp"
#include "dataplane/Tables.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

constexpr std::uint16_t kNoPort = 0xffff;
// Frames per media rx burst. 16 rather than the customary 32: a burst's frames and mbufs stay in L1 from the rx
// refill through the classifier and the flow lookup (GCM 200 B fan-out 1: the worker's time around the engine ~3 ns,
// ~5 %, less per packet; docs/PERFORMANCE.md). Two bursts make an unprotect batch (kRxBatch); a loop iteration
// takes up to kRxBurstsPerPoll of them.
constexpr std::uint16_t kBurst = 16;
// Frames per dequeue from the workers' rings (hand-off, punts, tx fallback) and from the exception port.
constexpr std::uint16_t kRingBurst = 32;
constexpr std::size_t kMaxWorkers = 64;

struct Worker;

/** What every worker reads; written before launch (or atomically). */
struct Shared {
  rte_mempool* pool = nullptr;
  rte_hash* directory = nullptr;     // FlowKey -> (worker << 32 | slot), written by the control side only
  const FlowIndex* flows = nullptr;  // the same by local port, looked up first (FlowIndex.hpp)
  rte_rcu_qsbr* qsbr = nullptr;
  rte_ring* events = nullptr;       // workers -> control, MP/SC
  rte_ring* tx_fallback = nullptr;  // workers without their own media tx queue -> io worker
  rte_ring* punts = nullptr;        // rx_per_worker: other workers' punts -> io worker (exception tx), MP/SC
  NeighborCache neighbors;
  std::uint16_t media_port = kNoPort;
  std::uint16_t media_rx_queues = 1;
  bool rx_per_worker = false;  // media rx queue i is polled by worker i (else all by the io worker)
  std::uint16_t exception_port = kNoPort;
  MacAddress media_mac{};
  std::uint16_t vlan = 0;  // 802.1Q VID of the media port, 0 = untagged
  bool busy_poll = false;
  std::atomic<std::uint32_t> media_timeout_ms{1000};  // 0: no MediaStopped events (Dataplane::setMediaTimeout)
  std::uint32_t pli_interval_ms = 500;
  std::uint32_t rr_interval_ms = 1000;
  std::uint64_t tsc_per_ms = 1;
  std::atomic<bool> running{false};
  std::atomic<bool> trace{false};
  std::vector<Worker*> workers;
};

struct alignas(64) Worker {
  unsigned index = 0;
  unsigned lcore = 0;
  bool io = false;
  Shared* shared = nullptr;
  SrtpEngine* engine = nullptr;   // this worker's own (IpsecMbEngine keeps per-burst scratch: never shared)
  rte_ring* commands = nullptr;   // control -> this worker (SP under the control mutex / SC)
  rte_ring* handoff = nullptr;    // io worker (every worker with rx_per_worker: MP) -> this worker (SC)
  std::int32_t media_txq = -1;    // own tx queue on the media port, or -1: through shared->tx_fallback
  std::vector<Transport*> table;  // by transport slot; only this worker's transports are set
  std::vector<Transport*> owned;  // the same transports, dense, for the timers
  WorkerCounters counters;
  std::atomic<std::uint64_t> applied{0};  // sequence of the last command applied
  std::atomic<bool> stopped{false};
  /** The lcore thread's CPU clock (pthread_getcpuclockid), set by the lcore before its loop; stats() reads it. */
  std::atomic<bool> has_cpu_clock{false};
  clockid_t cpu_clock{};
};

/** The lcore entry point (rte_eal_remote_launch). */
int workerMain(void* worker);

}  // namespace portunus::dp
