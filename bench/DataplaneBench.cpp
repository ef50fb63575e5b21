// bench-dataplane: encrypted-egress packets per worker-CPU-second for a 1 -> N fan-out, next to the same run's crypto
// floor of that fan-out: the egress rate one core reaches doing nothing but the forwarding's SRTP work (one unprotect
// per input packet, one protect per output packet) with the same engine, the same size, bursts of 32, in a tight loop
// (ops per CPU-second of the measuring thread).
// The worker is charged for the CPU time of its loop iterations that had work: its thread CPU clock over the run
// times the share of its loop's TSC cycles spent in non-empty iterations (empty polls are not charged; preemption
// by other processes on the shared CPUs is not charged either, the thread CPU clock does not run while preempted).
// The floor and the worker are measured in turn, --rounds times (default 5; --seconds of the worker in all): the
// feed held back (the worker idles, polling with idle backoff) while the floor runs on the worker's CPU, then let go;
// each round's ratio is its worker rate over the floor measured just before it, and the line printed is the round of
// the median ratio, so that a shared host's slow and fast phases fall on both sides of a ratio.
// The feed (--feed): local (default) makes the frames inside the worker's rx burst and takes those cycles off the
// charge, so that the packets are in the worker's cache as the floor's are; ring makes them on the other CPU and
// hands them over by pointer like a NIC; memif runs a generator process on net_memif (copies each way). See RingFeed.
//   portunus-bench-dataplane --engine E --profile P --size B --fanout N [--seconds S] [--feed local|ring|memif]
//                            [--nack PACKETS]  (the publisher stream's retransmission cache, default 512 as for video)
//                            [--rounds R]      (floor/worker turns, default 5; memif: 1, the floor before the run)
//   portunus-bench-dataplane --generator SOCKET --engine E --profile P --size B       (the memif feed; until SIGTERM)
// E: ipsec-mb | libsrtp2 | auto (dataplane.srtp_engine). Prints, the engine named in the profile field:
//   bench-dataplane <engine>/<profile> <size>B fanout=<N>: <pps> pps/worker, floor <pps>, ratio <r>
#include <pthread.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/config/DataplaneConfig.hpp"
#include "common/proto/ByteOrder.hpp"
#include "dataplane/Dataplane.hpp"
#include "dataplane/MbufFree.hpp"
#include "dataplane/srtp/SrtpEngineFactory.hpp"

using namespace portunus;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t kAppliance = 0xC6121401;  // 198.18.20.1
constexpr std::uint32_t kPeer = 0xC6121402;       // 198.18.20.2
constexpr std::uint32_t kSsrc = 0x5EED;
const dp::MacAddress kPeerMac{0x02, 0, 0, 0, 0x20, 0x02};

std::atomic<bool> g_stop{false};  // lock-free: set from the signal handler (memif feed) or main (ring feed)
void onTerm(int) {
  g_stop.store(true);
}

dp::SrtpKeyMaterial keys(dp::SrtpProfile p, std::uint8_t seed) {
  dp::SrtpKeyMaterial k;
  k.profile = p;
  for (std::size_t i = 0; i < k.master_key.size(); ++i)
    k.master_key[i] = static_cast<std::uint8_t>(seed * 31 + i);
  for (std::size_t i = 0; i < k.master_salt.size(); ++i)
    k.master_salt[i] = static_cast<std::uint8_t>(seed + 3 * i);
  return k;
}

std::size_t rtpLength(std::size_t size) {
  return size;
}  // <size>B = the RTP packet before protection

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

/** The crypto floor: ops per CPU-second of protect, and of unprotect, of `size`-byte RTP packets in bursts of 32 on
 *  this thread, `seconds` of its CPU each. */
struct Floor {
  double protect = 0;    // ops per CPU-second
  double unprotect = 0;  // ops per CPU-second
  /** Egress packets per CPU-second of a 1 -> N fan-out if the core did only its SRTP work: one unprotect per input,
   *  N protects. */
  double fanout(unsigned n) const { return n / (1.0 / unprotect + n / protect); }
};

constexpr int kBurstsPerClock = 16;

