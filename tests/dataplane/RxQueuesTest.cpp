// Dataplane tier: one media rx queue per worker. A net_ring port with one rx ring per worker: each worker polls
// its own queue, classifies, hands fast-path packets of another worker's transport to that worker and its punts to
// the io worker (the exception interface's one tx queue); every packet is forwarded exactly once, decryptable by
// stock libsrtp2. A net_null port (RSS-capable PMD) gets one RSS queue per worker, each worker receives on its own
// queue, and workerForFlow names the queue owner.
#define BOOST_TEST_MODULE dataplane_rx_queues
#include <boost/test/unit_test.hpp>
#include <thread>

#include "common/proto/PacketDemux.hpp"
#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;
namespace config = portunus::config;

namespace {

/** An echo transport on `worker`: inbound 0x1000+n routed to outbound 0x2000+n. */
Peer echoPeer(RingDataplane& r, std::uint16_t n, std::uint16_t worker) {
  Peer p{static_cast<std::uint16_t>(5000 + n), static_cast<std::uint16_t>(40000 + n),
         keys(SrtpProfile::AeadAes128Gcm, static_cast<std::uint8_t>(20 + 2 * n)),
         keys(SrtpProfile::AeadAes128Gcm, static_cast<std::uint8_t>(21 + 2 * n))};
  BOOST_REQUIRE(r.dp.addTransport(p.spec(worker), p.id) == ApiStatus::Ok);
  StreamId in = 0, out = 0;
  RouteId route = 0;
  InboundStreamSpec is;
  is.transport = p.id;
  is.ssrc = 0x1000u + n;
  BOOST_REQUIRE(r.dp.addInboundStream(is, in) == ApiStatus::Ok);
  OutboundStreamSpec os;
  os.transport = p.id;
  os.ssrc = 0x2000u + n;
  BOOST_REQUIRE(r.dp.addOutboundStream(os, out) == ApiStatus::Ok);
  BOOST_REQUIRE(r.dp.addRoute(RouteSpec{in, out, {}}, route) == ApiStatus::Ok);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(each_worker_polls_its_own_ring_and_hands_off_the_rest) {
  RingDataplane r(2);
  rte_ring* rx1 = rte_ring_lookup((std::string(r.media_rx->name) + "1").c_str());
  BOOST_REQUIRE_MESSAGE(rx1 != nullptr, "no second rx ring next to " << r.media_rx->name);
  const MacAddress mac = r.dp.mediaMac();
  const Peer a = echoPeer(r, 0, 0);  // owned by worker 0 (the io worker)
  const Peer b = echoPeer(r, 1, 1);  // owned by worker 1
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx_a(a.to_appliance, 0x1000, SrtpDirection::Outbound);
  LibsrtpReferenceSession tx_b(b.to_appliance, 0x1001, SrtpDirection::Outbound);
  constexpr int kPackets = 20;
  for (int i = 0; i < kPackets; ++i) {
    const auto seq = static_cast<std::uint16_t>(i);
    r.inject(rx1, a.protect(tx_a, rtp(0x1000, seq, 90u * i, 96, 200), mac));  // worker 1 -> worker 0
    r.inject(i % 2 ? rx1 : r.media_rx, b.protect(tx_b, rtp(0x1001, seq, 90u * i, 96, 200), mac));  // both queues
  }
  Bytes arp(42, 0);
  std::memset(arp.data(), 0xff, 6);
  std::memcpy(&arp[6], kClientMac.data(), 6);
  arp[12] = 0x08;
  arp[13] = 0x06;
  r.inject(rx1, arp);  // punted by worker 1 through the io worker
  const auto frames = RingDataplane::collect(r.media_tx, 2 * kPackets);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(2 * kPackets));
  LibsrtpReferenceSession rx_a(a.from_appliance, 0x2000, SrtpDirection::Inbound);
  LibsrtpReferenceSession rx_b(b.from_appliance, 0x2001, SrtpDirection::Inbound);
  int got[2] = {0, 0};
  for (const Bytes& f : frames) {
    const int n = proto::load16(&f[36]) - 5000;
    BOOST_REQUIRE(n == 0 || n == 1);
    const Peer& p = n == 0 ? a : b;
    Bytes payload;
    BOOST_REQUIRE(payloadTo(f, p, mac, payload));
    int len = static_cast<int>(payload.size());
    BOOST_REQUIRE((n == 0 ? rx_a : rx_b).unprotect(payload.data(), len, false) == srtp_err_status_ok);
    BOOST_TEST(proto::load32(&payload[8]) == 0x2000u + n);
    ++got[n];
  }
  BOOST_TEST(got[0] == kPackets);
  BOOST_TEST(got[1] == kPackets);
  const auto punted = RingDataplane::collect(r.exc_tx, 1);
  BOOST_REQUIRE_EQUAL(punted.size(), 1u);
  BOOST_TEST(punted[0] == arp);
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 100).empty());  // nothing twice
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.workers.at(0).rx_packets == static_cast<std::uint64_t>(kPackets / 2));
  BOOST_TEST(st.workers.at(1).rx_packets == static_cast<std::uint64_t>(kPackets + kPackets / 2 + 1));
  BOOST_TEST(st.punt("arp") == 1u);
  BOOST_TEST(st.workers.at(1).exception_out == 1u);
  BOOST_TEST(st.drop("stale_flow") == 0u);
}

