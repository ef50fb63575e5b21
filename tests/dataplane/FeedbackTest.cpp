// Dataplane tier: the RTCP the control plane asks for (requestKeyframe → PLI, setBitrateCap → REMB) and the
// feedback counters it reads back (inbound loss from reception stats, outbound loss and NACKs the remote reports),
// on real mbufs through net_ring ports, the remote peer being stock libsrtp2.
#define BOOST_TEST_MODULE dataplane_feedback
#include <boost/test/unit_test.hpp>

#include "common/proto/Remb.hpp"
#include "common/proto/RtcpPacket.hpp"
#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;
namespace config = portunus::config;

namespace {

constexpr std::uint32_t kPeerSsrc = 0xAAAA;  // what the peer sends (our inbound stream, its RTCP sender too)
constexpr std::uint32_t kOurSsrc = 0xBBBB;   // what we send it (the echo)
constexpr std::uint32_t kOurRtcp = 0xC0C0;

void ok(ApiStatus s) {
  BOOST_REQUIRE_MESSAGE(s == ApiStatus::Ok, "API status " << apiStatusName(s));
}

struct Echo {
  RingDataplane r{1};
  MacAddress mac = r.dp.mediaMac();
  Peer p{5001, 40001, keys(SrtpProfile::AeadAes128Gcm, 3), keys(SrtpProfile::AeadAes128Gcm, 4)};
  StreamId in = 0, out = 0;
  RouteId route = 0;
  LibsrtpReferenceSession tx{p.to_appliance, kPeerSsrc, SrtpDirection::Outbound};
  LibsrtpReferenceSession rtcp_rx{p.from_appliance, kOurRtcp, SrtpDirection::Inbound};

  Echo() {
    TransportSpec ts = p.spec(0);
    ts.rtcp_ssrc = kOurRtcp;
    ts.remote_mac = kClientMac;  // RTCP may leave before the peer sent anything
    ok(r.dp.addTransport(ts, p.id));
    InboundStreamSpec is;
    is.transport = p.id;
    is.ssrc = kPeerSsrc;
    ok(r.dp.addInboundStream(is, in));
    OutboundStreamSpec os;
    os.transport = p.id;
    os.ssrc = kOurSsrc;
    ok(r.dp.addOutboundStream(os, out));
    ok(r.dp.addRoute(RouteSpec{in, out, {}}, route));
    BOOST_REQUIRE(r.dp.sync());
  }

