// Dataplane tier: real EAL, real mbufs, net_ring media and exception ports, pre-keyed flows. The remote peers are
// stock libsrtp2 (its NSS transforms); the dataplane runs LibsrtpEngine (OpenSSL transforms).
#define BOOST_TEST_MODULE dataplane_forwarding
#include <rte_eal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>

#include "common/proto/RtcpPacket.hpp"
#include "common/proto/RtpPacket.hpp"
#include "dataplane/Worker.hpp"
#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;
namespace config = portunus::config;

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, ApiStatus s) {
  return os << apiStatusName(s);
}
std::ostream& operator<<(std::ostream& os, SrtpProfile p) {
  return os << profileName(p);
}
}  // namespace portunus::dp

namespace {

const SrtpProfile kProfiles[] = {SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm, SrtpProfile::Aes128CmSha1_80,
                                 SrtpProfile::Aes128CmSha1_32};

Peer peer(SrtpProfile p, std::uint16_t n) {
  return Peer{static_cast<std::uint16_t>(5000 + n), static_cast<std::uint16_t>(40000 + n),
              keys(p, static_cast<std::uint8_t>(2 * n + 1)), keys(p, static_cast<std::uint8_t>(2 * n + 2))};
}

void ok(ApiStatus s) {
  BOOST_REQUIRE_MESSAGE(s == ApiStatus::Ok, "API status " << apiStatusName(s));
}

/** A publisher: `pub`'s transport on `worker` with one inbound stream of `ssrc`. */
StreamId addPublisher(RingDataplane& r, Peer& pub, std::uint32_t ssrc, std::uint16_t worker = 0) {
  ok(r.dp.addTransport(pub.spec(worker), pub.id));
  InboundStreamSpec is;
  is.transport = pub.id;
  is.ssrc = ssrc;
  StreamId in = 0;
  ok(r.dp.addInboundStream(is, in));
  return in;
}

/** One subscriber stream of `ssrc` on transport `to`, routed from `in`. */
StreamId addRoutedStream(RingDataplane& r, StreamId in, TransportId to, std::uint32_t ssrc) {
  OutboundStreamSpec os;
  os.transport = to;
  os.ssrc = ssrc;
  StreamId out = 0;
  RouteId rid = 0;
  ok(r.dp.addOutboundStream(os, out));
  ok(r.dp.addRoute(RouteSpec{in, out, {}}, rid));
  return out;
}

struct Decoded {
  proto::RtpPacket rtp;
  Bytes bytes;
};

/** Unprotects an appliance frame for `p` with a stock session, parses the RTP. */
bool decode(const Bytes& f, const Peer& p, const MacAddress& mac, LibsrtpReferenceSession& s, Decoded& out) {
  if (!payloadTo(f, p, mac, out.bytes)) return false;
  int len = static_cast<int>(out.bytes.size());
  if (s.unprotect(out.bytes.data(), len, false) != srtp_err_status_ok) return false;
  out.bytes.resize(static_cast<std::size_t>(len));
  return out.rtp.parse(out.bytes.data(), out.bytes.size()) == proto::RtpParseStatus::Ok;
}

}  // namespace

BOOST_DATA_TEST_CASE(echo_route_is_decryptable_by_stock_libsrtp, boost::unit_test::data::make(kProfiles), profile) {
  RingDataplane r(2);
  const MacAddress mac = r.dp.mediaMac();
  Peer a = peer(profile, 1);
  TransportSpec ts = a.spec(1);  // worker 1: handed off from the io worker
  ok(r.dp.addTransport(ts, a.id));
  StreamId in = 0, out = 0;
  RouteId route = 0;
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0x1111;
  ok(r.dp.addInboundStream(is, in));
  OutboundStreamSpec os;
  os.transport = a.id;
  os.ssrc = 0x2222;
  ok(r.dp.addOutboundStream(os, out));
  RouteSpec rs;
  rs.in = in;
  rs.out = out;
  rs.pt_map = {{96, 100}};
  ok(r.dp.addRoute(rs, route));
  BOOST_REQUIRE(r.dp.sync());

  BOOST_TEST_MESSAGE("stock cipher: " << currentLibsrtpCipherDescription(profile));
  LibsrtpReferenceSession tx(a.to_appliance, 0x1111, SrtpDirection::Outbound);
  LibsrtpReferenceSession rx(a.from_appliance, 0x2222, SrtpDirection::Inbound);
  BOOST_TEST(tx.stock());
  constexpr int kPackets = 20;
  for (int i = 0; i < kPackets; ++i)
    r.send(a.protect(tx, rtp(0x1111, static_cast<std::uint16_t>(65530 + i), 1000u + 3000u * i, 96, 160 + i), mac));
  const auto frames = RingDataplane::collect(r.media_tx, kPackets);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kPackets));
  for (int i = 0; i < kPackets; ++i) {
    Decoded d;
    BOOST_REQUIRE(decode(frames[i], a, mac, rx, d));
    BOOST_TEST(d.rtp.ssrc == 0x2222u);
    BOOST_TEST(d.rtp.sequence == static_cast<std::uint16_t>(65530 + i));  // the first route keeps the numbering
    BOOST_TEST(d.rtp.timestamp == 1000u + 3000u * i);
    BOOST_TEST(d.rtp.payload_type == 100);
    const Bytes expect = rtp(0x1111, static_cast<std::uint16_t>(65530 + i), 0, 96, 160 + i);
    BOOST_TEST(Bytes(d.bytes.begin() + 12, d.bytes.end()) == Bytes(expect.begin() + 12, expect.end()));
  }
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.streams.at(in).packets_in == static_cast<std::uint64_t>(kPackets));
  BOOST_TEST(st.streams.at(out).packets_out == static_cast<std::uint64_t>(kPackets));
  BOOST_TEST(st.transports.at(a.id).packets_out == static_cast<std::uint64_t>(kPackets));
  // Bytes out: the SRTP packets as they left (UDP payloads), counted before the protect for its known overhead.
  std::uint64_t srtp_bytes = 0;
  for (const Bytes& f : frames)
    srtp_bytes += f.size() - 42;
  BOOST_TEST(st.streams.at(out).bytes_out == srtp_bytes);
  BOOST_TEST(st.transports.at(a.id).bytes_out == srtp_bytes);
  std::vector<Event> ev;
  r.dp.pollEvents(ev);
  bool first = false;
  for (const Event& e : ev)
    first = first || (e.type == EventType::FirstPacket && e.id == in);
  BOOST_TEST(first);
}