Floor cryptoFloor(const dp::SrtpEngineFactory& factory, dp::SrtpProfile profile, std::size_t size, double seconds) {
  const std::unique_ptr<dp::SrtpEngine> owned = factory();
  dp::SrtpEngine& engine = *owned;
  auto tx = engine.createStream(keys(profile, 99), kSsrc, dp::SrtpDirection::Outbound);
  auto rx = engine.createStream(keys(profile, 99), kSsrc, dp::SrtpDirection::Inbound);
  std::vector<std::uint8_t> buf(32 * 2048);
  dp::SrtpOp ops[32];
  std::uint16_t seq = 0;
  auto protect = [&] {
    for (int i = 0; i < 32; ++i) {
      std::uint8_t* p = buf.data() + 2048 * i;
      p[0] = 0x80;
      p[1] = 96;
      proto::store16(p + 2, seq++);
      proto::store32(p + 8, kSsrc);
      ops[i] = dp::SrtpOp{p, static_cast<std::uint32_t>(rtpLength(size)), 2048, tx.get(), false, dp::SrtpStatus::Ok};
    }
    engine.protect(ops, 32);
  };
  Floor f;
  std::uint64_t done = 0;
  double start = threadCpuSeconds(), elapsed = 0;
  // The thread's CPU clock (a system call here) read every kBurstsPerClock bursts, not every burst: read per burst it
  // took ~7 % of the floor thread's samples at 200 B GCM (perf).
  while (elapsed < seconds) {
    for (int b = 0; b < kBurstsPerClock; ++b)
      protect();
    done += 32 * kBurstsPerClock;
    elapsed = threadCpuSeconds() - start;
  }
  f.protect = static_cast<double>(done) / elapsed;
  // Protect + unprotect of the same packets; the unprotect's share is the rest after the protect floor's.
  // A fresh sender context: the receiver's ROC starts at 0 like the sender's.
  tx = engine.createStream(keys(profile, 99), kSsrc, dp::SrtpDirection::Outbound);
  seq = 0;
  std::uint64_t failed = 0;
  bool reported = false;
  done = 0;
  start = threadCpuSeconds();
  elapsed = 0;
  while (elapsed < seconds) {
    for (int b = 0; b < kBurstsPerClock; ++b) {
      protect();
      for (int i = 0; i < 32; ++i)
        ops[i].ctx = rx.get();
      engine.unprotect(ops, 32);
      for (int i = 0; i < 32; ++i)
        failed += ops[i].status != dp::SrtpStatus::Ok;
    }
    if (failed && !reported) {
      reported = true;
      std::fprintf(stderr, "  floor: unprotect failed: %s\n", std::string(dp::statusName(ops[0].status)).c_str());
    }
    done += 32 * kBurstsPerClock;
    elapsed = threadCpuSeconds() - start;
  }
  const double unprotect_seconds = elapsed / static_cast<double>(done) - 1.0 / f.protect;
  f.unprotect = unprotect_seconds > 0 ? 1.0 / unprotect_seconds : f.protect;
  return f;
}

/** Pins the calling thread to `cpu`; returns the CPUs it could run on before. */
cpu_set_t pinThisThread(int cpu) {
  cpu_set_t before;
  CPU_ZERO(&before);
  pthread_getaffinity_np(pthread_self(), sizeof(before), &before);
  cpu_set_t only;
  CPU_ZERO(&only);
  CPU_SET(cpu, &only);
  pthread_setaffinity_np(pthread_self(), sizeof(only), &only);
  return before;
}

/** The profile field of the result line: engine and profile, e.g. ipsec-mb/aes-gcm-128, libsrtp2/aes-cm-sha1-80. */
std::string profileField(const std::string& engine, dp::SrtpProfile profile) {
  const char* p = profile == dp::SrtpProfile::AeadAes128Gcm     ? "aes-gcm-128"
                  : profile == dp::SrtpProfile::AeadAes256Gcm   ? "aes-gcm-256"
                  : profile == dp::SrtpProfile::Aes128CmSha1_80 ? "aes-cm-sha1-80"
                                                                : "aes-cm-sha1-32";
  return engine + "/" + p;
}

/** The feed's frames: protected RTP in Ethernet/IPv4/UDP from a template (only the lengths, seq and ts change per
 *  packet), encrypted in bursts with the fastest engine here (intel-ipsec-mb where supported: the feed should not be
 *  what limits the worker). */
class FeedFrames {
 public:
  static constexpr std::uint16_t kBurst = 128;
  static constexpr std::uint32_t kCapacity = 2048 - 128;  // bytes a frame may grow to

  FeedFrames(dp::SrtpProfile profile, std::size_t size, const std::string& engine_name)
      : rtp_len_(static_cast<std::uint32_t>(rtpLength(size))) {
    std::string feed_engine = engine_name;
    try {
      feed_engine = dp::resolveSrtpEngine("ipsec-mb");
    } catch (const std::exception&) {
    }
    engine_ = dp::makeSrtpEngineFactory(feed_engine)();
    ctx_ = engine_->createStream(keys(profile, 1), kSsrc, dp::SrtpDirection::Outbound);
    std::memcpy(tmpl_ + 6, kPeerMac.data(), 6);  // the appliance does not check the destination MAC
    tmpl_[12] = 0x08;
    std::uint8_t* ip = tmpl_ + 14;
    ip[0] = 0x45;
    ip[8] = 64;
    ip[9] = 17;
    proto::store32(ip + 12, kPeer);
    proto::store32(ip + 16, kAppliance);
    proto::store16(ip + 20, 5000);
    proto::store16(ip + 22, 40000);
    tmpl_[42] = 0x80;
    tmpl_[43] = 96;
    proto::store32(tmpl_ + 50, kSsrc);
  }

