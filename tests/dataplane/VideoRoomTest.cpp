// Dataplane tier, VideoRoom mechanism: route pause/resume, keyframe requests, fir_freq, REMB, NACK/RTX (answered and
// generated), SR translation, simulcast switching and temporal filtering. Real EAL and mbufs on net_ring ports; the
// publisher and subscribers are stock libsrtp2 sessions, every packet is checked after stock decryption.
#define BOOST_TEST_MODULE dataplane_videoroom
#include <algorithm>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>

#include "common/proto/RtcpPacket.hpp"
#include "common/proto/RtpPacket.hpp"
#include "dataplane/codec/Vp8Descriptor.hpp"
#include "dataplane/srtp/SrtpEngineFactory.hpp"
#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;
namespace config = portunus::config;

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, ApiStatus s) {
  return os << apiStatusName(s);
}
}  // namespace portunus::dp

namespace {

constexpr std::uint32_t kPubRtcp = 0xC0C0;  // our RTCP sender SSRC toward the publisher
constexpr std::uint32_t kSubRtcp = 0x0001;  // each subscriber's RTCP sender SSRC

Peer peer(std::uint16_t n) {
  const SrtpProfile p = n % 2 ? SrtpProfile::AeadAes128Gcm : SrtpProfile::Aes128CmSha1_80;
  return Peer{static_cast<std::uint16_t>(5000 + n), static_cast<std::uint16_t>(40000 + n),
              keys(p, static_cast<std::uint8_t>(2 * n + 1)), keys(p, static_cast<std::uint8_t>(2 * n + 2))};
}

void ok(ApiStatus s) {
  BOOST_REQUIRE_MESSAGE(s == ApiStatus::Ok, "API status " << apiStatusName(s));
}

/** A packet the appliance sent to one peer, decrypted by stock libsrtp2. */
struct Rx {
  Bytes bytes;
  proto::RtpPacket rtp;
  const std::uint8_t* payload() const { return bytes.data() + rtp.payload_offset; }
};

/** A room on one worker: a publisher and subscribers, stock sessions on their side. */
class Room {
 public:
  explicit Room(config::DataplaneConfig cfg = quietConfig(), const SrtpEngineFactory& factory = {})
      : r(1, cfg, factory), mac(r.dp.mediaMac()) {
    pub = peer(1);
    TransportSpec ps = pub.spec(0);
    ps.rtcp_ssrc = kPubRtcp;
    ok(r.dp.addTransport(ps, pub.id));
    pub_rtcp = std::make_unique<LibsrtpReferenceSession>(pub.from_appliance, kPubRtcp, SrtpDirection::Inbound);
  }

  StreamId publish(std::uint32_t ssrc, InboundStreamSpec is = {}) {
    is.transport = pub.id;
    is.ssrc = ssrc;
    StreamId id = 0;
    ok(r.dp.addInboundStream(is, id));
    tx[ssrc] = std::make_unique<LibsrtpReferenceSession>(pub.to_appliance, ssrc, SrtpDirection::Outbound);
    return id;
  }

  /** A subscriber transport with one outbound stream `ssrc` (+ RTX 97 for 96 when rtx_ssrc is set). */
  std::size_t subscribe(std::uint32_t ssrc, std::uint32_t rtx_ssrc, StreamId& out) {
    const auto n = static_cast<std::uint16_t>(10 + subs.size());
    subs.push_back(peer(n));
    Peer& s = subs.back();
    TransportSpec ts = s.spec(0);
    ts.remote_rtcp_ssrcs = {kSubRtcp};
    ok(r.dp.addTransport(ts, s.id));
    OutboundStreamSpec os;
    os.transport = s.id;
    os.ssrc = ssrc;
    os.rtx_ssrc = rtx_ssrc;
    if (rtx_ssrc) os.rtx_payload_types = {{97, 96}};
    ok(r.dp.addOutboundStream(os, out));
    sub_rx.push_back(std::make_unique<LibsrtpReferenceSession>(s.from_appliance, ssrc, SrtpDirection::Inbound));
    sub_tx.push_back(std::make_unique<LibsrtpReferenceSession>(s.to_appliance, kSubRtcp, SrtpDirection::Outbound));
    return subs.size() - 1;
  }

  void send(std::uint32_t ssrc, const Bytes& pkt) { r.send(pub.protect(*tx.at(ssrc), pkt, mac)); }
  void sendRtcpFromPub(std::uint32_t sender, const Bytes& pkt) { r.send(pub.protect(*tx.at(sender), pkt, mac, true)); }
  void sendRtcpFromSub(std::size_t sub, const Bytes& pkt) { r.send(subs[sub].protect(*sub_tx[sub], pkt, mac, true)); }

  /** Everything the appliance sends within `ms`, by destination UDP port. */
  std::map<std::uint16_t, std::vector<Bytes>> drain(unsigned ms) {
    std::map<std::uint16_t, std::vector<Bytes>> out;
    for (const Bytes& f : RingDataplane::collect(r.media_tx, 1u << 20, ms))
      out[proto::load16(&f[36])].push_back(f);
    return out;
  }
  /** Drains until `done(frames by port)` holds or `timeout_ms` passed, then `extra_ms` more (to see nothing else
   * comes). The machine is shared: waits are for conditions, never for fixed short times. */
  template <typename Done>
  std::map<std::uint16_t, std::vector<Bytes>> drainUntil(Done done, unsigned extra_ms = 50,
                                                         unsigned timeout_ms = 5000) {
    std::map<std::uint16_t, std::vector<Bytes>> all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done(all) && std::chrono::steady_clock::now() < deadline)
      for (auto& [port, frames] : drain(20))
        all[port].insert(all[port].end(), frames.begin(), frames.end());
    for (auto& [port, frames] : drain(extra_ms))
      all[port].insert(all[port].end(), frames.begin(), frames.end());
    return all;
  }
  static auto atLeast(std::uint16_t port, std::size_t n) {
    return [port, n](std::map<std::uint16_t, std::vector<Bytes>>& m) { return m[port].size() >= n; };
  }
  /** One packet from the publisher so its MAC is known (RTCP toward it needs the L2 destination). */
  void hello(std::uint32_t ssrc, StreamId id) {
    send(ssrc, rtp(ssrc, 1, 1, 96, 20));
    waitIn(id, 1);
  }