BOOST_AUTO_TEST_CASE(rss_port_gets_a_queue_per_worker) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.enabled = true;
  cfg.eal_args = {"--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--lcores=0@0,1@1,2@0,3@1"};
  cfg.port.driver = "null";
  cfg.port.args = "size=64";
  cfg.exception.driver = "none";
  cfg.workers = {1, 2};
  cfg.mbufs = 4095;
  cfg.mbuf_cache = 64;
  LibsrtpEngine engine;
  Dataplane d;
  d.start(cfg, engine);
  const auto w = d.workerForFlow({kApplianceIp, 40000}, {kClientIp, 5000});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const StatsSnapshot st = d.stats();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const StatsSnapshot later = d.stats();
  d.stop();
  BOOST_REQUIRE(w.has_value());  // RSS: the queue owner is known
  BOOST_TEST(*w < 2u);
  // net_null fills every queue it is polled on: both workers received on their own queue.
  BOOST_TEST(st.workers.at(0).rx_packets > 1000u);
  BOOST_TEST(st.workers.at(1).rx_packets > 1000u);
  // Every non-IPv4 frame is punted and, with no exception interface, dropped right after: the two counters move
  // together. A snapshot reads them one after the other while the workers run (a preempted or sanitized reader lets
  // thousands of frames through in between), so each is checked against the other one in a later snapshot: every
  // frame punted by the first was dropped by the second (but the one in hand per worker), and the other way round.
  const std::uint64_t punted = st.punt("non_ipv4"), dropped = st.drop("no_exception");
  BOOST_TEST(punted > 1000u);
  BOOST_TEST(dropped > 1000u);
  BOOST_TEST(later.drop("no_exception") + 2u >= punted);
  BOOST_TEST(later.punt("non_ipv4") >= dropped);
}