  /** Writes the next `n` (<= kBurst) frames into the mbufs `pkts` and sets their lengths; the TSC cycles of the
   *  making itself (not of the mbuf fields) are added to `*making` when given. */
  void fill(rte_mbuf* const* pkts, std::uint16_t n, std::uint64_t* making = nullptr) {
    std::uint8_t* data[kBurst];
    std::uint16_t lens[kBurst];
    for (std::uint16_t i = 0; i < n; ++i)
      data[i] = rte_pktmbuf_mtod(pkts[i], std::uint8_t*);
    const std::uint64_t start = making ? rte_get_tsc_cycles() : 0;
    make(data, lens, n);
    if (making) *making += rte_get_tsc_cycles() - start;
    for (std::uint16_t i = 0; i < n; ++i)
      pkts[i]->data_len = pkts[i]->pkt_len = lens[i];
  }

 private:
  /** Writes the next `n` (<= kBurst) frames at `frames[i]` (kCapacity bytes each) and their lengths into `lens`. */
  void make(std::uint8_t* const* frames, std::uint16_t* lens, std::uint16_t n) {
    for (std::uint16_t i = 0; i < n; ++i) {
      std::memcpy(frames[i], tmpl_, sizeof(tmpl_));
      std::uint8_t* p = frames[i] + 42;
      proto::store16(p + 2, seq_);
      proto::store32(p + 4, 90u * seq_);
      ++seq_;
      ops_[i] = dp::SrtpOp{p, rtp_len_, kCapacity - 42, ctx_.get(), false, dp::SrtpStatus::Ok};
    }
    engine_->protect(ops_, n);
    for (std::uint16_t i = 0; i < n; ++i) {
      proto::store16(frames[i] + 16, static_cast<std::uint16_t>(28 + ops_[i].len));
      proto::store16(frames[i] + 38, static_cast<std::uint16_t>(8 + ops_[i].len));
      lens[i] = static_cast<std::uint16_t>(42 + ops_[i].len);
    }
  }

  std::uint32_t rtp_len_;
  std::unique_ptr<dp::SrtpEngine> engine_;
  std::unique_ptr<dp::SrtpStreamContext> ctx_;
  std::uint8_t tmpl_[54] = {};
  std::uint16_t seq_ = 0;
  dp::SrtpOp ops_[kBurst];
};

/** --feed memif: the feed as a separate DPDK process, the memif client of the appliance's server socket, until
 *  SIGTERM; the worker's egress taken back and freed. */
int memifGenerator(const std::string& socket, dp::SrtpProfile profile, std::size_t size,
                   const std::string& engine_name) {
  std::string vdev = "--vdev=net_memif0,role=client,socket=" + socket;
  std::string prefix = "--file-prefix=pdpgen" + std::to_string(getpid());
  std::vector<std::string> args{"gen",         "--no-pci",     "--no-huge",           "-m",   "256",
                                "--no-shconf", "--lcores=0@0", "--log-level=*:error", prefix, vdev};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) return 1;
  signal(SIGTERM, onTerm);
  rte_mempool* pool = rte_pktmbuf_pool_create("gen", 8191, 256, 0, 2176, 0);
  const std::uint16_t port = 0;
  rte_eth_conf conf{};
  rte_eth_dev_configure(port, 1, 1, &conf);
  rte_eth_rx_queue_setup(port, 0, 1024, 0, nullptr, pool);
  rte_eth_tx_queue_setup(port, 0, 1024, 0, nullptr);
  rte_eth_dev_start(port);
  FeedFrames frames(profile, size, engine_name);
  constexpr std::uint16_t kBurst = FeedFrames::kBurst;
  rte_mbuf* pkts[kBurst];
  auto drain = [&](int bursts) {
    std::uint16_t n;
    for (int k = 0; k < bursts && (n = rte_eth_rx_burst(port, 0, pkts, kBurst)) > 0; ++k)
      rte_pktmbuf_free_bulk(pkts, n);
  };
  while (!g_stop.load(std::memory_order_relaxed)) {
    if (rte_pktmbuf_alloc_bulk(pool, pkts, kBurst) == 0) {
      frames.fill(pkts, kBurst);
      std::uint16_t sent = 0;
      for (int tries = 0; sent < kBurst && !g_stop.load(std::memory_order_relaxed); ++tries) {
        sent += rte_eth_tx_burst(port, 0, pkts + sent, static_cast<std::uint16_t>(kBurst - sent));
        if (sent < kBurst) {  // the worker's ring is full: take its egress meanwhile
          rte_mbuf* rx[64];
          rte_pktmbuf_free_bulk(rx, rte_eth_rx_burst(port, 0, rx, 64));
        }
      }
      if (sent < kBurst) rte_pktmbuf_free_bulk(pkts + sent, kBurst - sent);
    }
    drain(64);
  }
  drain(1 << 20);
  rte_eth_dev_stop(port);
  return 0;
}