  /** Waits until inbound stream `id` has seen `packets` packets (forwarded or not). */
  void waitIn(StreamId id, std::uint64_t packets) {
    for (int i = 0; i < 300 && r.dp.stats().streams.at(id).packets_in < packets; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    BOOST_REQUIRE_EQUAL(r.dp.stats().streams.at(id).packets_in, packets);
  }

  /** Decrypts the RTP frames for subscriber `sub` with its stock session (SSRC `ssrc`). */
  std::vector<Rx> rtpFor(std::size_t sub, const std::vector<Bytes>& frames,
                         LibsrtpReferenceSession* session = nullptr) {
    std::vector<Rx> out;
    for (const Bytes& f : frames) {
      Rx x;
      BOOST_REQUIRE(payloadTo(f, subs[sub], mac, x.bytes));
      if (x.bytes.size() >= 2 && x.bytes[1] >= 200 && x.bytes[1] <= 206) continue;  // RTCP
      int len = static_cast<int>(x.bytes.size());
      BOOST_REQUIRE(srtp_err_status_ok ==
                    (session ? session : sub_rx[sub].get())->unprotect(x.bytes.data(), len, false));
      x.bytes.resize(static_cast<std::size_t>(len));
      BOOST_REQUIRE(x.rtp.parse(x.bytes.data(), x.bytes.size()) == proto::RtpParseStatus::Ok);
      out.push_back(std::move(x));
    }
    return out;
  }

  /** Decrypts the RTCP frames we sent to the publisher; each compound's blocks are appended. */
  std::vector<Bytes> rtcpToPub(const std::vector<Bytes>& frames) {
    std::vector<Bytes> out;
    for (const Bytes& f : frames) {
      Bytes p;
      BOOST_REQUIRE(payloadTo(f, pub, mac, p));
      int len = static_cast<int>(p.size());
      BOOST_REQUIRE(pub_rtcp->unprotect(p.data(), len, true) == srtp_err_status_ok);
      proto::RtcpCompound c(p.data(), static_cast<std::size_t>(len));
      proto::RtcpBlock b;
      while (c.next(b) == proto::RtcpParseStatus::Ok) {
        BOOST_TEST(b.sender_ssrc == kPubRtcp);
        out.emplace_back(b.data, b.data + b.length);
      }
    }
    return out;
  }

  RingDataplane r;
  MacAddress mac;
  Peer pub;
  std::unique_ptr<LibsrtpReferenceSession> pub_rtcp;
  std::map<std::uint32_t, std::unique_ptr<LibsrtpReferenceSession>> tx;
  std::vector<Peer> subs;
  std::vector<std::unique_ptr<LibsrtpReferenceSession>> sub_rx, sub_tx;
};

proto::RtcpBlock block(const Bytes& b) {
  proto::RtcpCompound c(b.data(), b.size());
  proto::RtcpBlock out;
  BOOST_REQUIRE(c.next(out) == proto::RtcpParseStatus::Ok);
  return out;
}

std::vector<std::uint32_t> plisFor(const std::vector<Bytes>& blocks) {
  std::vector<std::uint32_t> media;
  for (const Bytes& b : blocks)
    if (b[1] == proto::rtcp::kPsfb && (b[0] & 0x1f) == proto::rtcp::kFmtPli) media.push_back(proto::load32(&b[8]));
  return media;
}

/** A VP8 packet: descriptor with 15-bit PictureID, TL0PICIDX, TID/Y, then a payload header (keyframe: P = 0) and
 * bytes that name the layer and frame (so the test can tell where each output came from). */
Bytes vp8(std::uint32_t ssrc, std::uint16_t seq, std::uint32_t ts, std::uint16_t pic, std::uint8_t tl0,
          std::uint8_t tid, bool key, std::uint8_t layer, bool sync = false) {
  Bytes b = rtp(ssrc, seq, ts, 96, 9 + 40);
  const std::uint8_t d[] = {0x90,
                            0xe0,
                            static_cast<std::uint8_t>(0x80 | (pic >> 8)),
                            static_cast<std::uint8_t>(pic),
                            tl0,
                            static_cast<std::uint8_t>(tid << 6 | (sync ? 0x20 : 0)),
                            static_cast<std::uint8_t>(key ? 0x10 : 0x11),
                            layer,
                            static_cast<std::uint8_t>(seq)};
  for (std::size_t k = 0; k < sizeof d; ++k)
    b[12 + k] = d[k];
  return b;
}

}  // namespace

BOOST_AUTO_TEST_CASE(pause_and_resume_keep_the_output_continuous) {
  Room room;
  InboundStreamSpec is;
  const StreamId in = room.publish(0xAAAA, is);
  StreamId out = 0;
  const std::size_t sub = room.subscribe(0x5555, 0, out);
  RouteId rid = 0;
  ok(room.r.dp.addRoute(RouteSpec{in, out, {}, {}, {}, false}, rid));
  BOOST_REQUIRE(room.r.dp.sync());
  std::uint16_t seq = 100;
  std::uint32_t ts = 1000;
  for (int i = 0; i < 5; ++i, ++seq, ts += 3000)
    room.send(0xAAAA, rtp(0xAAAA, seq, ts, 96, 100));
  room.waitIn(in, 5);
  ok(room.r.dp.setRoutePaused(rid, true));
  BOOST_REQUIRE(room.r.dp.sync());
  for (int i = 0; i < 5; ++i, ++seq, ts += 3000)
    room.send(0xAAAA, rtp(0xAAAA, seq, ts, 96, 100));
  room.waitIn(in, 10);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));  // wall-clock gap the timestamp must cover
  ok(room.r.dp.setRoutePaused(rid, false));
  BOOST_REQUIRE(room.r.dp.sync());
  for (int i = 0; i < 5; ++i, ++seq, ts += 3000)
    room.send(0xAAAA, rtp(0xAAAA, seq, ts, 96, 100));
  room.waitIn(in, 15);
  auto got = room.drainUntil(Room::atLeast(room.subs[sub].port, 10));
  const auto pkts = room.rtpFor(sub, got[room.subs[sub].port]);
  BOOST_REQUIRE_EQUAL(pkts.size(), 10u);  // the paused five never went out
  for (std::size_t i = 0; i < pkts.size(); ++i) {
    BOOST_TEST(pkts[i].rtp.ssrc == 0x5555u);
    BOOST_TEST(pkts[i].rtp.sequence == 100 + i);  // no gap across the pause
    if (i) BOOST_TEST(static_cast<std::int32_t>(pkts[i].rtp.timestamp - pkts[i - 1].rtp.timestamp) > 0);
  }
  // The first packet after resume: timestamp advanced by the wall-clock gap (>= 60 ms at 90 kHz), not by the 5
  // paused packets' 15000 ticks plus the step.
  BOOST_TEST(pkts[5].rtp.timestamp - pkts[4].rtp.timestamp >= 60u * 90u);
  BOOST_TEST(room.r.dp.stats().drop("filtered") == 5u);
  // Resume of a video route asks the publisher for a keyframe.
  const auto plis = plisFor(room.rtcpToPub(got[room.pub.port]));
  BOOST_REQUIRE_EQUAL(plis.size(), 1u);
  BOOST_TEST(plis[0] == 0xAAAAu);
}