namespace {

/** Worker `w`'s hand-off ring (pdp_ho<instance>_<w>; a stopped dataplane frees its rings, so one instance is left). */
rte_ring* handoffRing(unsigned w) {
  for (int instance = 1000; instance >= 0; --instance)
    if (rte_ring* r = rte_ring_lookup(("pdp_ho" + std::to_string(instance) + "_" + std::to_string(w)).c_str()))
      return r;
  return nullptr;
}

/** `f` (an Ethernet/IPv4/UDP frame of RTP) on worker `w`'s hand-off ring as another worker's classifier leaves it:
 *  header lengths, kind and the owner's table slot `slot` in the mbuf. */
void handOff(RingDataplane& r, unsigned w, const Bytes& f, std::uint32_t slot) {
  rte_ring* ring = handoffRing(w);
  BOOST_REQUIRE(ring != nullptr);
  rte_mbuf* m = rte_pktmbuf_alloc(r.pool);
  BOOST_REQUIRE(m != nullptr);
  std::memcpy(rte_pktmbuf_append(m, static_cast<std::uint16_t>(f.size())), f.data(), f.size());
  m->l2_len = 14;
  m->l3_len = 20;
  m->packet_type = static_cast<std::uint32_t>(proto::PacketKind::Rtp);
  m->hash.usr = slot;
  while (rte_ring_mp_enqueue(ring, m) != 0)  // the workers enqueue MP too (one rx queue each)
    std::this_thread::yield();
}

/** Waits until the workers' stale_flow drops reach `n` (or 3 s pass); returns the count. */
std::uint64_t staleDrops(RingDataplane& r, std::uint64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  std::uint64_t got = 0;
  while ((got = r.dp.stats().drop("stale_flow")) < n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return got;
}

}  // namespace

// A frame classified by one worker carries the owner's table slot across the hand-off ring; if the transport in that
// slot was removed, or the slot re-used by another transport, meanwhile, the owner drops it as stale_flow (counted)
// instead of decrypting it with another transport's keys. Every slot is tried: only the transport's own one admits.
BOOST_AUTO_TEST_CASE(handed_off_frames_for_a_slot_that_no_longer_carries_their_flow_are_stale_drops) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.max_transports = 8;
  RingDataplane r(2, cfg);
  const MacAddress mac = r.dp.mediaMac();
  const Peer a = echoPeer(r, 0, 0);
  const Peer b = echoPeer(r, 1, 0);
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx_a(a.to_appliance, 0x1000, SrtpDirection::Outbound);
  std::uint16_t seq = 0;
  auto nextFrame = [&] {
    ++seq;
    return a.protect(tx_a, rtp(0x1000, seq, 90u * seq, 96, 160), mac);
  };
  // Slots 0..7 and two past the table: one admits (a's own, forwarded and decryptable), nine are stale.
  const std::uint32_t slots[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0xffffffffu};
  for (std::uint32_t s : slots)
    handOff(r, 0, nextFrame(), s);
  BOOST_TEST(staleDrops(r, 9) == 9u);
  auto frames = RingDataplane::collect(r.media_tx, 1);
  BOOST_REQUIRE_EQUAL(frames.size(), 1u);
  LibsrtpReferenceSession rx_a(a.from_appliance, 0x2000, SrtpDirection::Inbound);
  Bytes payload;
  BOOST_REQUIRE(payloadTo(frames[0], a, mac, payload));
  int len = static_cast<int>(payload.size());
  BOOST_TEST(rx_a.unprotect(payload.data(), len, false) == srtp_err_status_ok);
  // a removed: its slot is empty; then c added, taking the freed slot with another flow. No slot admits a's frames.
  BOOST_REQUIRE(r.dp.removeTransport(a.id) == ApiStatus::Ok);
  BOOST_REQUIRE(r.dp.sync());
  for (std::uint32_t s : slots)
    handOff(r, 0, nextFrame(), s);
  BOOST_TEST(staleDrops(r, 19) == 19u);
  const Peer c = echoPeer(r, 2, 0);
  BOOST_REQUIRE(r.dp.sync());
  for (std::uint32_t s : slots)
    handOff(r, 0, nextFrame(), s);
  BOOST_TEST(staleDrops(r, 29) == 29u);
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 200).empty());
  // The other transports were not touched: b's and c's own frames still go through the port.
  LibsrtpReferenceSession tx_b(b.to_appliance, 0x1001, SrtpDirection::Outbound);
  LibsrtpReferenceSession tx_c(c.to_appliance, 0x1002, SrtpDirection::Outbound);
  r.send(b.protect(tx_b, rtp(0x1001, 1, 90, 96, 160), mac));
  r.send(c.protect(tx_c, rtp(0x1002, 1, 90, 96, 160), mac));
  frames = RingDataplane::collect(r.media_tx, 2);
  BOOST_TEST(frames.size() == 2u);
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.drop("stale_flow") == 29u);
  BOOST_TEST(st.workers.at(0).handoff_in == 3u);  // admitted: a's frame in its own slot, b's and c's
}