BOOST_DATA_TEST_CASE(fan_out_one_to_fifty,
                     boost::unit_test::data::make({SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}),
                     profile) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.mbufs = 16383;
  RingDataplane r(2, cfg);
  const MacAddress mac = r.dp.mediaMac();
  Peer pub = peer(profile, 0);
  const StreamId in = addPublisher(r, pub, 0xA0A0, 1);
  constexpr int kSubs = 50;
  std::vector<Peer> subs;
  std::vector<std::unique_ptr<LibsrtpReferenceSession>> rx;
  for (int i = 0; i < kSubs; ++i) {
    subs.push_back(peer(profile, static_cast<std::uint16_t>(100 + i)));
    ok(r.dp.addTransport(subs.back().spec(1), subs.back().id));
    addRoutedStream(r, in, subs.back().id, 0xB000u + i);
    rx.push_back(
        std::make_unique<LibsrtpReferenceSession>(subs.back().from_appliance, 0xB000u + i, SrtpDirection::Inbound));
  }
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx(pub.to_appliance, 0xA0A0, SrtpDirection::Outbound);
  constexpr int kPackets = 10;
  for (int i = 0; i < kPackets; ++i)
    r.send(pub.protect(tx, rtp(0xA0A0, static_cast<std::uint16_t>(i), 90u * i, 96, 1100), mac));
  const auto frames = RingDataplane::collect(r.media_tx, kSubs * kPackets, 10000);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kSubs * kPackets));
  std::map<int, int> per_sub;
  for (const Bytes& f : frames) {
    const int sub = proto::load16(&f[36]) - 5100;
    BOOST_REQUIRE(sub >= 0 && sub < kSubs);
    Decoded d;
    BOOST_REQUIRE(decode(f, subs[sub], mac, *rx[sub], d));
    BOOST_TEST(d.rtp.ssrc == 0xB000u + sub);
    BOOST_TEST(d.rtp.sequence == per_sub[sub]);
    BOOST_TEST(d.rtp.timestamp == 90u * per_sub[sub]);
    ++per_sub[sub];
  }
  BOOST_TEST(per_sub.size() == static_cast<std::size_t>(kSubs));
}

BOOST_AUTO_TEST_CASE(copies_toward_a_remote_with_no_known_mac_are_dropped_and_counted) {
  // Two subscribers: one behind the publisher's address (its MAC learned from the publisher's frames), one on an
  // address nothing was received from. The second's copies are a no_l2 drop on its transport, never counted out;
  // the first gets every packet, its bytes counted as they left.
  RingDataplane r(1);
  const MacAddress mac = r.dp.mediaMac();
  Peer pub = peer(SrtpProfile::AeadAes128Gcm, 0);
  const StreamId in = addPublisher(r, pub, 0xA0A0);
  Peer known = peer(SrtpProfile::AeadAes128Gcm, 1);
  ok(r.dp.addTransport(known.spec(0), known.id));
  const StreamId known_out = addRoutedStream(r, in, known.id, 0xB001);
  Peer silent = peer(SrtpProfile::AeadAes128Gcm, 2);
  TransportSpec spec = silent.spec(0);
  spec.remote.ip = kClientIp + 7;  // 198.18.10.9: never a source of anything the appliance received
  ok(r.dp.addTransport(spec, silent.id));
  const StreamId silent_out = addRoutedStream(r, in, silent.id, 0xB002);
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx(pub.to_appliance, 0xA0A0, SrtpDirection::Outbound);
  constexpr int kPackets = 5;
  for (int i = 0; i < kPackets; ++i)
    r.send(pub.protect(tx, rtp(0xA0A0, static_cast<std::uint16_t>(i), 90u * i, 96, 200), mac));
  const auto frames = RingDataplane::collect(r.media_tx, kPackets + 1, 1000);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kPackets));
  std::uint64_t bytes = 0;
  for (const Bytes& f : frames) {
    Bytes payload;
    BOOST_TEST(payloadTo(f, known, mac, payload));
    bytes += payload.size();
  }
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.transports.at(known.id).packets_out == static_cast<std::uint64_t>(kPackets));
  BOOST_TEST(st.streams.at(known_out).bytes_out == bytes);
  const CounterSnapshot& s = st.transports.at(silent.id);
  BOOST_TEST(s.packets_out == 0u);
  BOOST_TEST(s.bytes_out == 0u);
  BOOST_TEST(st.streams.at(silent_out).packets_out == 0u);
  BOOST_TEST(s.drops.count("no_l2") == 1u);
  if (s.drops.count("no_l2")) BOOST_TEST(s.drops.at("no_l2") == static_cast<std::uint64_t>(kPackets));
}

BOOST_AUTO_TEST_CASE(fan_out_to_the_per_stream_limit_then_a_clear_table_full) {
  // A webinar: one inbound stream to kMaxRoutesPerStream (1024) subscriber streams, 16 on each of 64 transports;
  // every copy arrives with its own SSRC and sequence; one more route is refused with TableFull.
  config::DataplaneConfig cfg = quietConfig();
  cfg.mbufs = 16383;
  RingDataplane r(1, cfg);
  const MacAddress mac = r.dp.mediaMac();
  Peer pub = peer(SrtpProfile::AeadAes128Gcm, 0);
  const StreamId in = addPublisher(r, pub, 0xA0A0);
  // dataplane/Tables.hpp: kMaxRoutesPerStream = 1024, kMaxStreamsPerTransport = 16.
  constexpr int kTransports = 64, kPerTransport = 16, kRoutes = kTransports * kPerTransport;
  std::vector<Peer> subs;
  for (int t = 0; t < kTransports; ++t) {
    subs.push_back(peer(SrtpProfile::AeadAes128Gcm, static_cast<std::uint16_t>(100 + t)));
    ok(r.dp.addTransport(subs.back().spec(0), subs.back().id));
    for (int k = 0; k < kPerTransport; ++k)
      addRoutedStream(r, in, subs.back().id, 0x10000u * (t + 1) + k);
  }
  Peer extra = peer(SrtpProfile::AeadAes128Gcm, 99);
  ok(r.dp.addTransport(extra.spec(0), extra.id));
  OutboundStreamSpec os;
  os.transport = extra.id;
  os.ssrc = 0xEEEE;
  StreamId out = 0;
  RouteId rid = 0;
  ok(r.dp.addOutboundStream(os, out));
  BOOST_TEST(r.dp.addRoute(RouteSpec{in, out, {}}, rid) == ApiStatus::TableFull);
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx(pub.to_appliance, 0xA0A0, SrtpDirection::Outbound);
  constexpr int kPackets = 2;
  for (int i = 0; i < kPackets; ++i)
    r.send(pub.protect(tx, rtp(0xA0A0, static_cast<std::uint16_t>(i), 90u * i, 96, 300), mac));
  const auto frames = RingDataplane::collect(r.media_tx, kRoutes * kPackets, 20000);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kRoutes * kPackets));
  // Every copy: L2-L4 toward its transport, its SSRC and continuous sequence (the RTP header is plain in SRTP); the
  // first stream of each transport also decrypted by stock libsrtp2 (a stock session costs ~30 ms to make).
  std::map<std::uint32_t, int> per_ssrc;
  std::map<int, std::unique_ptr<LibsrtpReferenceSession>> rx;
  int decrypted = 0;
  for (const Bytes& f : frames) {
    const int t = proto::load16(&f[36]) - 5100;
    BOOST_REQUIRE(t >= 0 && t < kTransports);
    Bytes payload;
    BOOST_REQUIRE(payloadTo(f, subs[t], mac, payload));
    const std::uint32_t ssrc = proto::load32(&payload[8]);
    BOOST_REQUIRE(ssrc / 0x10000u == static_cast<std::uint32_t>(t + 1));
    BOOST_TEST(proto::load16(&payload[2]) == per_ssrc[ssrc]);
    ++per_ssrc[ssrc];
    if (ssrc % 0x10000u != 0) continue;
    auto& session = rx[t];
    if (!session)
      session = std::make_unique<LibsrtpReferenceSession>(subs[t].from_appliance, ssrc, SrtpDirection::Inbound);
    Decoded d;
    BOOST_REQUIRE(decode(f, subs[t], mac, *session, d));
    ++decrypted;
  }
  BOOST_TEST(decrypted == kTransports * kPackets);
  BOOST_TEST(per_ssrc.size() == static_cast<std::size_t>(kRoutes));
  BOOST_TEST(r.dp.stats().drop("tx_full") == 0u);
}

