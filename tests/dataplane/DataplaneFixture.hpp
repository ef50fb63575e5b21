// Shared helpers of the dataplane tier: a Dataplane on net_ring ports (media + exception) in this process, frames
// built byte by byte, stock libsrtp2 (LibsrtpReferenceSession) on the "remote peer" side.
#pragma once

#include <arpa/inet.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common/config/DataplaneConfig.hpp"
#include "common/proto/ByteOrder.hpp"
#include "dataplane/Dataplane.hpp"
#include "dataplane/srtp/LibsrtpEngine.hpp"
#include "dataplane/srtp/LibsrtpReferenceSession.hpp"

namespace portunus::dp::test {

using Bytes = std::vector<std::uint8_t>;

inline const MacAddress kClientMac{0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr std::uint32_t kApplianceIp = 0xC6120A01;  // 198.18.10.1
constexpr std::uint32_t kClientIp = 0xC6120A02;     // 198.18.10.2

inline SrtpKeyMaterial keys(SrtpProfile p, std::uint8_t seed) {
  SrtpKeyMaterial k;
  k.profile = p;
  for (std::size_t i = 0; i < k.master_key.size(); ++i)
    k.master_key[i] = static_cast<std::uint8_t>(seed + 7 * i);
  for (std::size_t i = 0; i < k.master_salt.size(); ++i)
    k.master_salt[i] = static_cast<std::uint8_t>(seed ^ (3 * i));
  return k;
}

inline Bytes rtp(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts, std::uint8_t pt, std::size_t payload) {
  Bytes b(12 + payload);
  b[0] = 0x80;
  b[1] = pt;
  proto::store16(&b[2], seq);
  proto::store32(&b[4], ts);
  proto::store32(&b[8], ssrc);
  for (std::size_t i = 0; i < payload; ++i)
    b[12 + i] = static_cast<std::uint8_t>(i * 13 + seq);
  return b;
}

/** Ethernet + IPv4 + UDP around `payload` (client -> appliance unless swapped by the caller). */
inline Bytes frame(const MacAddress& dst, const MacAddress& src, std::uint32_t sip, std::uint16_t sport,
                   std::uint32_t dip, std::uint16_t dport, const Bytes& payload) {
  Bytes f(42 + payload.size());
  std::memcpy(&f[0], dst.data(), 6);
  std::memcpy(&f[6], src.data(), 6);
  f[12] = 0x08;
  f[13] = 0x00;
  f[14] = 0x45;
  proto::store16(&f[16], static_cast<std::uint16_t>(28 + payload.size()));
  f[22] = 64;
  f[23] = 17;
  proto::store32(&f[26], sip);
  proto::store32(&f[30], dip);
  proto::store16(&f[34], sport);
  proto::store16(&f[36], dport);
  proto::store16(&f[38], static_cast<std::uint16_t>(8 + payload.size()));
  std::memcpy(&f[42], payload.data(), payload.size());
  return f;
}

/** Test default: no receiver reports, so the media port carries exactly the forwarded packets. */
inline config::DataplaneConfig quietConfig() {
  config::DataplaneConfig cfg;
  cfg.rr_interval_ms = 0;
  return cfg;
}

/** A running dataplane on ring ports, stopped at scope end. */
class RingDataplane {
 public:
  /** `factory`: each worker gets its own engine from it (else every worker shares `engine`, a LibsrtpEngine). */
  explicit RingDataplane(unsigned workers = 2, config::DataplaneConfig cfg = quietConfig(),
                         const SrtpEngineFactory& factory = {}) {
    static int instance = 0;
    const std::string n = std::to_string(instance++);
    cfg.enabled = true;
    cfg.eal_args = {
        "--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--lcores=0@0,1@1,2@0,3@1", "--log-level=*:warning"};
    cfg.port.driver = "ring";
    cfg.port.device = "pdpm" + n;
    cfg.exception.driver = "ring";
    cfg.exception.name = "pdpx" + n;
    cfg.workers.clear();
    for (unsigned i = 1; i <= workers; ++i)
      cfg.workers.push_back(i);
    if (factory) {
      dp.start(cfg, factory);
    } else {
      dp.start(cfg, engine);
    }
    media_rx = rte_ring_lookup((cfg.port.device + "_rx").c_str());
    media_tx = rte_ring_lookup((cfg.port.device + "_tx").c_str());
    exc_rx = rte_ring_lookup((cfg.exception.name + "_rx").c_str());
    exc_tx = rte_ring_lookup((cfg.exception.name + "_tx").c_str());
    static rte_mempool* shared_pool = nullptr;
    if (!shared_pool) shared_pool = rte_pktmbuf_pool_create("pdp_test_pool", 16383, 256, 0, 2176, 0);
    pool = shared_pool;
  }
  ~RingDataplane() {
    drain(media_tx);
    drain(exc_tx);
    dp.stop();
  }

  /** Frame `f` in an mbuf of the test pool. */
  rte_mbuf* mbufOf(const Bytes& f) const {
    rte_mbuf* m = rte_pktmbuf_alloc(pool);
    if (!m) throw std::runtime_error("test pool empty");
    std::memcpy(rte_pktmbuf_append(m, static_cast<std::uint16_t>(f.size())), f.data(), f.size());
    return m;
  }
  void inject(rte_ring* ring, const Bytes& f) const {
    rte_mbuf* m = mbufOf(f);
    while (rte_ring_enqueue(ring, m) != 0)
      std::this_thread::yield();
  }
  void send(const Bytes& f) const { inject(media_rx, f); }
  /** `frames` onto the media port at once: a worker polling it takes them in one burst (up to kBurst frames) or in
   *  one poll's bursts (up to 128). */
  void sendBurst(const std::vector<Bytes>& frames) const {
    std::vector<rte_mbuf*> ms;
    for (const Bytes& f : frames)
      ms.push_back(mbufOf(f));
    while (rte_ring_enqueue_bulk(media_rx, reinterpret_cast<void* const*>(ms.data()), static_cast<unsigned>(ms.size()),
                                 nullptr) == 0)
      std::this_thread::yield();
  }

  /** Collects frames from `ring` until `count` arrived or `timeout_ms` passed. */
  static std::vector<Bytes> collect(rte_ring* ring, std::size_t count, unsigned timeout_ms = 3000) {
    std::vector<Bytes> out;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
      void* p = nullptr;
      if (rte_ring_dequeue(ring, &p) != 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      auto* m = static_cast<rte_mbuf*>(p);
      const auto* d = rte_pktmbuf_mtod(m, const std::uint8_t*);
      out.emplace_back(d, d + m->data_len);
      rte_pktmbuf_free(m);
    }
    return out;
  }
  static void drain(rte_ring* ring) {
    void* p = nullptr;
    while (ring && rte_ring_dequeue(ring, &p) == 0)
      rte_pktmbuf_free(static_cast<rte_mbuf*>(p));
  }

  LibsrtpEngine engine;
  Dataplane dp;
  rte_ring* media_rx = nullptr;
  rte_ring* media_tx = nullptr;
  rte_ring* exc_rx = nullptr;
  rte_ring* exc_tx = nullptr;
  rte_mempool* pool = nullptr;
};

/** The remote peer of one transport: its UDP port, its keys, stock libsrtp2 sessions. */
struct Peer {
  std::uint16_t port;
  std::uint16_t local_port;  // the appliance's port for this peer
  SrtpKeyMaterial to_appliance;
  SrtpKeyMaterial from_appliance;
  TransportId id = kInvalidId;

  TransportSpec spec(std::uint16_t worker) const {
    TransportSpec s;
    s.local = {kApplianceIp, local_port};
    s.remote = {kClientIp, port};
    s.rx_keys = to_appliance;
    s.tx_keys = from_appliance;
    s.worker = worker;
    return s;
  }
  /** An SRTP (or SRTCP) frame from this peer to the appliance, protected by stock libsrtp2. */
  Bytes protect(LibsrtpReferenceSession& s, Bytes pkt, const MacAddress& dmac, bool rtcp = false) const {
    int len = static_cast<int>(pkt.size());
    pkt.resize(pkt.size() + 64);
    if (s.protect(pkt.data(), len, rtcp) != srtp_err_status_ok) throw std::runtime_error("stock protect failed");
    pkt.resize(static_cast<std::size_t>(len));
    return frame(dmac, kClientMac, kClientIp, port, kApplianceIp, local_port, pkt);
  }
};

/** The UDP payload of a frame the appliance sent, after checking its L2/L3/L4 toward `peer`. */
inline bool payloadTo(const Bytes& f, const Peer& peer, const MacAddress& appliance_mac, Bytes& payload) {
  if (f.size() < 42 || std::memcmp(&f[0], kClientMac.data(), 6) != 0 ||
      std::memcmp(&f[6], appliance_mac.data(), 6) != 0)
    return false;
  if (proto::load32(&f[26]) != kApplianceIp || proto::load32(&f[30]) != kClientIp) return false;
  if (proto::load16(&f[34]) != peer.local_port || proto::load16(&f[36]) != peer.port) return false;
  if (proto::load16(&f[16]) != f.size() - 14 || proto::load16(&f[38]) != f.size() - 34) return false;
  // RFC 791 header checksum: the ones' complement sum of the header's ten 16-bit words, checksum included, is all
  // ones.
  std::uint32_t sum = 0;
  for (std::size_t i = 14; i < 34; i += 2)
    sum += proto::load16(&f[i]);
  while (sum > 0xffff)
    sum = (sum & 0xffff) + (sum >> 16);
  if (sum != 0xffff) return false;
  payload.assign(f.begin() + 42, f.end());
  return true;
}

}  // namespace portunus::dp::test