  /** The RTCP blocks the appliance sends the peer within `ms`, unprotected with stock libsrtp2. */
  std::vector<Bytes> rtcpBlocks(unsigned ms, std::size_t want) {
    std::vector<Bytes> blocks;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (blocks.size() < want && std::chrono::steady_clock::now() < deadline) {
      for (const Bytes& f : RingDataplane::collect(r.media_tx, 1, 50)) {
        Bytes pkt;
        if (!payloadTo(f, p, mac, pkt) || pkt.size() < 2 || pkt[1] < 192 || pkt[1] > 223) continue;  // RTCP only
        int len = static_cast<int>(pkt.size());
        BOOST_REQUIRE(rtcp_rx.unprotect(pkt.data(), len, true) == srtp_err_status_ok);
        proto::RtcpCompound c(pkt.data(), static_cast<std::size_t>(len));
        proto::RtcpBlock b;
        while (c.next(b) == proto::RtcpParseStatus::Ok)
          blocks.emplace_back(b.data, b.data + b.length);
      }
    }
    return blocks;
  }
};

proto::RtcpBlock blockOf(const Bytes& b) {
  proto::RtcpBlock out;
  proto::RtcpCompound(b.data(), b.size()).next(out);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(request_keyframe_sends_one_pli_at_once) {
  Echo e;
  ok(e.r.dp.requestKeyframe(e.in));
  const auto blocks = e.rtcpBlocks(1000, 1);
  BOOST_REQUIRE_EQUAL(blocks.size(), 1u);
  const proto::RtcpBlock b = blockOf(blocks[0]);
  BOOST_TEST(b.type == proto::rtcp::kPsfb);
  BOOST_TEST(b.count == proto::rtcp::kFmtPli);
  BOOST_TEST(b.sender_ssrc == kOurRtcp);
  BOOST_TEST(b.media_ssrc() == kPeerSsrc);
  BOOST_TEST(e.r.dp.stats().workers.at(0).keyframe_requests == 1u);
  BOOST_TEST((e.r.dp.requestKeyframe(9999) == ApiStatus::NotFound));
}

BOOST_AUTO_TEST_CASE(bitrate_cap_sends_remb_every_second_until_lifted) {
  Echo e;
  ok(e.r.dp.setBitrateCap(e.p.id, 300'000));
  const auto blocks = e.rtcpBlocks(1500, 2);  // at once, then a second later
  BOOST_REQUIRE_EQUAL(blocks.size(), 2u);
  for (const Bytes& raw : blocks) {
    proto::Remb remb;
    std::uint32_t ssrcs[4] = {};
    BOOST_REQUIRE(proto::parseRemb(blockOf(raw), remb, ssrcs, 4));
    BOOST_TEST(remb.bps == 300'000u);
    BOOST_TEST(remb.count == 1u);
    BOOST_TEST(ssrcs[0] == kPeerSsrc);
    BOOST_TEST(blockOf(raw).sender_ssrc == kOurRtcp);
  }
  ok(e.r.dp.setBitrateCap(e.p.id, 0));
  BOOST_REQUIRE(e.r.dp.sync());
  RingDataplane::drain(e.r.media_tx);
  BOOST_TEST(e.rtcpBlocks(1300, 1).empty());
  BOOST_TEST(e.r.dp.stats().workers.at(0).remb_out == 2u);
  BOOST_TEST((e.r.dp.setBitrateCap(9999, 1) == ApiStatus::NotFound));
}

BOOST_AUTO_TEST_CASE(loss_and_nack_counters) {
  Echo e;
  // Inbound: sequence 0, 1, 3, 4, 7 -> 3 lost (2, 5, 6).
  for (std::uint16_t seq : {0, 1, 3, 4, 7})
    e.r.send(e.p.protect(e.tx, rtp(kPeerSsrc, seq, seq * 960u, 111, 40), e.mac));
  BOOST_REQUIRE_EQUAL(RingDataplane::collect(e.r.media_tx, 5).size(), 5u);
  // The peer's RR about our echo (cumulative lost 7) and a NACK for PID 10 + BLP 0b101 (3 packets).
  proto::RtcpReportBlock rb;
  rb.ssrc = kOurSsrc;
  rb.cumulative_lost = 7;
  rb.highest_seq = 20;
  Bytes rtcp(64);
  std::size_t n = proto::buildRr(rtcp.data(), rtcp.size(), kPeerSsrc, &rb, 1);
  BOOST_REQUIRE(n > 0);
  const Bytes nack = {0x81, 205, 0, 3, 0, 0, 0xAA, 0xAA, 0, 0, 0xBB, 0xBB, 0, 10, 0, 5};
  std::copy(nack.begin(), nack.end(), rtcp.begin() + static_cast<std::ptrdiff_t>(n));
  rtcp.resize(n + nack.size());
  e.r.send(e.p.protect(e.tx, rtcp, e.mac, true));
  CounterSnapshot in, out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  do {
    const StatsSnapshot s = e.r.dp.stats();
    in = s.streams.at(e.in);
    out = s.streams.at(e.out);
    if (out.nacks) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  } while (std::chrono::steady_clock::now() < deadline);
  BOOST_TEST(in.packets_in == 5u);
  BOOST_TEST(in.lost == 3u);
  BOOST_TEST(out.lost == 7u);
  BOOST_TEST(out.nacks == 3u);
  BOOST_TEST(e.r.dp.stats().transports.at(e.p.id).drops.empty());
}