/** --feed ring (and local): frames handed over the way a NIC hands them over. The appliance's port is a pair of rings
 *  (rte_eth_from_rings). The feed thread (CPU 0, an EAL thread) plays the NIC's receive side: it writes each frame
 *  into an mbuf of the appliance's own pool, as a NIC's DMA does, and enqueues it on the rx ring, the descriptor
 *  ring the worker polls. A tx callback in the worker's tx burst plays the transmit side: frames stay on the tx ring
 *  as on a NIC's descriptor ring until kTxInFlight are queued, and the worker frees the oldest there, as a PMD frees
 *  completed descriptors' mbufs. Nothing is copied by the port. */
class RingFeed {
 public:
  static constexpr unsigned kTxInFlight = 512;

  explicit RingFeed(const std::string& port_name)
      : rx_(rte_ring_lookup((port_name + "_rx").c_str())), tx_(rte_ring_lookup((port_name + "_tx").c_str())) {
    if (!rx_ || !tx_) throw std::runtime_error("no rings " + port_name + "_rx/_tx");
    // rte_eth_from_rings names the port net_ring_<name>.
    if (rte_eth_dev_get_port_by_name(("net_ring_" + port_name).c_str(), &port_) != 0)
      throw std::runtime_error("no port net_ring_" + port_name);
    // The appliance's pool (net_ring keeps no rx pool of its own): the one the dataplane made, pdp_mbuf<N>.
    rte_mempool_walk(
        [](rte_mempool* mp, void* arg) {
          if (std::strncmp(mp->name, "pdp_mbuf", 8) == 0) *static_cast<rte_mempool**>(arg) = mp;
        },
        &pool_);
    if (!pool_) throw std::runtime_error("no dataplane mbuf pool");
    callback_ = rte_eth_add_tx_callback(port_, 0, complete, this);
    if (!callback_) throw std::runtime_error("cannot add the tx callback on " + port_name);
  }
  RingFeed(const RingFeed&) = delete;
  RingFeed& operator=(const RingFeed&) = delete;

  /** The feed thread, until g_stop. */
  void run(dp::SrtpProfile profile, std::size_t size, const std::string& engine_name) {
    pinThisThread(0);
    if (rte_thread_register() != 0) {  // an lcore id: the pool's per-lcore cache
      std::fprintf(stderr, "  feed: rte_thread_register failed\n");
      return;
    }
    FeedFrames frames(profile, size, engine_name);
    constexpr std::uint16_t kBurst = FeedFrames::kBurst;
    rte_mbuf* pkts[kBurst];
    while (!g_stop.load(std::memory_order_relaxed)) {
      // Enough queued for the worker (a quarter of the ring): wait, as a NIC's ring of posted buffers fills.
      if (paused_.load(std::memory_order_relaxed) || rte_ring_count(rx_) > rte_ring_get_capacity(rx_) / 4 ||
          rte_pktmbuf_alloc_bulk(pool_, pkts, kBurst) != 0) {
        rte_pause();
        continue;
      }
      frames.fill(pkts, kBurst);
      const unsigned sent = rte_ring_enqueue_burst(rx_, reinterpret_cast<void* const*>(pkts), kBurst, nullptr);
      if (sent < kBurst) rte_pktmbuf_free_bulk(pkts + sent, kBurst - sent);
    }
    rte_thread_unregister();
  }

  /** --feed local instead of run(): the frames are made inside the worker's rx burst (an rx callback filling it
   *  up to its size from the worker's own pool), so that none crosses between cores; the TSC cycles spent making
   *  them are counted in feedCycles() and not charged to the worker. */
  void feedLocally(dp::SrtpProfile profile, std::size_t size, const std::string& engine_name) {
    local_ = std::make_unique<FeedFrames>(profile, size, engine_name);
    rx_callback_ = rte_eth_add_rx_callback(port_, 0, makeInBurst, this);
    if (!rx_callback_) throw std::runtime_error("cannot add the rx callback");
  }
  std::uint64_t feedCycles() const { return feed_cycles_.load(std::memory_order_relaxed); }
  /** Holds the feed back (the worker goes idle and, polling with idle backoff, sleeps) or lets it go again. */
  void pause(bool on) { paused_.store(on, std::memory_order_relaxed); }