BOOST_AUTO_TEST_CASE(keyframe_request_and_fir_freq_send_plis) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.pli_interval_ms = 200;
  Room room(cfg);
  const StreamId in = room.publish(0xAAAA);
  BOOST_REQUIRE(room.r.dp.sync());
  room.send(0xAAAA, rtp(0xAAAA, 1, 1, 96, 20));  // FirstPacket: the stream is live
  room.waitIn(in, 1);
  ok(room.r.dp.requestKeyframe(in));
  ok(room.r.dp.requestKeyframe(in));  // within pli_interval_ms: rate-limited
  auto got = room.drainUntil(Room::atLeast(room.pub.port, 1), 100);
  auto plis = plisFor(room.rtcpToPub(got[room.pub.port]));
  BOOST_REQUIRE_EQUAL(plis.size(), 1u);
  BOOST_TEST(plis[0] == 0xAAAAu);
  BOOST_TEST(room.r.dp.requestKeyframe(12345) == ApiStatus::NotFound);

  ok(room.r.dp.setFirFreq(in, 1));
  const auto start = std::chrono::steady_clock::now();
  got = room.drain(2500);
  plis = plisFor(room.rtcpToPub(got[room.pub.port]));
  BOOST_TEST_MESSAGE("periodic PLIs in 2.5 s: " << plis.size());
  BOOST_TEST(plis.size() >= 2u);  // at ~1 s and ~2 s (a third if the workers ran late)
  BOOST_TEST(plis.size() <= 3u);
  ok(room.r.dp.setFirFreq(in, 0));
  BOOST_REQUIRE(room.r.dp.sync());
  room.drain(50);
  got = room.drain(1200);
  BOOST_TEST(plisFor(room.rtcpToPub(got[room.pub.port])).empty());
  BOOST_CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

BOOST_AUTO_TEST_CASE(remb_carries_the_caps) {
  Room room;
  const StreamId v1 = room.publish(0xAAAA);
  const StreamId v2 = room.publish(0xBBBB);
  InboundStreamSpec audio;
  audio.kind = MediaKind::Audio;
  room.publish(0xCCCC, audio);  // not listed: REMB caps video
  BOOST_REQUIRE(room.r.dp.sync());
  room.hello(0xBBBB, v2);
  ok(room.r.dp.setBitrateCap(room.pub.id, 256000));
  auto blocks = room.rtcpToPub(room.drainUntil(Room::atLeast(room.pub.port, 1), 100)[room.pub.port]);
  BOOST_REQUIRE_EQUAL(blocks.size(), 1u);  // sent at once, once
  proto::RtcpBlock b = block(blocks[0]);
  BOOST_TEST(b.type == proto::rtcp::kPsfb);
  BOOST_TEST(b.count == proto::rtcp::kFmtRemb);
  BOOST_TEST(proto::rembBitrate(b) == 256000u);
  BOOST_REQUIRE_EQUAL(blocks[0].size(), 28u);
  BOOST_TEST(blocks[0][16] == 2);  // two SSRCs
  std::vector<std::uint32_t> ssrcs{proto::load32(&blocks[0][20]), proto::load32(&blocks[0][24])};
  std::sort(ssrcs.begin(), ssrcs.end());
  BOOST_TEST(ssrcs == (std::vector<std::uint32_t>{0xAAAA, 0xBBBB}), boost::test_tools::per_element());

  // A stream's own cap: its own REMB (bounded by the transport's), the other stream keeps the transport's.
  ok(room.r.dp.setBitrateCap(room.pub.id, 3000000));
  ok(room.r.dp.setBitrateCap(v1, 1500000));
  BOOST_REQUIRE(room.r.dp.sync());
  blocks = room.rtcpToPub(room.drainUntil(Room::atLeast(room.pub.port, 4))[room.pub.port]);
  std::map<std::uint32_t, std::uint64_t> last;
  int rembs = 0;
  for (const Bytes& x : blocks) {
    const proto::RtcpBlock rb = block(x);
    if (rb.count != proto::rtcp::kFmtRemb) continue;
    ++rembs;
    for (std::size_t i = 0; i < x[16]; ++i)
      last[proto::load32(&x[20 + 4 * i])] = proto::rembBitrate(rb);
  }
  BOOST_TEST(last[0xAAAA] == 1500000u);
  BOOST_TEST(last[0xBBBB] == 3000000u);
  BOOST_TEST(last.count(0xCCCC) == 0u);
  BOOST_TEST(rembs >= 4);  // at once (once or twice: two changes), then again a second later
  BOOST_TEST(room.r.dp.stats().workers.at(0).remb_out >= 5u);
}