/** Two peers (AES-GCM and AES-CM/HMAC-SHA1), peer `w` publishing SSRC 0x100 + w on worker `workers[w]`, routed
 *  back to it as SSRC 0x200 + w: their stock senders and receivers. `shared_port`: both on peer 0's local port. */
struct TwoPeers {
  MacAddress mac;
  Peer p[2] = {peer(SrtpProfile::AeadAes128Gcm, 1), peer(SrtpProfile::Aes128CmSha1_80, 2)};
  std::unique_ptr<LibsrtpReferenceSession> tx[2], rx[2];
  StreamId in[2] = {0, 0};

  TwoPeers(RingDataplane& r, std::array<std::uint16_t, 2> workers, bool shared_port = false) : mac(r.dp.mediaMac()) {
    if (shared_port) p[1].local_port = p[0].local_port;
    for (int w = 0; w < 2; ++w) {
      in[w] = addPublisher(r, p[w], 0x100u + w, workers[static_cast<std::size_t>(w)]);
      addRoutedStream(r, in[w], p[w].id, 0x200u + w);
      tx[w] = std::make_unique<LibsrtpReferenceSession>(p[w].to_appliance, 0x100u + w, SrtpDirection::Outbound);
      rx[w] = std::make_unique<LibsrtpReferenceSession>(p[w].from_appliance, 0x200u + w, SrtpDirection::Inbound);
    }
    BOOST_REQUIRE(r.dp.sync());
  }
  /** Peer `w`'s RTP packet `seq` with `payload` bytes, protected, in a frame to the appliance. */
  Bytes frame(int w, std::uint16_t seq, std::size_t payload) {
    return p[w].protect(*tx[w], rtp(0x100u + w, seq, 0, 111, payload), mac);
  }
  /** The peer a copy `f` went to (by its UDP port), its RTP decoded into `d` by that peer's receiver. */
  int decodeCopy(const Bytes& f, Decoded& d) {
    const int w = proto::load16(&f[36]) - 5001;
    BOOST_REQUIRE(w == 0 || w == 1);
    BOOST_REQUIRE(decode(f, p[w], mac, *rx[w], d));
    BOOST_TEST(d.rtp.ssrc == 0x200u + w);
    return w;
  }
};

BOOST_AUTO_TEST_CASE(transports_on_two_workers_forward_independently) {
  RingDataplane r(2);
  TwoPeers two(r, {0, 1});
  for (int i = 0; i < 40; ++i)
    r.send(two.frame(i % 2, static_cast<std::uint16_t>(i / 2), 80));
  const auto frames = RingDataplane::collect(r.media_tx, 40);
  BOOST_REQUIRE_EQUAL(frames.size(), 40u);
  int got[2] = {0, 0};
  for (const Bytes& f : frames) {
    Decoded d;
    ++got[two.decodeCopy(f, d)];
  }
  BOOST_TEST(got[0] == 20);
  BOOST_TEST(got[1] == 20);
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.workers.at(0).handoff_in == 20u);
  BOOST_TEST(st.workers.at(1).handoff_in == 20u);
  for (const auto& w : st.workers) {  // each sent its 20 copies: the port's tx and the SRTP time are busy time
    BOOST_TEST(w.tx_cycles > 0u);
    BOOST_TEST(w.srtp_cycles > 0u);
    BOOST_TEST(w.tx_cycles + w.srtp_cycles <= w.busy_cycles);
  }
}

BOOST_AUTO_TEST_CASE(one_burst_of_alternating_flows_and_a_moved_source_is_forwarded_frame_by_frame) {
  // One worker: the io worker owns both transports, so a run of one flow's frames in a burst is classified and
  // admitted by its first frame (sameFlow, the run's transport); a frame whose source MAC moved starts a run.
  RingDataplane r(1);
  TwoPeers two(r, {0, 0});
  const MacAddress moved{0x02, 0x00, 0x00, 0x00, 0x00, 0x77};
  // One rx burst (kBurst, 16 frames): runs of three frames, the peers alternating; peer 0's source MAC moves in the
  // middle of its last run (frame 13): the moved frame starts a run of its own, or the move would go unnoticed.
  constexpr int kFrames = kBurst;
  std::vector<Bytes> burst;
  std::uint16_t seq[2] = {0, 0};
  for (int i = 0; i < kFrames; ++i) {
    const int w = (i / 3) % 2;
    Bytes f = two.frame(w, seq[w]++, static_cast<std::size_t>(60 + i));
    if (w == 0 && i >= 13) std::memcpy(&f[6], moved.data(), 6);
    burst.push_back(f);
  }
  r.sendBurst(burst);
  const auto frames = RingDataplane::collect(r.media_tx, kFrames);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kFrames));
  std::uint16_t next[2] = {0, 0};
  for (Bytes f : frames) {
    const int w = proto::load16(&f[36]) - 5001;
    // Peer 0's copies go to where it moved: the whole burst was admitted (its sources learned) before its batch was
    // unprotected and forwarded.
    const MacAddress& to = w == 0 ? moved : kClientMac;
    BOOST_TEST(std::memcmp(&f[0], to.data(), 6) == 0);
    std::memcpy(&f[0], kClientMac.data(), 6);
    Decoded d;
    BOOST_REQUIRE_EQUAL(two.decodeCopy(f, d), w);
    BOOST_TEST(d.rtp.sequence == next[w]++);
  }
  BOOST_TEST(next[0] == 9);  // frames 0-2, 6-8, 12-14
  BOOST_TEST(next[1] == 7);
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.workers.at(0).handoff_in == static_cast<std::uint64_t>(kFrames));
  for (int w = 0; w < 2; ++w) {
    BOOST_TEST(st.transports.at(two.p[w].id).packets_in == next[w]);
    BOOST_TEST(st.streams.at(two.in[w]).packets_in == next[w]);
  }
}