  /** Before the worker stops: the callbacks off (the dataplane frees what is left on the rings). */
  void detach() {
    rte_eth_remove_tx_callback(port_, 0, callback_);
    if (rx_callback_) rte_eth_remove_rx_callback(port_, 0, rx_callback_);
    callback_ = rx_callback_ = nullptr;
  }

 private:
  /** rte_tx_callback_fn, in the worker before the ring PMD enqueues `n` frames: frees the oldest queued ones so that
   *  at most kTxInFlight stay, as a NIC's tx burst frees the mbufs of descriptors it has sent. */
  static std::uint16_t complete(std::uint16_t, std::uint16_t, rte_mbuf**, std::uint16_t n, void* arg) {
    auto* self = static_cast<RingFeed*>(arg);
    const unsigned queued = rte_ring_count(self->tx_);
    if (queued + n > kTxInFlight) {
      rte_mbuf* done[kTxInFlight];
      const unsigned want = queued + n - kTxInFlight < kTxInFlight ? queued + n - kTxInFlight : kTxInFlight;
      const unsigned got = rte_ring_sc_dequeue_burst(self->tx_, reinterpret_cast<void**>(done), want, nullptr);
      // As a PMD with RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, which the appliance requests of every port that offers it
      // (the NICs): back to the first one's pool in bulk, none of the mbufs read but for that pool pointer.
      if (got) rte_mempool_put_bulk(done[0]->pool, reinterpret_cast<void* const*>(done), got);
    }
    return n;
  }

  /** rte_rx_callback_fn, in the worker after the ring PMD's rx: the burst filled up to max with new frames. */
  static std::uint16_t makeInBurst(std::uint16_t, std::uint16_t, rte_mbuf** pkts, std::uint16_t n, std::uint16_t max,
                                   void* arg) {
    auto* self = static_cast<RingFeed*>(arg);
    if (self->paused_.load(std::memory_order_relaxed)) return n;
    // The mbufs and their lengths are the worker's to pay, as a NIC PMD's rx refill and descriptor reading are; the
    // frames' making (what the wire would bring) is not.
    const auto want = static_cast<std::uint16_t>(std::min<unsigned>(max - n, FeedFrames::kBurst));
    if (want == 0 || !self->refill(pkts + n, want)) return n;
    std::uint64_t making = 0;
    self->local_->fill(pkts + n, want, &making);
    self->feed_cycles_.store(self->feed_cycles_.load(std::memory_order_relaxed) + making, std::memory_order_relaxed);
    return static_cast<std::uint16_t>(n + want);
  }

  /** A vector rx PMD's refill (i40e, ice, mlx5): the mbufs taken from the pool in bulk and only their first cache
   *  line written (allocMbufs), unlike rte_pktmbuf_alloc_bulk's reset, which also writes the second line that no PMD
   *  writes. The lengths follow in fill(), as from the rx descriptors. */
  bool refill(rte_mbuf** pkts, std::uint16_t n) { return dp::allocMbufs(pool_, pkts, n, port_); }