BOOST_AUTO_TEST_CASE(nack_is_answered_with_rtx_or_plain_retransmission_byte_exact) {
  Room room;
  InboundStreamSpec is;
  is.nack_cache_packets = 64;
  const StreamId in = room.publish(0xAAAA, is);
  StreamId out_rtx = 0, out_plain = 0;
  const std::size_t a = room.subscribe(0x5555, 0x5556, out_rtx);
  const std::size_t b = room.subscribe(0x6666, 0, out_plain);
  RouteId r1 = 0, r2 = 0;
  ok(room.r.dp.addRoute(RouteSpec{in, out_rtx, {}, {}, {}, false}, r1));
  ok(room.r.dp.addRoute(RouteSpec{in, out_plain, {}, {}, {}, false}, r2));
  BOOST_REQUIRE(room.r.dp.sync());
  for (int i = 0; i < 10; ++i)
    room.send(0xAAAA, rtp(0xAAAA, static_cast<std::uint16_t>(2000 + i), 90000u + 3000u * i, 96, 300 + i));
  room.waitIn(in, 10);
  auto got =
      room.drainUntil([&](auto& m) { return m[room.subs[a].port].size() >= 10 && m[room.subs[b].port].size() >= 10; });
  const auto orig_a = room.rtpFor(a, got[room.subs[a].port]);
  const auto orig_b = room.rtpFor(b, got[room.subs[b].port]);
  BOOST_REQUIRE_EQUAL(orig_a.size(), 10u);
  BOOST_REQUIRE_EQUAL(orig_b.size(), 10u);

  // Subscriber a NACKs its outbound 2003 and 2005 (one FCI entry: PID 2003, BLP bit 1); b NACKs 2004 and 9999.
  const std::uint16_t lost_a[] = {2003, 2005};
  Bytes nack(64);
  nack.resize(proto::buildNack(nack.data(), nack.size(), kSubRtcp, 0x5555, lost_a, 2));
  BOOST_REQUIRE_EQUAL(nack.size(), 16u);
  room.sendRtcpFromSub(a, nack);
  const std::uint16_t lost_b[] = {2004, 9999};
  nack.resize(64);
  nack.resize(proto::buildNack(nack.data(), nack.size(), kSubRtcp, 0x6666, lost_b, 2));
  room.sendRtcpFromSub(b, nack);
  got = room.drainUntil([&](auto& m) { return m[room.subs[a].port].size() >= 2 && m[room.subs[b].port].size() >= 1; });

  LibsrtpReferenceSession rtx_rx(room.subs[a].from_appliance, 0x5556, SrtpDirection::Inbound);
  const auto rtx = room.rtpFor(a, got[room.subs[a].port], &rtx_rx);
  BOOST_REQUIRE_EQUAL(rtx.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const Rx& orig = orig_a[lost_a[i] - 2000];
    BOOST_TEST(rtx[i].rtp.ssrc == 0x5556u);
    BOOST_TEST(rtx[i].rtp.payload_type == 97);
    BOOST_TEST(rtx[i].rtp.sequence == i);  // the RTX stream's own numbering
    BOOST_TEST(rtx[i].rtp.timestamp == orig.rtp.timestamp);
    BOOST_TEST(proto::load16(rtx[i].payload()) == lost_a[i]);  // OSN
    const Bytes want(orig.payload(), orig.bytes.data() + orig.bytes.size());
    const Bytes have(rtx[i].payload() + 2, rtx[i].bytes.data() + rtx[i].bytes.size());
    BOOST_TEST(have == want);
  }
  // Plain retransmission: the very packet again (a fresh stock receiver: the first one has seen it already).
  LibsrtpReferenceSession again_rx(room.subs[b].from_appliance, 0x6666, SrtpDirection::Inbound);
  const auto plain = room.rtpFor(b, got[room.subs[b].port], &again_rx);
  BOOST_REQUIRE_EQUAL(plain.size(), 1u);
  BOOST_TEST(plain[0].bytes == orig_b[4].bytes);
  const WorkerStats w = room.r.dp.stats().workers.at(0);
  BOOST_TEST(w.nack_in == 4u);
  BOOST_TEST(w.rtx_sent == 3u);
  BOOST_TEST(w.rtx_cache_miss == 1u);  // 9999 was never sent
}

namespace {
struct CacheCase {
  const char* engine;
  std::size_t fanout;  // 1: each packet rewritten and encrypted in the mbuf it came in; 2: into copies
  bool vp8;            // VP8: the route rewrites the payload descriptor, so the plaintext goes back into the packet
};
std::ostream& operator<<(std::ostream& os, const CacheCase& c) {
  return os << c.engine << " fan-out " << c.fanout << (c.vp8 ? " vp8" : "");
}
const CacheCase kCacheCases[] = {{"libsrtp2", 1, false}, {"libsrtp2", 2, true},  {"ipsec-mb", 1, false},
                                 {"ipsec-mb", 1, true},  {"ipsec-mb", 2, false}, {"ipsec-mb", 2, true}};
}  // namespace