BOOST_AUTO_TEST_CASE(runs_of_another_workers_flow_in_one_burst_are_handed_off_whole) {
  // Two workers: the io worker (0) classifies every frame; runs of worker 1's flow, classified by their first frame
  // (sameFlow), go to worker 1's hand-off ring with their whole classification: each frame its own length and kind
  // (an SR in the middle of a run is RTCP, the RTP around it RTP).
  RingDataplane r(2);
  TwoPeers two(r, {0, 1});
  LibsrtpReferenceSession sr_tx(two.p[1].to_appliance, 0x101, SrtpDirection::Outbound);
  constexpr int kRtp = 30;
  std::vector<Bytes> burst;
  std::map<std::pair<int, std::uint16_t>, std::size_t> length;  // (peer, sequence number) -> payload length
  std::uint16_t seq[2] = {0, 0};
  for (int i = 0; i < kRtp; ++i) {
    const int w = (i / 5) % 2;
    length[{w, seq[w]}] = 40 + 3 * static_cast<std::size_t>(i);
    burst.push_back(two.frame(w, seq[w]++, 40 + 3 * static_cast<std::size_t>(i)));
    if (i == 6) {  // peer 1's first run: its publisher's SR after its second packet
      Bytes sr(28);
      BOOST_REQUIRE_EQUAL(proto::buildSr(sr.data(), sr.size(), 0x101, 0x0102030405060708ull, 90000, 2, 100), 28u);
      burst.push_back(two.p[1].protect(sr_tx, sr, two.mac, true));
    }
  }
  r.sendBurst(burst);
  const auto frames = RingDataplane::collect(r.media_tx, kRtp);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kRtp));
  std::uint16_t next[2] = {0, 0};
  for (const Bytes& f : frames) {
    Decoded d;
    const int w = two.decodeCopy(f, d);
    BOOST_TEST(d.rtp.sequence == next[w]);
    BOOST_TEST(d.rtp.payload_length == length.at({w, next[w]}));
    ++next[w];
  }
  BOOST_TEST(next[0] == 15);
  BOOST_TEST(next[1] == 15);
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.workers.at(0).handoff_in == 15u);
  BOOST_TEST(st.workers.at(1).handoff_in == 16u);
  BOOST_TEST(st.workers.at(1).rtcp_in == 1u);
  for (int w = 0; w < 2; ++w) {
    BOOST_TEST(st.streams.at(two.in[w]).packets_in == 15u);
    BOOST_TEST(st.transports.at(two.p[w].id).drops.empty());
  }
}

BOOST_AUTO_TEST_CASE(runs_of_unknown_flows_and_of_a_shared_ports_flows_in_one_burst) {
  // One burst of runs: two peers' flows on one local port (the port index sends them to the directory's bulk
  // lookup), an unknown flow on that port and one on a port of no flow. Every frame of a run goes where its first
  // one went: the known flows' forwarded in order, the unknown ones' punted unchanged.
  RingDataplane r(1);
  TwoPeers two(r, {0, 0}, true);
  std::vector<Bytes> burst, unknown;
  std::uint16_t seq[2] = {0, 0};
  for (int i = 0; i < 4; ++i)
    burst.push_back(two.frame(0, seq[0]++, 60));
  for (int i = 0; i < 4; ++i)
    burst.push_back(two.frame(1, seq[1]++, 70));
  for (int i = 0; i < 2; ++i)  // an unknown flow on the shared port
    unknown.push_back(frame(two.mac, kClientMac, kClientIp, 5009, kApplianceIp, two.p[0].local_port,
                            rtp(0xC1, static_cast<std::uint16_t>(i), 0, 96, 40)));
  for (int i = 0; i < 3; ++i)  // one on a port of no flow
    unknown.push_back(frame(two.mac, kClientMac, kClientIp, 5010, kApplianceIp, 9,
                            rtp(0xC2, static_cast<std::uint16_t>(i), 0, 96, 40)));
  burst.insert(burst.end(), unknown.begin(), unknown.end());
  for (int i = 0; i < 3; ++i)
    burst.push_back(two.frame(0, seq[0]++, 60));
  r.sendBurst(burst);
  const auto frames = RingDataplane::collect(r.media_tx, 11);
  BOOST_REQUIRE_EQUAL(frames.size(), 11u);
  std::uint16_t next[2] = {0, 0};
  for (const Bytes& f : frames) {
    Decoded d;
    const int w = two.decodeCopy(f, d);
    BOOST_TEST(d.rtp.sequence == next[w]++);
    BOOST_TEST(d.rtp.payload_length == (w == 0 ? 60u : 70u));
  }
  BOOST_TEST(next[0] == 7);
  BOOST_TEST(next[1] == 4);
  // The port of no flow's at once, the shared port's after the bulk lookup.
  const auto punted = RingDataplane::collect(r.exc_tx, unknown.size());
  BOOST_REQUIRE_EQUAL(punted.size(), unknown.size());
  for (std::size_t i = 0; i < punted.size(); ++i)
    BOOST_TEST(punted[i] == unknown[(i + 2) % unknown.size()]);
  BOOST_TEST(r.dp.stats().punt("unknown_flow") == unknown.size());
}

BOOST_AUTO_TEST_CASE(frames_queued_beyond_one_burst_are_taken_in_one_loop_iteration) {
  // 128 frames on the media port at once (eight rx bursts of 16): the io worker takes up to eight bursts per poll,
  // so they are all received, unprotected and forwarded in fewer loop iterations than bursts.
  RingDataplane r(1);
  const MacAddress mac = r.dp.mediaMac();
  Peer p = peer(SrtpProfile::AeadAes128Gcm, 1);
  const StreamId in = addPublisher(r, p, 0x100);
  addRoutedStream(r, in, p.id, 0x200);
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx(p.to_appliance, 0x100, SrtpDirection::Outbound);
  LibsrtpReferenceSession rx(p.from_appliance, 0x200, SrtpDirection::Inbound);
  constexpr int kFrames = 128;
  std::vector<Bytes> queued;
  for (int i = 0; i < kFrames; ++i)
    queued.push_back(p.protect(tx, rtp(0x100, static_cast<std::uint16_t>(i), 0, 111, 100), mac));
  const std::uint64_t loops_before = r.dp.stats().workers.at(0).busy_loops;
  r.sendBurst(queued);
  const auto frames = RingDataplane::collect(r.media_tx, kFrames);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kFrames));
  std::uint16_t next = 0;
  for (const Bytes& f : frames) {
    Decoded d;
    BOOST_REQUIRE(decode(f, p, mac, rx, d));
    BOOST_TEST(d.rtp.sequence == next++);
  }
  // One iteration takes them all; a timer iteration that sent RTCP meanwhile may add one or two, one burst per
  // iteration would need eight.
  const std::uint64_t loops = r.dp.stats().workers.at(0).busy_loops - loops_before;
  BOOST_TEST(loops >= 1u);
  BOOST_TEST(loops < 4u);
}