  rte_ring* rx_;
  rte_ring* tx_;
  std::uint16_t port_ = 0;
  rte_mempool* pool_ = nullptr;
  const rte_eth_rxtx_callback* callback_ = nullptr;
  const rte_eth_rxtx_callback* rx_callback_ = nullptr;
  std::unique_ptr<FeedFrames> local_;
  std::atomic<std::uint64_t> feed_cycles_{0};  // written by the worker only
  std::atomic<bool> paused_{false};
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> o{{"--profile", "SRTP_AEAD_AES_128_GCM"},
                                       {"--size", "1200"},
                                       {"--fanout", "1"},
                                       {"--seconds", "2"},
                                       {"--engine", "auto"},
                                       {"--feed", "local"},
                                       {"--nack", "512"},
                                       {"--rounds", "5"}};
  for (int i = 1; i + 1 < argc; i += 2)
    o[argv[i]] = argv[i + 1];
  const auto profile = dp::profileFromName(o["--profile"]);
  if (!profile) return 2;
  const std::size_t size = std::stoul(o["--size"]);
  std::string engine;
  try {
    engine = dp::resolveSrtpEngine(o["--engine"]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 3;
  }
  if (o.count("--check")) return 0;  // --engine E --check 1: whether E runs here
  if (o.count("--generator")) return memifGenerator(o["--generator"], *profile, size, engine);
  const std::string feed = o["--feed"];
  if (feed != "local" && feed != "ring" && feed != "memif") {
    std::fprintf(stderr, "--feed: local, ring or memif, got '%s'\n", feed.c_str());
    return 2;
  }
  const std::string port = feed == "memif" ? "memif" : "ring";
  const dp::SrtpEngineFactory factory = dp::makeSrtpEngineFactory(engine);

  const unsigned fanout = static_cast<unsigned>(std::stoul(o["--fanout"]));
  // Rounds: the floor and the worker measured in turn, each round's ratio from the two measured next to each other,
  // so that the slow and fast phases of a shared host fall on both. The memif generator cannot be held back: one
  // floor, before the run.
  const int rounds = feed == "memif" ? 1 : std::max(1, std::stoi(o["--rounds"]));
  const double window = std::stod(o["--seconds"]) / rounds;
  // The floor on the worker's CPU (lcore 1 runs on CPU 1: the two vCPUs of a VM need not be equally fast), at
  // real-time priority so that the held-back worker's idle wake-ups on that CPU wait until it is done.
  auto measureFloor = [&](double seconds) {
    const cpu_set_t before = pinThisThread(1);
    int policy = SCHED_OTHER;
    sched_param normal{};
    pthread_getschedparam(pthread_self(), &policy, &normal);
    sched_param rt{};
    rt.sched_priority = 1;
    const bool raised = pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt) == 0;
    const Floor f = cryptoFloor(factory, *profile, size, seconds);
    if (raised) pthread_setschedparam(pthread_self(), policy, &normal);
    pthread_setaffinity_np(pthread_self(), sizeof(before), &before);
    return f;
  };
  const Floor memif_floor = feed == "memif" ? measureFloor(0.6) : Floor{};
  const std::string socket = "/tmp/pdp-bench-" + std::to_string(getpid()) + ".sock";
  config::DataplaneConfig cfg;
  cfg.enabled = true;
  cfg.eal_args = {"--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--lcores=0@0,1@1", "--log-level=*:error"};
  cfg.port.driver = port;
  cfg.port.device = port == "memif" ? socket : "pdpbench" + std::to_string(getpid());
  cfg.port.args = port == "memif" ? "role=server" : "";
  cfg.exception.driver = "none";
  cfg.workers = {1};
  // Idle backoff while the feed is held back for the floor (the worker then sleeps); under the feed every iteration
  // has work and the loop is the busy one. The memif feed never stops: busy.
  cfg.poll = feed == "memif" ? "busy" : "idle_backoff";
  cfg.mbufs = 16383;
  cfg.rr_interval_ms = 0;
  cfg.srtp_engine = engine;
  dp::Dataplane d;
  d.start(cfg, factory);
  std::unique_ptr<RingFeed> ring;
  try {
    if (port == "ring") {
      ring = std::make_unique<RingFeed>(cfg.port.device);
      ring->pause(true);  // until the first round's floor is measured
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    d.stop();
    return 4;
  }
  dp::TransportSpec pub;
  pub.local = {kAppliance, 40000};
  pub.remote = {kPeer, 5000};
  pub.rx_keys = keys(*profile, 1);
  pub.tx_keys = keys(*profile, 2);
  pub.remote_mac = kPeerMac;
  dp::TransportId pid = 0;
  dp::StreamId in = 0;
  d.addTransport(pub, pid);
  dp::InboundStreamSpec is;
  is.transport = pid;
  is.ssrc = kSsrc;
  // A video stream as the control plane sets one up: NACKs generated, the last --nack packets kept for
  // retransmission (one copy per input packet; 0: neither).
  is.nack_cache_packets = static_cast<std::uint16_t>(std::stoul(o["--nack"]));
  is.generate_nack = is.nack_cache_packets > 0;
  d.addInboundStream(is, in);
  for (unsigned i = 0; i < fanout; ++i) {
    // Each subscriber PeerConnection on a local port of its own, as the control plane's ICE agents give them.
    dp::TransportSpec sub = pub;
    sub.local.port = static_cast<std::uint16_t>(40001 + i);
    sub.remote.port = static_cast<std::uint16_t>(6000 + i);
    sub.tx_keys = keys(*profile, static_cast<std::uint8_t>(10 + i));
    dp::TransportId sid = 0;
    dp::StreamId out = 0;
    dp::RouteId rid = 0;
    d.addTransport(sub, sid);
    dp::OutboundStreamSpec os;
    os.transport = sid;
    os.ssrc = 0x1000 + i;
    d.addOutboundStream(os, out);
    d.addRoute(dp::RouteSpec{in, out, {}}, rid);
  }
  d.sync();
  pid_t child = -1;
  std::thread feeder;
  if (feed == "local") {
    ring->feedLocally(*profile, size, engine);
  } else if (feed == "ring") {
    feeder = std::thread([&] { ring->run(*profile, size, engine); });
  } else if ((child = fork()) == 0) {
    execl("/proc/self/exe", argv[0], "--generator", socket.c_str(), "--engine", engine.c_str(), "--profile",
          o["--profile"].c_str(), "--size", o["--size"].c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Encrypted egress = frames the worker protected and handed to the port: sent, or refused by a full tx ring
  // (a memif generator shares a CPU with everything else and cannot always drain; that is the feed's limit).
  struct Sample {
    std::uint64_t egress = 0, ingress = 0, busy_cycles = 0, busy_loops = 0, tx_cycles = 0, srtp_cycles = 0, cpu_ns = 0,
                  tsc_hz = 1;
    Clock::time_point at;
    /** Adds the counters' growth from `a` to `b`: one round's window into a total over the rounds. */
    void add(const Sample& a, const Sample& b) {
      egress += b.egress - a.egress;
      ingress += b.ingress - a.ingress;
      busy_cycles += b.busy_cycles - a.busy_cycles;
      busy_loops += b.busy_loops - a.busy_loops;
      tx_cycles += b.tx_cycles - a.tx_cycles;
      cpu_ns += b.cpu_ns - a.cpu_ns;
    }
  };
  auto sample = [&] {
    const auto w = d.stats().workers.at(0);
    const auto full = w.drops.find("tx_full");
    Sample s;
    s.egress = w.tx_packets + (full == w.drops.end() ? 0 : full->second);
    s.ingress = w.rx_packets;
    s.busy_cycles = w.busy_cycles - (ring ? ring->feedCycles() : 0);  // the local feed's frames are not ours
    s.busy_loops = w.busy_loops;
    s.tx_cycles = w.tx_cycles;
    s.srtp_cycles = w.srtp_cycles;
    s.cpu_ns = w.cpu_ns;
    s.tsc_hz = w.tsc_hz ? w.tsc_hz : 1;
    s.at = Clock::now();
    return s;
  };
  // Per round: the feed held back and the floor measured, then the feed let go, warmed up (the first round until it
  // flows - memif connects late on a loaded machine - and one more second) and the worker measured for `window`.
  struct Round {
    double pps = 0;
    Floor floor;
    double ratio = 0;
    double srtp_share = 0;  // of the busy cycles, those inside the engine's batch calls
    double srtp_ns = 0;     // engine time per egress packet
  };
  std::vector<Round> results;
  Sample total;  // the rounds' windows added up
  double wall_sum = 0, busy_cpu_sum = 0;
  for (int r = 0; r < rounds; ++r) {
    Round round;
    if (ring) {
      ring->pause(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the worker drains its burst and goes idle
      round.floor = measureFloor(0.25);
      ring->pause(false);
    } else {
      round.floor = memif_floor;
    }
    if (r == 0) {
      const auto connect_deadline = Clock::now() + std::chrono::seconds(15);
      while (sample().ingress == 0 && Clock::now() < connect_deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::this_thread::sleep_for(std::chrono::seconds(1));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const Sample s0 = sample();
    std::this_thread::sleep_for(std::chrono::duration<double>(window));
    const Sample s1 = sample();
    const double wall = std::chrono::duration<double>(s1.at - s0.at).count();
    const double cpu = static_cast<double>(s1.cpu_ns - s0.cpu_ns) / 1e9;
    double busy_share = static_cast<double>(s1.busy_cycles - s0.busy_cycles) / static_cast<double>(s1.tsc_hz) / wall;
    if (busy_share > 1) busy_share = 1;
    // The worker's charge: its thread CPU time in the iterations that had work (see the top of this file). Exact
    // while the worker thread runs all along; a feed slower than the worker lets it back off and sleep, and then
    // the charge is too low (said below).
    const double busy_cpu = cpu * busy_share;
    if (cpu < 0.9 * wall)
      std::fprintf(stderr, "  round %d: the worker ran %.0f %% of the time (slept or preempted): estimate less exact\n",
                   r + 1, 100 * cpu / wall);
    total.add(s0, s1);
    wall_sum += wall;
    busy_cpu_sum += busy_cpu;
    const double round_egress = static_cast<double>(s1.egress - s0.egress);
    round.pps = busy_cpu > 0 ? round_egress / busy_cpu : 0;
    round.ratio = round.pps / round.floor.fanout(fanout);
    const double busy_cycles = static_cast<double>(s1.busy_cycles - s0.busy_cycles);
    const double srtp_cycles = static_cast<double>(s1.srtp_cycles - s0.srtp_cycles);
    round.srtp_share = busy_cycles > 0 ? srtp_cycles / busy_cycles : 0;
    round.srtp_ns = round_egress > 0 ? 1e9 * srtp_cycles / static_cast<double>(s1.tsc_hz) / round_egress : 0;
    std::fprintf(stderr, "  round %d: %.0f pps/worker, floor %.0f (protect %.0f, unprotect %.0f ops/s), ratio %.2f\n",
                 r + 1, round.pps, round.floor.fanout(fanout), round.floor.protect, round.floor.unprotect, round.ratio);
    results.push_back(round);
  }
  const auto st = d.stats();
  // The ring feed's thread stops before the dataplane (its rings and pool go with it); the callbacks come off while
  // the worker may still be in one (the RingFeed they read outlives the worker). The memif feed goes after the
  // worker: a memif client that disconnects makes the server side unmap the shared regions from DPDK's interrupt
  // thread while the worker may still be in rx/tx on them (net_memif is not safe against that), which crashed the
  // worker (SIGSEGV in librte_net_memif) in about one case of ten.
  if (feeder.joinable()) {
    g_stop.store(true);
    feeder.join();
  }
  if (ring) ring->detach();
  d.stop();
  if (child > 0) {
    kill(child, SIGTERM);
    waitpid(child, nullptr, 0);
    unlink(socket.c_str());
  }
  // The line of record: the round of the median ratio (its own worker rate and floor).
  std::vector<Round> sorted = results;
  std::sort(sorted.begin(), sorted.end(), [](const Round& x, const Round& y) { return x.ratio < y.ratio; });
  const Round& median = sorted[sorted.size() / 2];
  const Floor& floor = median.floor;
  const double pps = median.pps;
  const double fanout_floor = floor.fanout(fanout);
  const double wall = wall_sum;
  const double egress = static_cast<double>(total.egress);
  const double cpu = static_cast<double>(total.cpu_ns) / 1e9;
  std::fprintf(stderr, "  %d round(s) of %.2f s: ratio %.2f to %.2f, median %.2f\n", rounds, window,
               sorted.front().ratio, sorted.back().ratio, median.ratio);
  std::fprintf(stderr, "  egress %.0f pps wall-clock; worker thread CPU %.3f s of %.3f s, %.1f %% of it busy\n",
               egress / wall, cpu, wall, cpu > 0 ? 100 * busy_cpu_sum / cpu : 0.0);
  std::fprintf(stderr, "  egress per worker-CPU-second %.0f (all of its CPU), %.0f (busy iterations only)\n",
               cpu > 0 ? egress / cpu : 0, busy_cpu_sum > 0 ? egress / busy_cpu_sum : 0);
  std::fprintf(stderr,
               "  median round's floor ops per CPU-second: protect %.0f, unprotect %.0f; fan-out %u crypto-only "
               "egress %.0f\n",
               floor.protect, floor.unprotect, fanout, fanout_floor);
  std::fprintf(stderr, "  ratio against the protect-only floor %.2f\n", pps / floor.protect);
  const double loops = static_cast<double>(total.busy_loops);
  std::fprintf(stderr, "  feed (%s, ingress) %.0f pps, %.1f packets per busy loop iteration\n", feed.c_str(),
               static_cast<double>(total.ingress) / wall, loops > 0 ? static_cast<double>(total.ingress) / loops : 0.0);
  // What handing the frames to the port cost (net_memif: a copy into memory the generator's core reads next, whose
  // price depends on where the VM's two vCPUs sit; a NIC's DMA takes none of it).
  const double busy_s = static_cast<double>(total.busy_cycles);
  const double tx_share = busy_s > 0 ? static_cast<double>(total.tx_cycles) / busy_s : 0;
  const double pps_wo_tx = tx_share < 1 ? pps / (1 - tx_share) : 0;
  std::fprintf(stderr, "  port tx %.1f %% of the busy time; without it %.0f pps/worker, ratio %.2f\n", 100 * tx_share,
               pps_wo_tx, pps_wo_tx / fanout_floor);
  // Where the median round's busy time went: the engine's own batches (the worker's TSC around each unprotect and
  // protect call) against the forwarding around them, and the engine's speed there against the round's floor.
  std::fprintf(
      stderr,
      "  SRTP engine %.1f %% of the busy time (forwarding around it %.1f %%); per egress packet %.0f ns in the "
      "worker, %.0f ns in the floor (engine at %.2f of its floor speed)\n",
      100 * median.srtp_share, 100 * (1 - median.srtp_share), median.srtp_ns, 1e9 / fanout_floor,
      median.srtp_ns > 0 ? 1e9 / fanout_floor / median.srtp_ns : 0.0);
  for (const auto& [k, v] : st.workers.at(0).drops)
    std::fprintf(stderr, "  drop %s: %lu\n", k.c_str(), v);
  for (const auto& [k, v] : st.workers.at(0).punts)
    std::fprintf(stderr, "  punt %s: %lu\n", k.c_str(), v);
  std::printf("bench-dataplane %s %zuB fanout=%u: %.0f pps/worker, floor %.0f, ratio %.2f\n",
              profileField(engine, *profile).c_str(), size, fanout, pps, fanout_floor, pps / fanout_floor);
  std::fflush(stdout);  // the line is out even if teardown at exit fails
  return 0;
}
