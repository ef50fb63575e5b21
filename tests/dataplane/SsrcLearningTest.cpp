// Dataplane tier: SSRC learning by mid/rid. An inbound stream declared with SSRC 0 and a mid (and rid) binds the
// SSRC of the first SRTP packet (from stock libsrtp2) whose RFC 8285 header extension carries them, one-byte and
// two-byte forms, with both engines: intel-ipsec-mb rebinds its context in the worker (no packet lost), libsrtp2
// gets a fresh context from the control side (the packets before it arrives are counted drops). A SsrcLearned
// event names the stream and the SSRC; other SSRCs stay counted `unknown_ssrc` drops.
#define BOOST_TEST_MODULE dataplane_ssrc_learning
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>

#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, ApiStatus s) {
  return os << apiStatusName(s);
}
}  // namespace portunus::dp

namespace {

struct LearnCase {
  const char* engine;
  bool two_byte;
  std::string mid, rid;
};
std::ostream& operator<<(std::ostream& os, const LearnCase& c) {
  return os << c.engine << (c.two_byte ? " two-byte" : " one-byte") << " mid=" << c.mid << " rid=" << c.rid;
}

const LearnCase kCases[] = {
    {"ipsec-mb", false, "1", ""},
    {"ipsec-mb", true, "video", "hi"},
    {"libsrtp2", false, "0", "q"},
    {"libsrtp2", true, "1", ""},
};

constexpr std::uint8_t kMidId = 4, kRidId = 10;

/** An RTP packet with an RFC 8285 header extension block holding `elements` (id, value). */
Bytes rtpWithExtensions(std::uint32_t ssrc, std::uint16_t seq, bool two_byte,
                        const std::vector<std::pair<std::uint8_t, std::string>>& elements) {
  Bytes ext;
  for (const auto& [id, value] : elements) {
    if (two_byte) {
      ext.push_back(id);
      ext.push_back(static_cast<std::uint8_t>(value.size()));
    } else {
      ext.push_back(static_cast<std::uint8_t>(id << 4 | (value.size() - 1)));
    }
    ext.insert(ext.end(), value.begin(), value.end());
  }
  ext.push_back(0);  // padding, as senders do
  while (ext.size() % 4)
    ext.push_back(0);
  const Bytes plain = rtp(ssrc, seq, 90u * seq, 96, 120);
  Bytes b(plain.begin(), plain.begin() + 12);
  b[0] |= 0x10;
  b.push_back(two_byte ? 0x10 : 0xBE);
  b.push_back(two_byte ? 0x00 : 0xDE);
  b.push_back(static_cast<std::uint8_t>(ext.size() / 4 >> 8));
  b.push_back(static_cast<std::uint8_t>(ext.size() / 4));
  b.insert(b.end(), ext.begin(), ext.end());
  b.insert(b.end(), plain.begin() + 12, plain.end());
  return b;
}

}  // namespace