BOOST_AUTO_TEST_CASE(source_switch_keeps_the_output_continuous) {
  RingDataplane r(1);
  const MacAddress mac = r.dp.mediaMac();
  Peer a = peer(SrtpProfile::AeadAes128Gcm, 1), b = peer(SrtpProfile::AeadAes128Gcm, 2),
       s = peer(SrtpProfile::AeadAes128Gcm, 3);
  for (Peer* q : {&a, &b, &s})
    ok(r.dp.addTransport(q->spec(0), q->id));
  StreamId in_a = 0, in_b = 0, out = 0;
  RouteId rid = 0;
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0xAAAA;
  ok(r.dp.addInboundStream(is, in_a));
  is.transport = b.id;
  is.ssrc = 0xBBBB;
  ok(r.dp.addInboundStream(is, in_b));
  OutboundStreamSpec os;
  os.transport = s.id;
  os.ssrc = 0x5555;
  ok(r.dp.addOutboundStream(os, out));
  ok(r.dp.addRoute(RouteSpec{in_a, out, {}}, rid));
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession ta(a.to_appliance, 0xAAAA, SrtpDirection::Outbound);
  LibsrtpReferenceSession tb(b.to_appliance, 0xBBBB, SrtpDirection::Outbound);
  LibsrtpReferenceSession rx(s.from_appliance, 0x5555, SrtpDirection::Inbound);
  for (int i = 0; i < 5; ++i)
    r.send(a.protect(ta, rtp(0xAAAA, static_cast<std::uint16_t>(100 + i), 1000u + 10u * i, 96, 50), mac));
  auto frames = RingDataplane::collect(r.media_tx, 5);
  BOOST_REQUIRE_EQUAL(frames.size(), 5u);
  ok(r.dp.moveRoute(rid, in_b));
  BOOST_REQUIRE(r.dp.sync());
  for (int i = 0; i < 5; ++i)
    r.send(b.protect(tb, rtp(0xBBBB, static_cast<std::uint16_t>(7000 + i), 555555u + 10u * i, 96, 50), mac));
  auto more = RingDataplane::collect(r.media_tx, 5);
  BOOST_REQUIRE_EQUAL(more.size(), 5u);
  frames.insert(frames.end(), more.begin(), more.end());
  std::uint16_t expect_seq = 100;
  std::uint32_t last_ts = 0;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    Decoded d;
    BOOST_REQUIRE(decode(frames[i], s, mac, rx, d));
    BOOST_TEST(d.rtp.ssrc == 0x5555u);
    BOOST_TEST(d.rtp.sequence == expect_seq++);
    if (i > 0) BOOST_TEST(static_cast<std::int32_t>(d.rtp.timestamp - last_ts) > 0);
    last_ts = d.rtp.timestamp;
  }
}

BOOST_AUTO_TEST_CASE(pli_is_translated_to_the_publisher_and_receiver_reports_flow) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.rr_interval_ms = 50;
  cfg.pli_interval_ms = 100000;  // one PLI per stream in this test: the second one is rate-limited
  RingDataplane r(1, cfg);
  const MacAddress mac = r.dp.mediaMac();
  Peer pub = peer(SrtpProfile::Aes128CmSha1_80, 1), sub = peer(SrtpProfile::AeadAes128Gcm, 2);
  TransportSpec ps = pub.spec(0);
  ps.rtcp_ssrc = 0xC0C0;
  ok(r.dp.addTransport(ps, pub.id));
  TransportSpec ss = sub.spec(0);
  ss.remote_rtcp_ssrcs = {0x0001};  // the subscriber's RTCP sender SSRC
  ok(r.dp.addTransport(ss, sub.id));
  StreamId in = 0, out = 0;
  RouteId rid = 0;
  InboundStreamSpec is;
  is.transport = pub.id;
  is.ssrc = 0xAAAA;
  ok(r.dp.addInboundStream(is, in));
  OutboundStreamSpec os;
  os.transport = sub.id;
  os.ssrc = 0x5555;
  ok(r.dp.addOutboundStream(os, out));
  ok(r.dp.addRoute(RouteSpec{in, out, {}}, rid));
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession ptx(pub.to_appliance, 0xAAAA, SrtpDirection::Outbound);
  LibsrtpReferenceSession prx(pub.from_appliance, 0xC0C0, SrtpDirection::Inbound);  // our RTCP toward pub
  LibsrtpReferenceSession stx(sub.to_appliance, 0x0001, SrtpDirection::Outbound);
  for (int i = 0; i < 3; ++i)
    r.send(pub.protect(ptx, rtp(0xAAAA, static_cast<std::uint16_t>(i), 0, 96, 100), mac));
  auto media = RingDataplane::collect(r.media_tx, 3);
  BOOST_REQUIRE_EQUAL(media.size(), 3u);
  // Two PLIs from the subscriber for its outbound SSRC: one PLI reaches the publisher (rate limit).
  for (int i = 0; i < 2; ++i) {
    Bytes pli(12);
    BOOST_REQUIRE_EQUAL(proto::buildPli(pli.data(), pli.size(), 0x0001, 0x5555), 12u);
    r.send(sub.protect(stx, pli, mac, true));
  }
  bool pli_seen = false, rr_seen = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int plis = 0;
  while (std::chrono::steady_clock::now() < deadline && !(pli_seen && rr_seen)) {
    for (const Bytes& f : RingDataplane::collect(r.media_tx, 1, 200)) {
      Bytes p;
      if (!payloadTo(f, pub, mac, p)) continue;
      int len = static_cast<int>(p.size());
      BOOST_REQUIRE(prx.unprotect(p.data(), len, true) == srtp_err_status_ok);
      proto::RtcpCompound c(p.data(), static_cast<std::size_t>(len));
      proto::RtcpBlock b;
      while (c.next(b) == proto::RtcpParseStatus::Ok) {
        BOOST_TEST(b.sender_ssrc == 0xC0C0u);
        if (b.type == proto::rtcp::kPsfb && b.count == proto::rtcp::kFmtPli) {
          BOOST_TEST(b.media_ssrc() == 0xAAAAu);
          pli_seen = true;
          ++plis;
        }
        if (b.type == proto::rtcp::kRr && b.count == 1) {
          BOOST_TEST(proto::load32(b.data + 8) == 0xAAAAu);           // report block SSRC
          BOOST_TEST(proto::load32(b.data + 16) == 2u);               // extended highest sequence number
          BOOST_TEST((proto::load32(b.data + 12) & 0xffffff) == 0u);  // nothing lost
          rr_seen = true;
        }
      }
    }
  }
  BOOST_TEST(pli_seen);
  BOOST_TEST(rr_seen);
  BOOST_TEST(plis == 1);
  std::vector<Event> ev;
  r.dp.pollEvents(ev);
  int keyframe = 0;
  for (const Event& e : ev)
    keyframe += e.type == EventType::KeyframeWanted && e.id == in;
  BOOST_TEST(keyframe == 1);
  BOOST_TEST(r.dp.stats().workers.at(0).keyframe_requests == 1u);
}