// Packets are decrypted straight into the retransmission cache (SrtpEngine::unprotectInto) and forwarded from there;
// a forged packet decrypts into the slot it claims and fails: that slot's older packet is no longer answered, no
// garbage ever is, and the genuine packet that comes later takes the slot.
BOOST_DATA_TEST_CASE(packets_decrypted_into_the_cache_go_out_and_are_resent_byte_exact_and_forged_ones_spoil_nothing,
                     boost::unit_test::data::make(kCacheCases), c) {
  Room room(quietConfig(), makeSrtpEngineFactory(c.engine));
  BOOST_REQUIRE_EQUAL(room.r.dp.stats().engine.substr(0, 4), std::string(c.engine).substr(0, 4));
  InboundStreamSpec is;
  is.nack_cache_packets = 64;
  if (c.vp8) is.codec = VideoCodec::Vp8;
  const StreamId in = room.publish(0xAAAA, is);
  std::vector<std::size_t> subs;
  for (std::size_t k = 0; k < c.fanout; ++k) {
    StreamId out = 0;
    subs.push_back(room.subscribe(static_cast<std::uint32_t>(0x5000 + k), 0, out));
    RouteId route = 0;
    ok(room.r.dp.addRoute(RouteSpec{in, out, {}, {}, {}, false}, route));
  }
  BOOST_REQUIRE(room.r.dp.sync());
  auto packet = [&](std::uint16_t seq) {
    return c.vp8 ? vp8(0xAAAA, seq, 3000u * seq, seq, 0, 0, seq == 2000, 0)
                 : rtp(0xAAAA, seq, 3000u * seq, 96, 60 + seq % 200);
  };
  const std::size_t body_at = c.vp8 ? 12 + 6 : 12;  // past the VP8 descriptor the route rewrites
  for (std::uint16_t seq = 2000; seq < 2070; ++seq)
    room.send(0xAAAA, packet(seq));
  room.waitIn(in, 70);
  // 2070..2074 forged (protected, then a tag bit flipped): they claim the slots of 2006..2010 and fail.
  std::vector<Bytes> genuine;
  for (std::uint16_t seq = 2070; seq < 2075; ++seq) {
    genuine.push_back(room.pub.protect(*room.tx.at(0xAAAA), packet(seq), room.mac));
    Bytes forged = genuine.back();
    forged.back() ^= 0x01;
    room.r.send(forged);
  }
  for (int i = 0; i < 300 && room.r.dp.stats().streams.at(in).drops["srtp_auth"] < 5; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_REQUIRE_EQUAL(room.r.dp.stats().streams.at(in).drops["srtp_auth"], 5u);
  auto nackFromEach = [&](const std::vector<std::uint16_t>& lost) {
    for (std::size_t k = 0; k < subs.size(); ++k) {
      Bytes nack(128);
      nack.resize(proto::buildNack(nack.data(), nack.size(), kSubRtcp, static_cast<std::uint32_t>(0x5000 + k),
                                   lost.data(), lost.size()));
      BOOST_REQUIRE(!nack.empty());
      room.sendRtcpFromSub(subs[k], nack);
    }
  };
  // Each subscriber NACKs 2006..2010 now: their slots were spoiled, none is answered (and no garbage goes out).
  nackFromEach({2006, 2007, 2008, 2009, 2010});
  for (int i = 0; i < 300 && room.r.dp.stats().workers.at(0).rtx_cache_miss < 5 * subs.size(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  BOOST_TEST(room.r.dp.stats().workers.at(0).rtx_cache_miss == 5u * subs.size());
  BOOST_TEST(room.r.dp.stats().workers.at(0).rtx_sent == 0u);
  for (const Bytes& f : genuine)
    room.r.send(f);
  room.waitIn(in, 75);
  auto got = room.drainUntil([&](auto& m) {
    for (std::size_t k : subs)
      if (m[room.subs[k].port].size() < 75) return false;
    return true;
  });
  std::vector<std::vector<Rx>> sent;
  for (std::size_t k : subs) {
    sent.push_back(room.rtpFor(k, got[room.subs[k].port]));
    BOOST_REQUIRE_EQUAL(sent.back().size(), 75u);
    for (std::size_t i = 0; i < 75; ++i) {
      const Bytes want = packet(static_cast<std::uint16_t>(2000 + i));
      BOOST_TEST_CONTEXT("subscriber " << k << ", packet " << 2000 + i) {
        BOOST_TEST(sent.back()[i].rtp.sequence == 2000 + i);
        BOOST_TEST(Bytes(sent.back()[i].bytes.begin() + body_at, sent.back()[i].bytes.end()) ==
                       Bytes(want.begin() + body_at, want.end()),
                   boost::test_tools::per_element());
      }
    }
  }

  // Then 2060..2074: all there, the last five the genuine packets that came after the forged ones.
  std::vector<std::uint16_t> lost;
  for (std::uint16_t seq = 2060; seq < 2075; ++seq)
    lost.push_back(seq);
  nackFromEach(lost);
  got = room.drainUntil([&](auto& m) {
    for (std::size_t k : subs)
      if (m[room.subs[k].port].size() < 15) return false;
    return true;
  });
  for (std::size_t k = 0; k < subs.size(); ++k) {
    // A fresh stock receiver: the first one has seen these packets already.
    LibsrtpReferenceSession again(room.subs[subs[k]].from_appliance, static_cast<std::uint32_t>(0x5000 + k),
                                  SrtpDirection::Inbound);
    const auto resent = room.rtpFor(subs[k], got[room.subs[subs[k]].port], &again);
    BOOST_REQUIRE_EQUAL(resent.size(), 15u);
    for (std::size_t i = 0; i < 15; ++i)
      BOOST_TEST(resent[i].bytes == sent[k][60 + i].bytes);
  }
  const WorkerStats w = room.r.dp.stats().workers.at(0);
  BOOST_TEST(w.rtx_sent == 15u * subs.size());
  BOOST_TEST(w.rtx_cache_miss == 5u * subs.size());
}

BOOST_AUTO_TEST_CASE(gaps_are_nacked_toward_the_publisher_and_rtx_fills_them) {
  Room room;
  InboundStreamSpec is;
  is.generate_nack = true;
  is.rtx_ssrc = 0xAAAB;
  is.rtx_payload_types = {{97, 96}};
  const StreamId in = room.publish(0xAAAA, is);
  room.tx[0xAAAB] = std::make_unique<LibsrtpReferenceSession>(room.pub.to_appliance, 0xAAAB, SrtpDirection::Outbound);
  StreamId out = 0;
  const std::size_t sub = room.subscribe(0x5555, 0, out);
  RouteId rid = 0;
  ok(room.r.dp.addRoute(RouteSpec{in, out, {}, {}, {}, false}, rid));
  BOOST_REQUIRE(room.r.dp.sync());
  for (std::uint16_t s : {0, 1, 2, 5})
    room.send(0xAAAA, rtp(0xAAAA, s, 3000u * s, 96, 120));
  room.waitIn(in, 4);
  auto got = room.drainUntil(Room::atLeast(room.pub.port, 1), 0);
  // The first NACK asks for 3 and 4 (one FCI entry).
  std::vector<std::vector<std::uint16_t>> nacks;
  auto collectNacks = [&](const std::vector<Bytes>& frames) {
    for (const Bytes& x : room.rtcpToPub(frames)) {
      const proto::RtcpBlock b = block(x);
      if (b.type != proto::rtcp::kRtpfb || b.count != proto::rtcp::kFmtNack) continue;
      BOOST_TEST(b.media_ssrc() == 0xAAAAu);
      std::uint16_t seqs[32];
      const std::size_t n = proto::nackSequences(b, seqs, 32);
      nacks.emplace_back(seqs, seqs + n);
    }
  };
  collectNacks(got[room.pub.port]);
  BOOST_REQUIRE_EQUAL(nacks.size(), 1u);
  BOOST_TEST(nacks[0] == (std::vector<std::uint16_t>{3, 4}), boost::test_tools::per_element());
  // The publisher answers 3 with RTX (OSN 3); 4 stays lost and is asked again, three times in all.
  Bytes orig3 = rtp(0xAAAA, 3, 9000, 96, 120);
  Bytes r3 = rtp(0xAAAB, 77, 9000, 97, 2 + orig3.size() - 12);
  r3[12] = 0;
  r3[13] = 3;
  std::copy(orig3.begin() + 12, orig3.end(), r3.begin() + 14);
  room.send(0xAAAB, r3);
  proto::store16(&r3[2], 78);
  room.send(0xAAAB, r3);  // a second retransmission of 3: not asked for any more, dropped
  got =
      room.drainUntil([&](auto& m) { return m[room.pub.port].size() >= 2 && m[room.subs[sub].port].size() >= 1; }, 400);
  collectNacks(got[room.pub.port]);
  BOOST_REQUIRE_EQUAL(nacks.size(), 3u);
  BOOST_TEST(nacks[1] == std::vector<std::uint16_t>{4}, boost::test_tools::per_element());
  BOOST_TEST(nacks[2] == std::vector<std::uint16_t>{4}, boost::test_tools::per_element());
  const auto pkts = room.rtpFor(sub, got[room.subs[sub].port]);
  BOOST_REQUIRE_EQUAL(pkts.size(), 1u);  // the recovered packet, forwarded as the original
  BOOST_TEST(pkts[0].rtp.sequence == 3u);
  BOOST_TEST(pkts[0].rtp.timestamp == 9000u);
  BOOST_TEST(pkts[0].rtp.payload_type == 96u);
  BOOST_TEST(Bytes(pkts[0].payload(), pkts[0].bytes.data() + pkts[0].bytes.size()) ==
             Bytes(orig3.begin() + 12, orig3.end()));
  // The RTX SSRC's own SRs are accepted (its SRTCP context comes with the stream).
  Bytes sr(28);
  proto::buildSr(sr.data(), sr.size(), 0xAAAB, 1, 2, 3, 4);
  room.sendRtcpFromPub(0xAAAB, sr);
  for (int i = 0; i < 200 && room.r.dp.stats().workers.at(0).rtcp_in < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const StatsSnapshot st = room.r.dp.stats();
  BOOST_TEST(st.workers.at(0).rtcp_in == 1u);
  BOOST_TEST(st.drop("unknown_rtcp_ssrc") == 0u);
  BOOST_TEST(st.drop("bad_rtcp") == 0u);
  BOOST_TEST(st.workers.at(0).nack_out == 4u);  // 3 and 4, then 4 twice more
  BOOST_TEST(st.workers.at(0).rtx_in == 1u);
  BOOST_TEST(st.drop("rtx") == 1u);
}

BOOST_AUTO_TEST_CASE(sender_reports_translate_the_publisher_mapping) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.rr_interval_ms = 100;
  Room room(cfg);
  const StreamId a = room.publish(0xAAAA);
  const StreamId b = room.publish(0xBBBB);
  StreamId out = 0;
  const std::size_t sub = room.subscribe(0x5555, 0, out);
  RouteId rid = 0;
  ok(room.r.dp.addRoute(RouteSpec{a, out, {}, {}, {}, false}, rid));
  BOOST_REQUIRE(room.r.dp.sync());
  std::uint32_t octets = 0;
  for (int i = 0; i < 3; ++i, octets += 100)
    room.send(0xAAAA, rtp(0xAAAA, static_cast<std::uint16_t>(10 + i), 1000u + 3000u * i, 96, 100));
  room.waitIn(a, 3);
  ok(room.r.dp.moveRoute(rid, b));  // the output continues with b's packets: a non-zero timestamp offset
  BOOST_REQUIRE(room.r.dp.sync());
  for (int i = 0; i < 4; ++i, octets += 200)
    room.send(0xBBBB, rtp(0xBBBB, static_cast<std::uint16_t>(500 + i), 7000000u + 3000u * i, 96, 200));
  room.waitIn(b, 4);
  Bytes sr(28);
  const std::uint64_t pub_ntp = (std::uint64_t{3900000000u} << 32) | 0x80000000u;  // x.5 s
  const std::uint32_t pub_rtp = 7009000;
  BOOST_REQUIRE_EQUAL(proto::buildSr(sr.data(), sr.size(), 0xBBBB, pub_ntp, pub_rtp, 4, 800), 28u);
  room.sendRtcpFromPub(0xBBBB, sr);
  auto got = room.drainUntil(Room::atLeast(room.subs[sub].port, 9));  // 7 RTP, at least 2 SRs
  const auto pkts = room.rtpFor(sub, got[room.subs[sub].port]);
  BOOST_REQUIRE_EQUAL(pkts.size(), 7u);
  const std::uint32_t offset = pkts[3].rtp.timestamp - 7000000u;  // b's route offset as seen on the wire
  LibsrtpReferenceSession rtcp_rx(room.subs[sub].from_appliance, 0x5555, SrtpDirection::Inbound);
  int srs = 0;
  for (const Bytes& f : got[room.subs[sub].port]) {
    Bytes p;
    BOOST_REQUIRE(payloadTo(f, room.subs[sub], room.mac, p));
    if (p[1] != proto::rtcp::kSr) continue;
    int len = static_cast<int>(p.size());
    BOOST_REQUIRE(rtcp_rx.unprotect(p.data(), len, true) == srtp_err_status_ok);
    ++srs;
    BOOST_TEST(proto::load32(&p[4]) == 0x5555u);
    const std::uint64_t ntp = (std::uint64_t{proto::load32(&p[8])} << 32) | proto::load32(&p[12]);
    const std::uint32_t rtp_ts = proto::load32(&p[16]);
    // The elapsed time since the publisher's SR, in ms, from the NTP difference; the RTP time moved by the same.
    const std::uint64_t elapsed_ms = ((ntp - pub_ntp) * 1000 + (1ull << 31)) >> 32;
    BOOST_TEST(elapsed_ms < 1000u);
    BOOST_TEST(rtp_ts == pub_rtp + offset + static_cast<std::uint32_t>(elapsed_ms * 90));
    BOOST_TEST(proto::load32(&p[20]) == 7u);      // packets sent on 0x5555
    BOOST_TEST(proto::load32(&p[24]) == octets);  // payload octets sent
  }
  BOOST_TEST(srs >= 2);
  BOOST_TEST(room.r.dp.stats().workers.at(0).sr_out >= 2u);
}

BOOST_AUTO_TEST_CASE(simulcast_switches_2_0_1_only_at_keyframes_with_continuous_output) {
  Room room;
  const std::uint32_t ssrc[3] = {0xA000, 0xA001, 0xA002};
  std::vector<StreamId> layers;
  for (int l = 0; l < 3; ++l) {
    InboundStreamSpec is;
    is.codec = VideoCodec::Vp8;
    is.layer = static_cast<std::uint8_t>(l);
    layers.push_back(room.publish(ssrc[l], is));
  }
  StreamId out = 0;
  const std::size_t sub = room.subscribe(0x5555, 0, out);
  RouteSpec rs;
  rs.out = out;
  rs.layers = layers;
  rs.target.substream = 2;
  rs.target.temporal = 2;
  rs.target.fallback_ms = 2000;
  RouteId rid = 0;
  ok(room.r.dp.addRoute(rs, rid));
  BOOST_REQUIRE(room.r.dp.sync());

  // Frame f of every layer: seq 100*l + f, own timestamp base and PictureID base per layer. Layer 2 first in each
  // round, so the route starts on it.
  int frame = 0;
  std::uint64_t sent[3] = {0, 0, 0};
  auto round = [&](std::initializer_list<int> keyframe_layers) {
    for (int l = 2; l >= 0; --l) {
      bool key = false;
      for (int k : keyframe_layers)
        key = key || k == l;
      room.send(ssrc[l], vp8(ssrc[l], static_cast<std::uint16_t>(1000 * l + frame), 50000u * l + 3000u * frame,
                             static_cast<std::uint16_t>(1000 * l + frame), static_cast<std::uint8_t>(10 * l + frame), 0,
                             key, static_cast<std::uint8_t>(l)));
      ++sent[l];
    }
    ++frame;
    for (int l = 0; l < 3; ++l)
      room.waitIn(layers[l], sent[l]);
  };
  round({0, 1, 2});  // starts on layer 2
  round({});
  ok(room.r.dp.setLayerTarget(rid, LayerTarget{0, 2, 2000}));
  BOOST_REQUIRE(room.r.dp.sync());
  round({});  // still layer 2: no keyframe on 0 yet (a PLI asks for it)
  round({});
  round({0});  // switch to 0
  round({2});  // a layer 2 keyframe changes nothing
  ok(room.r.dp.setLayerTarget(rid, LayerTarget{1, 2, 2000}));
  BOOST_REQUIRE(room.r.dp.sync());
  round({});
  round({1});  // switch to 1
  round({});
  auto got = room.drainUntil(Room::atLeast(room.subs[sub].port, 10));
  const auto pkts = room.rtpFor(sub, got[room.subs[sub].port]);
  // Layer 2 until layer 0's keyframe (frame 4: layer 2's frame 4 precedes it), layer 1 from its keyframe (frame 7).
  const int want_layers[] = {2, 2, 2, 2, 2, 0, 0, 0, 1, 1};
  BOOST_REQUIRE_EQUAL(pkts.size(), std::size(want_layers));
  Vp8Descriptor prev{};
  for (std::size_t i = 0; i < pkts.size(); ++i) {
    const Rx& p = pkts[i];
    Vp8Descriptor d;
    BOOST_REQUIRE(parseVp8(p.payload(), p.rtp.payload_length, d) == Vp8ParseStatus::Ok);
    const int layer = p.payload()[d.size + 1];
    BOOST_TEST(layer == want_layers[i], "packet " << i);
    BOOST_TEST(p.rtp.ssrc == 0x5555u);
    BOOST_TEST(p.rtp.sequence == 1000 * 2 + i);  // continuous from the first layer's numbering
    if (i) {
      BOOST_TEST(static_cast<std::int32_t>(p.rtp.timestamp - pkts[i - 1].rtp.timestamp) > 0);
      BOOST_TEST(d.picture_id == ((prev.picture_id + 1) & 0x7fff), "picture id at " << i);
      BOOST_TEST(d.tl0picidx == static_cast<std::uint8_t>(prev.tl0picidx + 1), "tl0picidx at " << i);
      if (layer != want_layers[i - 1]) BOOST_TEST(d.keyframe, "switch at a keyframe, packet " << i);
    }
    prev = d;
  }
  std::vector<std::uint32_t> changes;
  std::vector<Event> ev;
  room.r.dp.pollEvents(ev);
  for (const Event& e : ev)
    if (e.type == EventType::SubstreamChanged && e.id == rid) changes.push_back(e.value);
  BOOST_TEST(changes == (std::vector<std::uint32_t>{2, 0, 1}), boost::test_tools::per_element());
  // While waiting for layer 0 and layer 1 keyframes the publisher was asked (PLI for those SSRCs).
  const auto plis = plisFor(room.rtcpToPub(got[room.pub.port]));
  BOOST_TEST(std::count(plis.begin(), plis.end(), ssrc[0]) >= 1);
  BOOST_TEST(std::count(plis.begin(), plis.end(), ssrc[1]) >= 1);
  BOOST_TEST(room.r.dp.stats().workers.at(0).layer_switches == 3u);
}

BOOST_AUTO_TEST_CASE(simulcast_falls_back_when_a_layer_stops_and_filters_temporal_layers) {
  Room room;
  const std::uint32_t ssrc[2] = {0xB000, 0xB001};
  std::vector<StreamId> layers;
  for (int l = 0; l < 2; ++l) {
    InboundStreamSpec is;
    is.codec = VideoCodec::Vp8;
    layers.push_back(room.publish(ssrc[l], is));
  }
  StreamId out = 0;
  const std::size_t sub = room.subscribe(0x5555, 0, out);
  RouteSpec rs;
  rs.out = out;
  rs.layers = layers;
  rs.target = LayerTarget{1, 0, 100};  // top layer, base temporal layer only, fallback after 100 ms
  RouteId rid = 0;
  ok(room.r.dp.addRoute(rs, rid));
  BOOST_REQUIRE(room.r.dp.sync());
  std::uint16_t seq[2] = {0, 0};
  std::uint16_t pic[2] = {0, 0};
  std::uint64_t n[2] = {0, 0};
  auto send = [&](int l, std::uint8_t tid, bool key, bool sync = false) {
    room.send(ssrc[l], vp8(ssrc[l], seq[l], 3000u * seq[l], pic[l], 0, tid, key, static_cast<std::uint8_t>(l), sync));
    ++seq[l];
    ++pic[l];
    room.waitIn(layers[l], ++n[l]);
  };
  // Layer 1 with temporal pattern 0 2 1 2 0 2 1 2: only TID 0 goes out.
  const std::uint8_t pattern[] = {0, 2, 1, 2, 0, 2, 1, 2};
  for (int i = 0; i < 8; ++i)
    send(1, pattern[i], i == 0);
  // Temporal up to 2: takes effect at the next base-layer frame; then every frame goes out.
  ok(room.r.dp.setLayerTarget(rid, LayerTarget{1, 2, 100}));
  BOOST_REQUIRE(room.r.dp.sync());
  send(1, 2, false);  // not yet: no sync point
  send(1, 0, false);  // switch up here
  send(1, 2, false);
  send(1, 1, false);
  // Layer 1 stops; after the fallback time layer 0 takes over at its keyframe.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  send(0, 0, false);  // no keyframe: not yet (a PLI asks for one)
  send(0, 0, true);
  send(0, 0, false);
  auto got = room.drainUntil(Room::atLeast(room.subs[sub].port, 7));
  const auto pkts = room.rtpFor(sub, got[room.subs[sub].port]);
  // Out: frames 0, 4 (TID 0) of the first eight; then TID0, TID2, TID1 after the upgrade; then layer 0's key + 1.
  const std::uint8_t want_tid[] = {0, 0, 0, 2, 1, 0, 0};
  const int want_layer[] = {1, 1, 1, 1, 1, 0, 0};
  BOOST_REQUIRE_EQUAL(pkts.size(), std::size(want_tid));
  for (std::size_t i = 0; i < pkts.size(); ++i) {
    Vp8Descriptor d;
    BOOST_REQUIRE(parseVp8(pkts[i].payload(), pkts[i].rtp.payload_length, d) == Vp8ParseStatus::Ok);
    BOOST_TEST(d.tid == want_tid[i], "packet " << i);
    BOOST_TEST(pkts[i].payload()[d.size + 1] == want_layer[i], "packet " << i);
    BOOST_TEST(pkts[i].rtp.sequence == i, "gap-free sequence at " << i);
    if (i) BOOST_TEST(static_cast<std::int32_t>(pkts[i].rtp.timestamp - pkts[i - 1].rtp.timestamp) > 0);
  }
  std::vector<std::pair<EventType, std::uint32_t>> ev_seen;
  std::vector<Event> ev;
  room.r.dp.pollEvents(ev);
  for (const Event& e : ev)
    if ((e.type == EventType::SubstreamChanged || e.type == EventType::TemporalChanged) && e.id == rid)
      ev_seen.emplace_back(e.type, e.value);
  const std::vector<std::pair<EventType, std::uint32_t>> want_ev{{EventType::SubstreamChanged, 1},
                                                                 {EventType::TemporalChanged, 0},
                                                                 {EventType::TemporalChanged, 2},
                                                                 {EventType::SubstreamChanged, 0}};
  BOOST_CHECK(ev_seen == want_ev);
  BOOST_TEST(ev_seen.size() == 4u);
  // 6 above TID 0, 1 TID 2 before the sync point, 1 of layer 0 before its keyframe.
  BOOST_TEST(room.r.dp.stats().drop("filtered") == 8u);
}

BOOST_AUTO_TEST_CASE(h264_simulcast_switches_at_idr_and_follows_a_switch_to_other_layers) {
  Room room;
  // Two publishers' layers (same transport here): A = 0xD000/0xD001, B = 0xE000/0xE001. The last payload byte tags
  // the source stream.
  const std::uint32_t a[2] = {0xD000, 0xD001}, b[2] = {0xE000, 0xE001};
  std::vector<StreamId> la, lb;
  for (int l = 0; l < 2; ++l) {
    InboundStreamSpec is;
    is.codec = VideoCodec::H264;
    la.push_back(room.publish(a[l], is));
    lb.push_back(room.publish(b[l], is));
  }
  StreamId out = 0;
  const std::size_t sub = room.subscribe(0x5555, 0, out);
  RouteSpec rs;
  rs.out = out;
  rs.layers = la;
  rs.target = LayerTarget{1, 0xff, 2000};
  RouteId rid = 0;
  ok(room.r.dp.addRoute(rs, rid));
  BOOST_REQUIRE(room.r.dp.sync());
  enum Kind { StapKey, FuStartIdr, FuMiddle, SingleIdr, NonIdr };
  std::map<std::uint32_t, std::uint16_t> seq;
  std::map<StreamId, std::uint64_t> n;
  auto send = [&](std::uint32_t ssrc, StreamId id, Kind k) {
    const auto tag = static_cast<std::uint8_t>((ssrc >> 8) | (ssrc & 0x0f));
    Bytes p;
    switch (k) {
      case StapKey:
        p = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, tag};
        break;
      case FuStartIdr:
        p = {0x7c, 0x85, tag};
        break;
      case FuMiddle:
        p = {0x7c, 0x05, tag};
        break;
      case SingleIdr:
        p = {0x65, tag};
        break;
      case NonIdr:
        p = {0x41, tag};
        break;
    }
    const std::uint16_t s = seq[ssrc]++;
    Bytes pkt = rtp(ssrc, s, 3000u * s, 96, p.size());
    std::copy(p.begin(), p.end(), pkt.begin() + 12);
    room.send(ssrc, pkt);
    room.waitIn(id, ++n[id]);
  };
  send(a[1], la[1], StapKey);  // start on layer 1
  send(a[0], la[0], StapKey);
  send(a[1], la[1], NonIdr);
  send(a[0], la[0], NonIdr);
  ok(room.r.dp.setLayerTarget(rid, LayerTarget{0, 0xff, 2000}));
  BOOST_REQUIRE(room.r.dp.sync());
  send(a[1], la[1], NonIdr);
  send(a[0], la[0], FuMiddle);  // not a keyframe start
  send(a[1], la[1], NonIdr);
  send(a[0], la[0], FuStartIdr);  // switch to layer 0
  send(a[1], la[1], NonIdr);
  send(a[0], la[0], NonIdr);
  ok(room.r.dp.moveRouteLayers(rid, lb));  // Janus `switch` to B: waits for B's keyframe on the target layer 0
  BOOST_REQUIRE(room.r.dp.sync());
  send(a[0], la[0], NonIdr);  // A is no longer routed
  send(b[0], lb[0], NonIdr);
  send(b[0], lb[0], SingleIdr);
  send(b[0], lb[0], NonIdr);
  auto got = room.drainUntil(Room::atLeast(room.subs[sub].port, 8));
  const auto pkts = room.rtpFor(sub, got[room.subs[sub].port]);
  // A's layer 1 until its layer 0 IDR (FU-A start), then B's layer 0 from its IDR (single NAL).
  const std::uint8_t src[] = {0xD1, 0xD1, 0xD1, 0xD1, 0xD0, 0xD0, 0xE0, 0xE0};
  BOOST_REQUIRE_EQUAL(pkts.size(), std::size(src));
  for (std::size_t i = 0; i < pkts.size(); ++i) {
    BOOST_TEST(pkts[i].bytes.back() == src[i], "packet " << i);
    BOOST_TEST(pkts[i].rtp.sequence == i, "continuous sequence at " << i);
    if (i) BOOST_TEST(static_cast<std::int32_t>(pkts[i].rtp.timestamp - pkts[i - 1].rtp.timestamp) > 0);
  }
  std::vector<std::uint32_t> changes;
  std::vector<Event> ev;
  room.r.dp.pollEvents(ev);
  for (const Event& e : ev)
    if (e.type == EventType::SubstreamChanged && e.id == rid) changes.push_back(e.value);
  BOOST_TEST(changes == (std::vector<std::uint32_t>{1, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(room.r.dp.moveRouteLayers(rid, {la[0], la[0]}) == ApiStatus::InvalidArgument);
  BOOST_TEST(room.r.dp.moveRouteLayers(rid, {}) == ApiStatus::InvalidArgument);
  BOOST_TEST(room.r.dp.setLayerTarget(rid, LayerTarget{3, 0, 0}) == ApiStatus::InvalidArgument);
  // Removing a layer stream removes the routes over it.
  ok(room.r.dp.removeStream(lb[1]));
  BOOST_TEST(room.r.dp.setRoutePaused(rid, true) == ApiStatus::NotFound);
}
