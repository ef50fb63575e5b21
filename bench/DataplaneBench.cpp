// bench-dataplane: encrypted-egress packets/s of one worker for a 1 -> N fan-out, fed through net_memif by a
// generator process, next to the same run's crypto floor (the same SRTP engine's protect of the same size in a tight
// burst loop).
//   portunus-bench-dataplane --engine E --profile P --size B --fanout N [--seconds S]  (the appliance; spawns the feed)
//   portunus-bench-dataplane --generator SOCKET --engine E --profile P --size B       (the feed; until SIGTERM)
// E: ipsec-mb | libsrtp2 | auto (dataplane.srtp_engine). Prints, the engine named in the profile field:
//   bench-dataplane <engine>/<profile> <size>B fanout=<N>: <pps> pps/worker, floor <pps>, ratio <r>
#include <dirent.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/config/DataplaneConfig.hpp"
#include "common/proto/ByteOrder.hpp"
#include "dataplane/Dataplane.hpp"
#include "dataplane/srtp/SrtpEngineFactory.hpp"

using namespace portunus;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t kAppliance = 0xC6121401;  // 198.18.20.1
constexpr std::uint32_t kPeer = 0xC6121402;       // 198.18.20.2
constexpr std::uint32_t kSsrc = 0x5EED;
const dp::MacAddress kPeerMac{0x02, 0, 0, 0, 0x20, 0x02};

volatile sig_atomic_t g_stop = 0;
void onTerm(int) {
  g_stop = 1;
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

/** CPU seconds (user + system) consumed so far by the threads of this process named like `name` (the EAL names
 *  worker lcore threads "rte-worker-<id>" / "lcore-worker-<id>"). The VM's CPUs are shared with other work, so
 *  packets per CPU-second of the worker is what "per worker" can mean here. */
double namedThreadsCpuSeconds(const std::string& name) {
  double total = 0;
  DIR* dir = opendir("/proc/self/task");
  if (!dir) return 0;
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    const std::string base = std::string("/proc/self/task/") + e->d_name;
    std::string comm;
    std::getline(std::ifstream(base + "/comm"), comm);
    if (comm.find(name) == std::string::npos) continue;
    std::string stat;
    std::getline(std::ifstream(base + "/stat"), stat);
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    total += (utime + stime) / hz;
  }
  closedir(dir);
  return total;
}

/** The crypto floor: protect `size`-byte RTP packets in bursts of 32, one core, for ~1 s of this thread's CPU. */
double cryptoFloor(const dp::SrtpEngineFactory& factory, dp::SrtpProfile profile, std::size_t size) {
  const std::unique_ptr<dp::SrtpEngine> owned = factory();
  dp::SrtpEngine& engine = *owned;
  auto ctx = engine.createStream(keys(profile, 99), kSsrc, dp::SrtpDirection::Outbound);
  std::vector<std::uint8_t> buf(32 * 2048);
  dp::SrtpOp ops[32];
  std::uint16_t seq = 0;
  std::uint64_t done = 0;
  const double start = threadCpuSeconds();
  double elapsed = 0;
  while (elapsed < 1.0) {
    for (int i = 0; i < 32; ++i) {
      std::uint8_t* p = buf.data() + 2048 * i;
      p[0] = 0x80;
      p[1] = 96;
      proto::store16(p + 2, seq++);
      proto::store32(p + 8, kSsrc);
      ops[i] = dp::SrtpOp{p, static_cast<std::uint32_t>(rtpLength(size)), 2048, ctx.get(), false, dp::SrtpStatus::Ok};
    }
    engine.protect(ops, 32);
    done += 32;
    elapsed = threadCpuSeconds() - start;
  }
  return static_cast<double>(done) / elapsed;
}

/** The profile field of the result line: engine and profile, e.g. ipsec-mb/aes-gcm-128, libsrtp2/aes-cm-sha1-80. */
std::string profileField(const std::string& engine, dp::SrtpProfile profile) {
  const char* p = profile == dp::SrtpProfile::AeadAes128Gcm     ? "aes-gcm-128"
                  : profile == dp::SrtpProfile::AeadAes256Gcm   ? "aes-gcm-256"
                  : profile == dp::SrtpProfile::Aes128CmSha1_80 ? "aes-cm-sha1-80"
                                                                : "aes-cm-sha1-32";
  return engine + "/" + p;
}