BOOST_AUTO_TEST_CASE(rtcp_of_an_unknown_sender_ssrc_is_reported_only_when_authentic) {
  // A recvonly subscriber sends RTCP from an SSRC of its own: the dataplane reports it (UnknownRtcpSsrc) and the
  // control plane adds a context. Packets forged by someone without the transport's keys must not be reported: they
  // would use up the transport's kMaxRtcpContexts extra contexts.
  for (const SrtpProfile profile : {SrtpProfile::AeadAes128Gcm, SrtpProfile::Aes128CmSha1_80}) {
    BOOST_TEST_CONTEXT(profileName(profile)) {
      RingDataplane r(1, quietConfig());
      const MacAddress mac = r.dp.mediaMac();
      Peer pub = peer(SrtpProfile::AeadAes128Gcm, 1), sub = peer(profile, 2), stranger = peer(profile, 3);
      Peer spoofer = sub;  // the subscriber's addresses and ports, another peer's keys
      spoofer.to_appliance = stranger.to_appliance;
      TransportSpec ps = pub.spec(0);
      ps.rtcp_ssrc = 0xC0C0;
      ok(r.dp.addTransport(ps, pub.id));
      ok(r.dp.addTransport(sub.spec(0), sub.id));
      StreamId in = 0;
      InboundStreamSpec is;
      is.transport = pub.id;
      is.ssrc = 0xAAAA;
      ok(r.dp.addInboundStream(is, in));
      addRoutedStream(r, in, sub.id, 0x5555);
      BOOST_REQUIRE(r.dp.sync());
      LibsrtpReferenceSession ptx(pub.to_appliance, 0xAAAA, SrtpDirection::Outbound);  // (the appliance learns the
      r.send(pub.protect(ptx, rtp(0xAAAA, 1, 0, 96, 100), mac));                       // publisher's MAC from it)
      BOOST_REQUIRE_EQUAL(RingDataplane::collect(r.media_tx, 1).size(), 1u);
      // Forged: the subscriber's 5-tuple, 16 sender SSRCs, keys of someone else.
      constexpr int kForged = 16;
      for (int i = 0; i < kForged; ++i) {
        const auto ssrc = static_cast<std::uint32_t>(0x0BAD0000 + i);
        LibsrtpReferenceSession forger(stranger.to_appliance, ssrc, SrtpDirection::Outbound);
        Bytes pli(12);
        BOOST_REQUIRE_EQUAL(proto::buildPli(pli.data(), pli.size(), ssrc, 0x5555), 12u);
        r.send(spoofer.protect(forger, pli, mac, true));
      }
      auto drops = [&](const char* reason) {
        const auto st = r.dp.stats();
        const auto& d = st.transports.at(sub.id).drops;
        const auto it = d.find(reason);
        return it == d.end() ? std::uint64_t{0} : it->second;
      };
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      while (drops("srtp_auth") < kForged && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      BOOST_TEST(drops("srtp_auth") == static_cast<std::uint64_t>(kForged));
      BOOST_TEST(drops("unknown_rtcp_ssrc") == 0u);
      std::vector<Event> ev;
      r.dp.pollEvents(ev);
      for (const Event& e : ev)
        BOOST_TEST((e.type != EventType::UnknownRtcpSsrc), "reported a forged sender " << e.value);
      // Genuine: reported once, then its context lets its PLI through to the publisher.
      LibsrtpReferenceSession stx(sub.to_appliance, 0x0001, SrtpDirection::Outbound);
      Bytes pli(12);
      BOOST_REQUIRE_EQUAL(proto::buildPli(pli.data(), pli.size(), 0x0001, 0x5555), 12u);
      r.send(sub.protect(stx, pli, mac, true));
      bool reported = false;
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      while (!reported && std::chrono::steady_clock::now() < deadline) {
        ev.clear();
        r.dp.pollEvents(ev);
        for (const Event& e : ev)
          reported = reported || (e.type == EventType::UnknownRtcpSsrc && e.id == sub.id && e.value == 0x0001u);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      BOOST_REQUIRE(reported);
      BOOST_TEST(drops("unknown_rtcp_ssrc") == 1u);
      ok(r.dp.addRemoteRtcpSsrc(sub.id, 0x0001));
      BOOST_REQUIRE(r.dp.sync());
      r.send(sub.protect(stx, pli, mac, true));
      LibsrtpReferenceSession prx(pub.from_appliance, 0xC0C0, SrtpDirection::Inbound);
      bool pli_seen = false;
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
      while (!pli_seen && std::chrono::steady_clock::now() < deadline) {
        for (const Bytes& f : RingDataplane::collect(r.media_tx, 1, 200)) {
          Bytes p;
          if (!payloadTo(f, pub, mac, p)) continue;
          int len = static_cast<int>(p.size());
          BOOST_REQUIRE(prx.unprotect(p.data(), len, true) == srtp_err_status_ok);
          proto::RtcpCompound c(p.data(), static_cast<std::size_t>(len));
          proto::RtcpBlock b;
          while (c.next(b) == proto::RtcpParseStatus::Ok)
            pli_seen = pli_seen ||
                       (b.type == proto::rtcp::kPsfb && b.count == proto::rtcp::kFmtPli && b.media_ssrc() == 0xAAAAu);
        }
      }
      BOOST_TEST(pli_seen);
      BOOST_TEST(drops("unknown_rtcp_ssrc") == 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(exception_path_both_ways) {
  RingDataplane r(2);
  const MacAddress mac = r.dp.mediaMac();
  Peer a = peer(SrtpProfile::AeadAes128Gcm, 1);
  ok(r.dp.addTransport(a.spec(1), a.id));
  BOOST_REQUIRE(r.dp.sync());
  Bytes arp(42, 0);
  std::memset(arp.data(), 0xff, 6);
  std::memcpy(&arp[6], kClientMac.data(), 6);
  arp[12] = 0x08;
  arp[13] = 0x06;
  r.send(arp);
  Bytes stun{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  r.send(frame(mac, kClientMac, kClientIp, a.port, kApplianceIp, a.local_port, stun));  // STUN on a known flow
  Bytes dtls(30, 0);
  dtls[0] = 22;
  r.send(frame(mac, kClientMac, kClientIp, a.port, kApplianceIp, a.local_port, dtls));
  r.send(frame(mac, kClientMac, kClientIp, 9, kApplianceIp, 9, rtp(1, 1, 1, 96, 20)));  // RTP, unknown flow
  Bytes tcp = frame(mac, kClientMac, kClientIp, 1234, kApplianceIp, 80, Bytes(20, 0));
  tcp[23] = 6;
  r.send(tcp);
  Bytes ipv6(60, 0);
  ipv6[12] = 0x86;
  ipv6[13] = 0xdd;
  r.send(ipv6);
  const auto punted = RingDataplane::collect(r.exc_tx, 6);
  BOOST_REQUIRE_EQUAL(punted.size(), 6u);
  BOOST_TEST(punted[0] == arp);  // frames reach the kernel unchanged
  const StatsSnapshot st = r.dp.stats();
  for (const char* reason : {"arp", "stun", "dtls", "unknown_flow", "tcp", "non_ipv4"})
    BOOST_TEST(st.punt(reason) == 1u, reason);
  // Kernel -> wire: whatever the kernel writes to the exception interface leaves through the media port.
  const Bytes reply = frame(kClientMac, mac, kApplianceIp, 8088, kClientIp, 5555, Bytes(100, 7));
  r.inject(r.exc_rx, reply);
  const auto out = RingDataplane::collect(r.media_tx, 1);
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  BOOST_TEST(out[0] == reply);
  BOOST_TEST(r.dp.stats().workers.at(0).exception_in == 1u);
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 100).empty());  // no duplicate
}

BOOST_AUTO_TEST_CASE(bad_traffic_is_a_counted_drop) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.rr_interval_ms = 0;  // no receiver reports: the only output is the one good packet
  RingDataplane r(1, cfg);
  const MacAddress mac = r.dp.mediaMac();
  Peer a = peer(SrtpProfile::Aes128CmSha1_80, 1);
  TransportSpec ts = a.spec(0);
  ok(r.dp.addTransport(ts, a.id));
  StreamId in = 0, out = 0;
  RouteId rid = 0;
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0x1234;
  ok(r.dp.addInboundStream(is, in));
  OutboundStreamSpec os;
  os.transport = a.id;
  os.ssrc = 0x4321;
  ok(r.dp.addOutboundStream(os, out));
  ok(r.dp.addRoute(RouteSpec{in, out, {}}, rid));
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx(a.to_appliance, 0x1234, SrtpDirection::Outbound);
  LibsrtpReferenceSession tx_unknown(a.to_appliance, 0x9999, SrtpDirection::Outbound);
  LibsrtpReferenceSession tx_rtcp(a.to_appliance, 0x1234, SrtpDirection::Outbound);

  const Bytes good = a.protect(tx, rtp(0x1234, 1, 1, 96, 100), mac);
  r.send(good);
  r.send(good);  // replay
  Bytes bad_tag = a.protect(tx, rtp(0x1234, 2, 2, 96, 100), mac);
  bad_tag.back() ^= 0x01;
  r.send(bad_tag);
  r.send(a.protect(tx_unknown, rtp(0x9999, 1, 1, 96, 100), mac));  // unknown SSRC on a known flow
  // RTCP whose inner length field lies (claims 64 words) but is correctly authenticated.
  Bytes lying(12);
  proto::buildPli(lying.data(), lying.size(), 0x1234, 0x4321);
  proto::store16(&lying[2], 63);
  r.send(a.protect(tx_rtcp, lying, mac, true));
  Bytes truncated_eth(10, 0xab);
  r.send(truncated_eth);
  Bytes bad_ip_len = good;
  proto::store16(&bad_ip_len[16], 1500);
  r.send(bad_ip_len);
  Bytes bad_udp_len = good;
  proto::store16(&bad_udp_len[38], 4);
  r.send(bad_udp_len);
  Bytes truncated_ip(good.begin(), good.begin() + 20);
  r.send(truncated_ip);
  std::uint32_t x = 12345;
  for (int i = 0; i < 200; ++i) {  // random bytes: drops or punts, never a crash, never a forwarded packet
    Bytes junk(1 + (x % 300));
    for (auto& byte : junk)
      byte = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 16);
    if (i % 2) std::memcpy(junk.data(), mac.data(), std::min<std::size_t>(6, junk.size()));
    r.send(junk);
  }
  const auto forwarded = RingDataplane::collect(r.media_tx, 1);
  BOOST_TEST(forwarded.size() == 1u);  // only the first good packet
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 300).empty());
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.drop("srtp_replay") == 1u);
  BOOST_TEST(st.drop("srtp_auth") == 1u);
  BOOST_TEST(st.drop("unknown_ssrc") == 1u);
  BOOST_TEST(st.drop("bad_rtcp") == 1u);
  BOOST_TEST(st.drop("truncated_ethernet") >= 1u);
  BOOST_TEST(st.drop("bad_ipv4_length") >= 1u);
  BOOST_TEST(st.drop("bad_udp_length") >= 1u);
  BOOST_TEST(st.drop("truncated_ipv4") >= 1u);
  BOOST_TEST(st.streams.at(in).drops.at("srtp_replay") == 1u);
  BOOST_TEST(st.transports.at(a.id).drops.at("unknown_ssrc") == 1u);
  std::uint64_t accounted = 0;
  for (const auto& w : st.workers) {
    for (const auto& [k, v] : w.punts)
      accounted += v;
    for (const auto& [k, v] : w.drops)
      accounted += v;
  }
  BOOST_TEST(accounted + 1 == st.workers.at(0).rx_packets);  // every received frame is forwarded, punted or dropped
  RingDataplane::drain(r.exc_tx);
}