BOOST_DATA_TEST_CASE(ssrc_is_learned_from_mid_and_rid, boost::unit_test::data::make(kCases), c) {
  if (std::string_view(c.engine) == "ipsec-mb" && !ipsecMbSupported()) {
    BOOST_TEST_MESSAGE("intel-ipsec-mb not supported here: case skipped");
    return;
  }
  RingDataplane r(1, quietConfig(), makeSrtpEngineFactory(c.engine));
  const MacAddress mac = r.dp.mediaMac();
  Peer a{5001, 40001, keys(SrtpProfile::AeadAes128Gcm, 5), keys(SrtpProfile::AeadAes128Gcm, 6)};
  BOOST_REQUIRE(r.dp.addTransport(a.spec(0), a.id) == ApiStatus::Ok);
  InboundStreamSpec is;
  is.transport = a.id;
  is.ssrc = 0;
  is.mid = c.mid;
  is.rid = c.rid;
  is.mid_ext_id = kMidId;
  is.rid_ext_id = c.rid.empty() ? 0 : kRidId;
  StreamId in = 0, out = 0;
  RouteId route = 0;
  // SSRC 0 needs a mid and its extension id.
  InboundStreamSpec bad = is;
  bad.mid_ext_id = 0;
  BOOST_TEST(r.dp.addInboundStream(bad, in) == ApiStatus::InvalidArgument);
  BOOST_REQUIRE(r.dp.addInboundStream(is, in) == ApiStatus::Ok);
  BOOST_TEST(r.dp.addInboundStream(is, out) == ApiStatus::Exists);  // the same mid/rid twice
  OutboundStreamSpec os;
  os.transport = a.id;
  os.ssrc = 0x2222;
  BOOST_REQUIRE(r.dp.addOutboundStream(os, out) == ApiStatus::Ok);
  BOOST_REQUIRE(r.dp.addRoute(RouteSpec{in, out, {}}, route) == ApiStatus::Ok);
  BOOST_REQUIRE(r.dp.sync());

  std::vector<std::pair<std::uint8_t, std::string>> ours{{kMidId, c.mid}};
  if (!c.rid.empty()) ours.emplace_back(kRidId, c.rid);
  std::vector<std::pair<std::uint8_t, std::string>> other{{kMidId, c.mid + "x"}};
  if (!c.rid.empty()) other = {{kMidId, c.mid}, {kRidId, "lo"}};

  // An SSRC whose extensions do not match: a counted drop, nothing learned.
  LibsrtpReferenceSession stranger(a.to_appliance, 0x7777, SrtpDirection::Outbound);
  for (std::uint16_t i = 0; i < 3; ++i)
    r.send(a.protect(stranger, rtpWithExtensions(0x7777, i, c.two_byte, other), mac));
  // No extension at all: dropped too.
  r.send(a.protect(stranger, rtp(0x7777, 3, 270, 96, 100), mac));
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 300).empty());

  // The first packet carrying our mid/rid binds its SSRC.
  LibsrtpReferenceSession tx(a.to_appliance, 0x5555, SrtpDirection::Outbound);
  r.send(a.protect(tx, rtpWithExtensions(0x5555, 100, c.two_byte, ours), mac));
  std::vector<Event> events;
  bool learned = false;
  for (int i = 0; i < 100 && !learned; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    events.clear();
    r.dp.pollEvents(events);  // also sends the contexts when the engine cannot rebind
    for (const Event& e : events)
      learned = learned || (e.type == EventType::SsrcLearned && e.id == in && e.value == 0x5555);
  }
  BOOST_REQUIRE(learned);
  BOOST_REQUIRE(r.dp.sync());
  // Later packets need no extension (senders stop sending mid once the SSRC is known).
  constexpr int kPackets = 10;
  for (int i = 1; i <= kPackets; ++i)
    r.send(a.protect(tx, rtp(0x5555, static_cast<std::uint16_t>(100 + i), 9000u + i, 96, 150), mac));
  const bool rebinds = std::string_view(c.engine) == "ipsec-mb";
  const std::size_t expect = kPackets + (rebinds ? 1 : 0);  // libsrtp2: the first packet waited for its context
  const auto frames = RingDataplane::collect(r.media_tx, expect);
  BOOST_REQUIRE_EQUAL(frames.size(), expect);
  LibsrtpReferenceSession rx(a.from_appliance, 0x2222, SrtpDirection::Inbound);
  for (const Bytes& f : frames) {
    Bytes payload;
    BOOST_REQUIRE(payloadTo(f, a, mac, payload));
    int len = static_cast<int>(payload.size());
    BOOST_REQUIRE(rx.unprotect(payload.data(), len, false) == srtp_err_status_ok);
    BOOST_TEST(proto::load32(&payload[8]) == 0x2222u);
  }
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 100).empty());
  // The stranger stays unknown after the binding.
  r.send(a.protect(stranger, rtpWithExtensions(0x7777, 4, c.two_byte, ours), mac));
  BOOST_TEST(RingDataplane::collect(r.media_tx, 1, 200).empty());
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.streams.at(in).packets_in == expect);
  BOOST_TEST(st.drop("unknown_ssrc") == (rebinds ? 5u : 6u));
  BOOST_TEST(st.drop("srtp_auth") == 0u);
}