int generator(const std::string& socket, const dp::SrtpEngineFactory& factory, dp::SrtpProfile profile,
              std::size_t size) {
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
  const std::unique_ptr<dp::SrtpEngine> owned = factory();  // the feed encrypts with the same engine as the worker
  dp::SrtpEngine& engine = *owned;
  auto ctx = engine.createStream(keys(profile, 1), kSsrc, dp::SrtpDirection::Outbound);
  std::uint16_t seq = 0;
  rte_mbuf* pkts[32];
  dp::SrtpOp ops[32];
  while (!g_stop) {
    if (rte_pktmbuf_alloc_bulk(pool, pkts, 32) == 0) {
      for (int i = 0; i < 32; ++i) {
        std::uint8_t* f = rte_pktmbuf_mtod(pkts[i], std::uint8_t*);
        std::uint8_t* p = f + 42;
        std::memset(p, 0, 12);
        p[0] = 0x80;
        p[1] = 96;
        proto::store16(p + 2, seq);
        proto::store32(p + 4, 90u * seq);
        proto::store32(p + 8, kSsrc);
        ++seq;
        ops[i] = dp::SrtpOp{
            p, static_cast<std::uint32_t>(rtpLength(size)), 2048 - 42 - 128, ctx.get(), false, dp::SrtpStatus::Ok};
      }
      engine.protect(ops, 32);
      for (int i = 0; i < 32; ++i) {
        std::uint8_t* f = rte_pktmbuf_mtod(pkts[i], std::uint8_t*);
        std::memset(f, 0, 6);  // the appliance does not check the destination MAC
        std::memcpy(f + 6, kPeerMac.data(), 6);
        f[12] = 0x08;
        f[13] = 0;
        std::uint8_t* ip = f + 14;
        std::memset(ip, 0, 20);
        ip[0] = 0x45;
        proto::store16(ip + 2, static_cast<std::uint16_t>(28 + ops[i].len));
        ip[8] = 64;
        ip[9] = 17;
        proto::store32(ip + 12, kPeer);
        proto::store32(ip + 16, kAppliance);
        std::uint8_t* udp = ip + 20;
        proto::store16(udp, 5000);
        proto::store16(udp + 2, 40000);
        proto::store16(udp + 4, static_cast<std::uint16_t>(8 + ops[i].len));
        proto::store16(udp + 6, 0);
        pkts[i]->data_len = pkts[i]->pkt_len = static_cast<std::uint16_t>(42 + ops[i].len);
      }
      std::uint16_t sent = 0;
      while (sent < 32 && !g_stop)
        sent += rte_eth_tx_burst(port, 0, pkts + sent, static_cast<std::uint16_t>(32 - sent));
      if (sent < 32) rte_pktmbuf_free_bulk(pkts + sent, 32 - sent);
    }
    std::uint16_t n;
    while ((n = rte_eth_rx_burst(port, 0, pkts, 32)) > 0)
      rte_pktmbuf_free_bulk(pkts, n);
  }
  rte_eth_dev_stop(port);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> o{{"--profile", "SRTP_AEAD_AES_128_GCM"},
                                       {"--size", "1200"},
                                       {"--fanout", "1"},
                                       {"--seconds", "2"},
                                       {"--engine", "auto"}};
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
  const dp::SrtpEngineFactory factory = dp::makeSrtpEngineFactory(engine);
  if (o.count("--generator")) return generator(o["--generator"], factory, *profile, size);

  const unsigned fanout = static_cast<unsigned>(std::stoul(o["--fanout"]));
  const double floor = cryptoFloor(factory, *profile, size);
  const std::string socket = "/tmp/pdp-bench-" + std::to_string(getpid()) + ".sock";
  config::DataplaneConfig cfg;
  cfg.enabled = true;
  cfg.eal_args = {"--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--lcores=0@0,1@1", "--log-level=*:error"};
  cfg.port.driver = "memif";
  cfg.port.device = socket;
  cfg.port.args = "role=server";
  cfg.exception.driver = "none";
  cfg.workers = {1};
  cfg.poll = "busy";
  cfg.mbufs = 16383;
  cfg.rr_interval_ms = 0;
  cfg.srtp_engine = engine;
  dp::Dataplane d;
  d.start(cfg, factory);
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
  d.addInboundStream(is, in);
  for (unsigned i = 0; i < fanout; ++i) {
    dp::TransportSpec sub = pub;
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
  const pid_t child = fork();
  if (child == 0) {
    execl("/proc/self/exe", argv[0], "--generator", socket.c_str(), "--engine", engine.c_str(), "--profile",
          o["--profile"].c_str(), "--size", o["--size"].c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Encrypted egress = frames the worker protected and handed to the port: sent, or refused by a full memif ring
  // (the generator shares a CPU with everything else and cannot always drain; that is the feed's limit, not ours).
  auto egress = [&] {
    const auto w = d.stats().workers.at(0);
    const auto full = w.drops.find("tx_full");
    return w.tx_packets + (full == w.drops.end() ? 0 : full->second);
  };
  auto ingress = [&] { return d.stats().workers.at(0).rx_packets; };
  // Connect + warm up: until the feed flows (memif connects late on a loaded machine), then one more second.
  const auto connect_deadline = Clock::now() + std::chrono::seconds(15);
  while (ingress() == 0 && Clock::now() < connect_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const std::uint64_t e0 = egress(), i0 = ingress();
  const double c0 = namedThreadsCpuSeconds("worker-1");
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(std::stod(o["--seconds"])));
  const std::uint64_t e1 = egress(), i1 = ingress();
  const double c1 = namedThreadsCpuSeconds("worker-1");
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  kill(child, SIGTERM);
  waitpid(child, nullptr, 0);
  const auto st = d.stats();
  d.stop();
  unlink(socket.c_str());
  const double cpu = c1 - c0;
  // Per CPU-second of the worker thread when that is measurable (shared CPUs), else per wall-clock second.
  const double pps = static_cast<double>(e1 - e0) / (cpu > 0.05 ? cpu : secs);
  std::fprintf(stderr, "  egress %.0f pps wall-clock, worker CPU %.2f s of %.2f s\n",
               static_cast<double>(e1 - e0) / secs, cpu, secs);
  std::fprintf(stderr, "  feed (ingress) %.0f pps\n", static_cast<double>(i1 - i0) / secs);
  for (const auto& [k, v] : st.workers.at(0).drops)
    std::fprintf(stderr, "  drop %s: %lu\n", k.c_str(), v);
  std::printf("bench-dataplane %s %zuB fanout=%u: %.0f pps/worker, floor %.0f, ratio %.2f\n",
              profileField(engine, *profile).c_str(), size, fanout, pps, floor, pps / floor);
  return 0;
}