BOOST_AUTO_TEST_CASE(api_errors_are_clear) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.max_transports = 3;
  RingDataplane r(2, cfg);
  Peer p[4] = {peer(SrtpProfile::AeadAes128Gcm, 1), peer(SrtpProfile::AeadAes128Gcm, 2),
               peer(SrtpProfile::AeadAes128Gcm, 3), peer(SrtpProfile::AeadAes128Gcm, 4)};
  ok(r.dp.addTransport(p[0].spec(0), p[0].id));
  TransportId dup = 0;
  BOOST_TEST(r.dp.addTransport(p[0].spec(0), dup) == ApiStatus::Exists);
  BOOST_TEST(r.dp.addTransport(p[1].spec(7), dup) == ApiStatus::InvalidArgument);
  ok(r.dp.addTransport(p[1].spec(1), p[1].id));
  ok(r.dp.addTransport(p[2].spec(0), p[2].id));
  BOOST_TEST(r.dp.addTransport(p[3].spec(0), dup) == ApiStatus::TableFull);
  StreamId in = 0, out = 0, bad = 0;
  InboundStreamSpec is;
  is.transport = p[0].id;
  is.ssrc = 5;
  ok(r.dp.addInboundStream(is, in));
  BOOST_TEST(r.dp.addInboundStream(is, bad) == ApiStatus::Exists);
  is.transport = 999;
  BOOST_TEST(r.dp.addInboundStream(is, bad) == ApiStatus::NotFound);
  OutboundStreamSpec os;
  os.transport = p[1].id;
  os.ssrc = 6;
  ok(r.dp.addOutboundStream(os, out));
  RouteId rid = 0;
  BOOST_TEST(r.dp.addRoute(RouteSpec{in, out, {}}, rid) == ApiStatus::WrongWorker);
  BOOST_TEST(r.dp.removeRoute(12345) == ApiStatus::NotFound);
  ok(r.dp.removeTransport(p[2].id));
  ok(r.dp.addTransport(p[3].spec(0), p[3].id));  // the slot came back
  ok(r.dp.removeTransport(p[0].id));             // with its stream
  BOOST_TEST(r.dp.removeStream(in) == ApiStatus::NotFound);
  BOOST_REQUIRE(r.dp.sync());
  BOOST_TEST(r.dp.stats().transports.size() == 2u);
}

