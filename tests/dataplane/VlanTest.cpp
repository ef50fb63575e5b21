// Dataplane tier: `dataplane.port.vlan` on net_ring ports. Frames leave the media port 802.1Q-tagged with the
// configured VID, tagged frames with that VID are accepted (fast path and punts), other VIDs and untagged frames are
// a counted `wrong_vlan` drop, and the exception interface sees untagged frames both ways.
#define BOOST_TEST_MODULE dataplane_vlan
#include <boost/test/unit_test.hpp>

#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;
namespace config = portunus::config;

namespace {

constexpr std::uint16_t kVid = 100;

Bytes tagged(const Bytes& f, std::uint16_t vid) {
  Bytes t(f.begin(), f.begin() + 12);
  t.push_back(0x81);
  t.push_back(0x00);
  t.push_back(static_cast<std::uint8_t>(vid >> 8));
  t.push_back(static_cast<std::uint8_t>(vid));
  t.insert(t.end(), f.begin() + 12, f.end());
  return t;
}

Bytes untagged(const Bytes& f) {
  Bytes u(f.begin(), f.begin() + 12);
  u.insert(u.end(), f.begin() + 16, f.end());
  return u;
}

Bytes arpRequest() {
  Bytes arp(42, 0);
  std::memset(arp.data(), 0xff, 6);
  std::memcpy(&arp[6], kClientMac.data(), 6);
  arp[12] = 0x08;
  arp[13] = 0x06;
  return arp;
}

/** An echo transport on worker 0: inbound SSRC 0x1111 routed to outbound 0x2222 on the same transport. */
Peer echoPeer(RingDataplane& r) {
  Peer a{5001, 40001, keys(SrtpProfile::AeadAes128Gcm, 3), keys(SrtpProfile::AeadAes128Gcm, 4)};
  BOOST_REQUIRE(r.dp.addTransport(a.spec(0), a.id) == ApiStatus::Ok);
  StreamId in = 0, out = 0;
  RouteId route = 0;
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0x1111;
  BOOST_REQUIRE(r.dp.addInboundStream(is, in) == ApiStatus::Ok);
  OutboundStreamSpec os;
  os.transport = a.id;
  os.ssrc = 0x2222;
  BOOST_REQUIRE(r.dp.addOutboundStream(os, out) == ApiStatus::Ok);
  BOOST_REQUIRE(r.dp.addRoute(RouteSpec{in, out, {}}, route) == ApiStatus::Ok);
  BOOST_REQUIRE(r.dp.sync());
  return a;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tagged_port_forwards_punts_and_drops_other_vids) {
  config::DataplaneConfig cfg = quietConfig();
  cfg.port.vlan = kVid;
  RingDataplane r(1, cfg);
  const MacAddress mac = r.dp.mediaMac();
  const Peer a = echoPeer(r);
  LibsrtpReferenceSession tx(a.to_appliance, 0x1111, SrtpDirection::Outbound);
  LibsrtpReferenceSession rx(a.from_appliance, 0x2222, SrtpDirection::Inbound);

  // Fast path: tagged in, tagged out, decryptable by stock libsrtp2.
  constexpr int kPackets = 5;
  for (int i = 0; i < kPackets; ++i)
    r.send(tagged(a.protect(tx, rtp(0x1111, static_cast<std::uint16_t>(i), 90u * i, 96, 200), mac), kVid));
  const auto frames = RingDataplane::collect(r.media_tx, kPackets);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(kPackets));
  for (const Bytes& f : frames) {
    BOOST_REQUIRE(f.size() > 46);
    BOOST_TEST(proto::load16(&f[12]) == 0x8100);
    BOOST_TEST((proto::load16(&f[14]) & 0x0fff) == kVid);
    Bytes payload;
    BOOST_REQUIRE(payloadTo(untagged(f), a, mac, payload));
    int len = static_cast<int>(payload.size());
    BOOST_TEST(rx.unprotect(payload.data(), len, false) == srtp_err_status_ok);
    BOOST_TEST(proto::load32(&payload[8]) == 0x2222u);
  }

  // Other VIDs and untagged frames: counted drops, nothing out, nothing to the kernel.
  r.send(tagged(a.protect(tx, rtp(0x1111, 100, 9000, 96, 200), mac), 200));
  r.send(a.protect(tx, rtp(0x1111, 101, 9090, 96, 200), mac));
  r.send(arpRequest());

  // Punts: the kernel gets the frame untagged.
  r.send(tagged(arpRequest(), kVid));
  const auto punted = RingDataplane::collect(r.exc_tx, 1);
  BOOST_REQUIRE_EQUAL(punted.size(), 1u);
  BOOST_TEST(punted[0] == arpRequest());

  // Kernel -> wire: tagged with the port's VID.
  const Bytes reply = frame(kClientMac, mac, kApplianceIp, 8088, kClientIp, 5555, Bytes(100, 7));
  r.inject(r.exc_rx, reply);
  const auto out = RingDataplane::collect(r.media_tx, 1);
  BOOST_REQUIRE_EQUAL(out.size(), 1u);
  BOOST_TEST(out[0] == tagged(reply, kVid));

  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 100).empty());
  BOOST_TEST(RingDataplane::collect(r.exc_tx, 1, 100).empty());
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.drop("wrong_vlan") == 3u);
  BOOST_TEST(st.punt("arp") == 1u);
  BOOST_TEST(st.workers.at(0).tx_packets == static_cast<std::uint64_t>(kPackets + 1));
}

BOOST_AUTO_TEST_CASE(untagged_port_drops_tagged_frames) {
  RingDataplane r(1);
  const MacAddress mac = r.dp.mediaMac();
  const Peer a = echoPeer(r);
  LibsrtpReferenceSession tx(a.to_appliance, 0x1111, SrtpDirection::Outbound);
  r.send(tagged(a.protect(tx, rtp(0x1111, 1, 90, 96, 200), mac), kVid));
  r.send(tagged(arpRequest(), kVid));
  r.send(a.protect(tx, rtp(0x1111, 2, 180, 96, 200), mac));
  const auto frames = RingDataplane::collect(r.media_tx, 1);
  BOOST_REQUIRE_EQUAL(frames.size(), 1u);
  BOOST_TEST(proto::load16(&frames[0][12]) == 0x0800);  // untagged out
  BOOST_TEST(RingDataplane::collect(r.exc_tx, 1, 100).empty());
  BOOST_TEST(r.dp.stats().drop("wrong_vlan") == 2u);
}