BOOST_AUTO_TEST_CASE(media_stopped_and_trace_events) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.media_timeout_ms = 100;
  RingDataplane r(1, cfg);
  const MacAddress mac = r.dp.mediaMac();
  Peer a = peer(SrtpProfile::AeadAes128Gcm, 1);
  ok(r.dp.addTransport(a.spec(0), a.id));
  StreamId in = 0;
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0x77;
  ok(r.dp.addInboundStream(is, in));
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx(a.to_appliance, 0x77, SrtpDirection::Outbound);
  r.send(a.protect(tx, rtp(0x77, 1, 1, 96, 10), mac));
  BOOST_TEST(!r.dp.trace());
  r.dp.setTrace(true);
  r.send(Bytes(8, 0));  // truncated: a traced drop
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  std::vector<Event> ev;
  r.dp.pollEvents(ev);
  bool first = false, stopped = false, traced = false;
  for (const Event& e : ev) {
    first = first || (e.type == EventType::FirstPacket && e.id == in);
    stopped = stopped || (e.type == EventType::MediaStopped && e.id == in && e.value >= 100);
    traced = traced || (e.type == EventType::Trace && e.value == (2u << 8 | 0u) && e.detail == 8);
  }
  BOOST_TEST(first);
  BOOST_TEST(stopped);
  BOOST_TEST(traced);
  BOOST_TEST(r.dp.stats().drop("no_route") == 1u);
}

BOOST_AUTO_TEST_CASE(telemetry_command_reports_the_counters) {
  RingDataplane r(1);
  r.send(Bytes(8, 0));  // one truncated frame
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const std::string path = std::string(rte_eal_get_runtime_dir()) + "/dpdk_telemetry.v2";
  const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  BOOST_REQUIRE_MESSAGE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0, path);
  char buf[16384];
  BOOST_REQUIRE(::recv(fd, buf, sizeof buf, 0) > 0);  // the greeting
  const std::string cmd = "/portunus/dataplane";
  BOOST_REQUIRE(::send(fd, cmd.data(), cmd.size(), 0) == static_cast<ssize_t>(cmd.size()));
  const ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
  ::close(fd);
  BOOST_REQUIRE(n > 0);
  const std::string reply(buf, static_cast<std::size_t>(n));
  BOOST_TEST_MESSAGE(reply);
  BOOST_TEST(reply.find("\"rx_packets\":1") != std::string::npos, reply);
  BOOST_TEST(reply.find("\"drop_truncated_ethernet\":1") != std::string::npos, reply);
}

BOOST_AUTO_TEST_CASE(null_port_frames_are_all_accounted) {
  // net_null receives zero-filled frames as fast as it is polled: not IPv4, no exception interface -> each one a
  // counted punt, then a counted no_exception drop; nothing leaks (the pool would run dry within the test).
  static int instance = 0;
  config::DataplaneConfig cfg = quietConfig();
  cfg.enabled = true;
  cfg.eal_args = {"--no-pci", "--no-huge", "-m", "512", "--no-shconf", "--lcores=0@0,1@1,2@0,3@1"};
  cfg.port.driver = "null";
  cfg.port.args = "size=64";
  cfg.exception.driver = "none";
  cfg.exception.name = "pdpnull" + std::to_string(instance++);
  cfg.workers = {1};
  cfg.mbufs = 2047;
  cfg.mbuf_cache = 64;
  LibsrtpEngine engine;
  Dataplane d;
  d.start(cfg, engine);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const StatsSnapshot st = d.stats();
  d.stop();
  BOOST_TEST(st.workers.at(0).rx_packets > 10000u);  // far more than the 2047 mbufs: every one came back
  BOOST_TEST(st.punt("non_ipv4") > 10000u);
  BOOST_TEST(st.drop("no_exception") > 10000u);
}

BOOST_AUTO_TEST_CASE(reprogramming_under_traffic_is_safe) {
  // Objects are removed and re-added while packets for them are in flight on another worker; removals must wait
  // for the workers (RCU) and forwarding must resume with the last program.
  RingDataplane r(2);
  const MacAddress mac = r.dp.mediaMac();
  Peer a = peer(SrtpProfile::AeadAes128Gcm, 1);
  LibsrtpReferenceSession tx(a.to_appliance, 0x1111, SrtpDirection::Outbound);
  std::vector<Bytes> frames;
  for (int i = 0; i < 3000; ++i)
    frames.push_back(a.protect(tx, rtp(0x1111, static_cast<std::uint16_t>(i), 0, 96, 100), mac));
  std::atomic<bool> stop{false};
  std::thread feeder([&] {
    for (std::size_t i = 0; i < frames.size() && !stop; ++i) {
      r.send(frames[i]);
      RingDataplane::drain(r.media_tx);
      RingDataplane::drain(r.exc_tx);
      if (i % 16 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  });
  StreamId in = 0, out = 0;
  RouteId rid = 0;
  for (int round = 0; round < 30; ++round) {
    ok(r.dp.addTransport(a.spec(1), a.id));
    InboundStreamSpec is;
    is.transport = a.id;
    is.ssrc = 0x1111;
    ok(r.dp.addInboundStream(is, in));
    OutboundStreamSpec os;
    os.transport = a.id;
    os.ssrc = 0x2222;
    ok(r.dp.addOutboundStream(os, out));
    ok(r.dp.addRoute(RouteSpec{in, out, {}}, rid));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (round % 2) ok(r.dp.removeRoute(rid));
    ok(r.dp.removeTransport(a.id));
    std::vector<Event> ev;
    r.dp.pollEvents(ev);  // also frees what the workers are done with
  }
  stop = true;
  feeder.join();
  BOOST_REQUIRE(r.dp.sync());
  RingDataplane::drain(r.media_tx);
  RingDataplane::drain(r.exc_tx);
  // The last program forwards again (a fresh receiver: the old SRTP state went with the old transport).
  ok(r.dp.addTransport(a.spec(1), a.id));
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0x3333;
  ok(r.dp.addInboundStream(is, in));
  OutboundStreamSpec os;
  os.transport = a.id;
  os.ssrc = 0x4444;
  ok(r.dp.addOutboundStream(os, out));
  ok(r.dp.addRoute(RouteSpec{in, out, {}}, rid));
  BOOST_REQUIRE(r.dp.sync());
  LibsrtpReferenceSession tx2(a.to_appliance, 0x3333, SrtpDirection::Outbound);
  LibsrtpReferenceSession rx2(a.from_appliance, 0x4444, SrtpDirection::Inbound);
  for (int i = 0; i < 5; ++i)
    r.send(a.protect(tx2, rtp(0x3333, static_cast<std::uint16_t>(i), 0, 96, 100), mac));
  const auto got = RingDataplane::collect(r.media_tx, 5);
  BOOST_REQUIRE_EQUAL(got.size(), 5u);
  for (const Bytes& f : got) {
    Decoded d;
    BOOST_TEST(decode(f, a, mac, rx2, d));
  }
}
