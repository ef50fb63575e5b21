#define BOOST_TEST_MODULE dataplane_classifier
#include <arpa/inet.h>

#include <algorithm>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <random>
#include <set>
#include <vector>

#include "dataplane/Classifier.hpp"

using namespace portunus::dp;
using Bytes = std::vector<std::uint8_t>;

namespace {

Bytes frame(std::uint8_t proto, const Bytes& l4, bool vlan = false) {
  Bytes f(vlan ? 18 : 14, 0);
  if (vlan) {
    f[12] = 0x81;
    f[14] = 0x00;
    f[15] = 42;
  }
  f[f.size() - 2] = 0x08;
  f[f.size() - 1] = 0x00;
  Bytes ip{0x45, 0, 0, 0, 0, 0, 0, 0, 64, proto, 0, 0, 198, 18, 10, 2, 198, 18, 10, 1};
  const auto total = static_cast<std::uint16_t>(20 + l4.size());
  ip[2] = static_cast<std::uint8_t>(total >> 8);
  ip[3] = static_cast<std::uint8_t>(total);
  f.insert(f.end(), ip.begin(), ip.end());
  f.insert(f.end(), l4.begin(), l4.end());
  return f;
}

Bytes udp(const Bytes& payload) {
  Bytes u{0x13, 0x88, 0x9c, 0x40, 0, 0, 0, 0};  // 5000 -> 40000
  const auto len = static_cast<std::uint16_t>(8 + payload.size());
  u[4] = static_cast<std::uint8_t>(len >> 8);
  u[5] = static_cast<std::uint8_t>(len);
  u.insert(u.end(), payload.begin(), payload.end());
  return u;
}

Bytes cut(Bytes f, std::size_t n) {
  f.resize(n);
  return f;
}

Bytes with(Bytes f, std::size_t at, std::uint8_t v) {
  f.at(at) = v;
  return f;
}

const Bytes kRtp{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
const Bytes kRtcp{0x80, 201, 0, 1, 0, 0, 0, 1};

struct Case {
  const char* name;
  Bytes frame;
  Verdict verdict;
  int reason;  // PuntReason or DropReason, by verdict; -1 for Udp
  portunus::proto::PacketKind kind = portunus::proto::PacketKind::Unknown;
};
std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.name;
}

const Case kCases[] = {
    {"rtp", frame(17, udp(kRtp)), Verdict::Udp, -1, portunus::proto::PacketKind::Rtp},
    {"rtcp", frame(17, udp(kRtcp)), Verdict::Udp, -1, portunus::proto::PacketKind::Rtcp},
    {"rtp in vlan", frame(17, udp(kRtp), true), Verdict::Udp, -1, portunus::proto::PacketKind::Rtp},
    {"stun", frame(17, udp({0, 1, 0, 0})), Verdict::Punt, int(PuntReason::Stun)},
    {"dtls", frame(17, udp({22, 0xfe, 0xfd})), Verdict::Punt, int(PuntReason::Dtls)},
    {"empty udp", frame(17, udp({})), Verdict::Punt, int(PuntReason::UnknownUdp)},
    {"other udp", frame(17, udp({0xff, 1})), Verdict::Punt, int(PuntReason::UnknownUdp)},
    {"icmp", frame(1, Bytes(8, 0)), Verdict::Punt, int(PuntReason::Icmp)},
    {"tcp", frame(6, Bytes(20, 0)), Verdict::Punt, int(PuntReason::Tcp)},
    {"sctp", frame(132, Bytes(12, 0)), Verdict::Punt, int(PuntReason::OtherL4)},
    {"fragment (MF)", with(frame(17, udp(kRtp)), 20, 0x20), Verdict::Punt, int(PuntReason::Fragment)},
    {"fragment (offset)", with(frame(17, udp(kRtp)), 21, 0x01), Verdict::Punt, int(PuntReason::Fragment)},
    {"DF is not a fragment", with(frame(17, udp(kRtp)), 20, 0x40), Verdict::Udp, -1, portunus::proto::PacketKind::Rtp},
    {"arp", with(with(Bytes(42, 0), 12, 0x08), 13, 0x06), Verdict::Punt, int(PuntReason::Arp)},
    {"ipv6", with(with(Bytes(60, 0), 12, 0x86), 13, 0xdd), Verdict::Punt, int(PuntReason::NonIpv4)},
    {"13 bytes", Bytes(13, 0), Verdict::Drop, int(DropReason::TruncatedEthernet)},
    {"vlan cut", with(with(Bytes(16, 0), 12, 0x81), 13, 0x00), Verdict::Drop, int(DropReason::TruncatedEthernet)},
    {"ip cut", cut(frame(17, udp(kRtp)), 30), Verdict::Drop, int(DropReason::TruncatedIpv4)},
    {"ip version 6 in ipv4", with(frame(17, udp(kRtp)), 14, 0x65), Verdict::Drop, int(DropReason::BadIpv4Header)},
    {"ihl 4", with(frame(17, udp(kRtp)), 14, 0x44), Verdict::Drop, int(DropReason::BadIpv4Header)},
    {"total length > frame", with(frame(17, udp(kRtp)), 16, 0x05), Verdict::Drop, int(DropReason::BadIpv4Length)},
    {"total length < ihl", with(with(frame(17, udp(kRtp)), 16, 0), 17, 10), Verdict::Drop,
     int(DropReason::BadIpv4Length)},
    {"udp header cut", frame(17, {0x13, 0x88, 0x9c}), Verdict::Drop, int(DropReason::TruncatedUdp)},
    {"udp length < 8", with(frame(17, udp(kRtp)), 39, 7), Verdict::Drop, int(DropReason::BadUdpLength)},
    {"udp length > ip", with(frame(17, udp(kRtp)), 39, 200), Verdict::Drop, int(DropReason::BadUdpLength)},
};

}  // namespace

BOOST_DATA_TEST_CASE(classify_in_documented_order, boost::unit_test::data::make(kCases), c) {
  const Classified r = classify(c.frame.data(), c.frame.size());
  BOOST_TEST(static_cast<int>(r.verdict) == static_cast<int>(c.verdict));
  if (c.verdict == Verdict::Punt) BOOST_TEST(static_cast<int>(r.punt) == c.reason, puntName(r.punt));
  if (c.verdict == Verdict::Drop) BOOST_TEST(static_cast<int>(r.drop) == c.reason, dropName(r.drop));
  if (c.verdict == Verdict::Udp) {
    BOOST_TEST(static_cast<int>(r.kind) == static_cast<int>(c.kind));
    BOOST_TEST(r.payload_off == c.frame.size() - r.payload_len);
  }
}

BOOST_AUTO_TEST_CASE(flow_key_is_local_destination_remote_source) {
  Bytes f = frame(17, udp(kRtp), true);
  f.resize(f.size() + 6, 0);  // Ethernet padding beyond the datagram is fine
  const Classified r = classify(f.data(), f.size());
  BOOST_REQUIRE(r.verdict == Verdict::Udp);
  BOOST_TEST(r.vlan == 42);
  BOOST_TEST(r.l2_len == 18);
  BOOST_TEST(r.l3_len == 20);
  BOOST_TEST(r.payload_len == kRtp.size());
  BOOST_TEST(ntohl(r.key.local_ip) == 0xC6120A01u);
  BOOST_TEST(ntohl(r.key.remote_ip) == 0xC6120A02u);
  BOOST_TEST(ntohs(r.key.local_port) == 40000);
  BOOST_TEST(ntohs(r.key.remote_port) == 5000);
}

BOOST_AUTO_TEST_CASE(reason_names_are_unique_and_complete) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kPuntReasons; ++i)
    names.insert(puntName(static_cast<PuntReason>(i)));
  for (std::size_t i = 0; i < kDropReasons; ++i)
    names.insert(dropName(static_cast<DropReason>(i)));
  BOOST_TEST(names.size() == kPuntReasons + kDropReasons);
  BOOST_TEST(names.count("invalid") == 0u);
}

namespace {

bool same(const Classified& a, const Classified& b) {
  return a.verdict == b.verdict && a.kind == b.kind && a.l2_len == b.l2_len && a.l3_len == b.l3_len &&
         a.payload_off == b.payload_off && a.payload_len == b.payload_len && a.vlan == b.vlan && a.key == b.key;
}

Bytes withOptions(Bytes f) {  // IHL 6: four bytes of IPv4 options
  f.insert(f.begin() + 34, {1, 1, 1, 0});
  f[14] = 0x46;
  f[17] = static_cast<std::uint8_t>(f[17] + 4);
  return f;
}

struct SameFlowCase {
  const char* name;
  Bytes prev;
  Bytes frame;
  bool same_flow;  // classifySameFlow answers for `frame` (then exactly as classify() does)
};
std::ostream& operator<<(std::ostream& os, const SameFlowCase& c) {
  return os << c.name;
}

const Bytes kRtpFrame = frame(17, udp(kRtp));
const Bytes kLongerRtp = frame(17, udp(Bytes{0x80, 96, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 9, 9, 9, 9}));

const SameFlowCase kSameFlow[] = {
    {"the same frame", kRtpFrame, kRtpFrame, true},
    {"a longer packet of the flow", kRtpFrame, kLongerRtp, true},
    {"RTCP after RTP", kRtpFrame, frame(17, udp(kRtcp)), true},
    {"Ethernet padding", kRtpFrame,
     [] {
       Bytes f = kRtpFrame;
       f.resize(f.size() + 6, 0);
       return f;
     }(),
     true},
    {"DF set", kRtpFrame, with(kRtpFrame, 20, 0x40), true},
    {"another IP id and TTL", kRtpFrame, with(with(kRtpFrame, 19, 7), 22, 3), true},
    {"tagged", frame(17, udp(kRtp), true), frame(17, udp(kRtcp), true), true},
    {"IP options", withOptions(kRtpFrame), withOptions(kLongerRtp), true},
    {"other destination MAC", kRtpFrame, with(kRtpFrame, 0, 2), false},
    {"other source MAC", kRtpFrame, with(kRtpFrame, 11, 2), false},
    {"other VLAN", frame(17, udp(kRtp), true), with(frame(17, udp(kRtp), true), 15, 43), false},
    {"untagged after tagged", frame(17, udp(kRtp), true), kRtpFrame, false},
    {"other TOS", kRtpFrame, with(kRtpFrame, 15, 0xb8), false},
    {"other IHL", kRtpFrame, withOptions(kRtpFrame), false},
    {"other source address", kRtpFrame, with(kRtpFrame, 29, 3), false},
    {"other destination address", kRtpFrame, with(kRtpFrame, 33, 3), false},
    {"other source port", kRtpFrame, with(kRtpFrame, 35, 1), false},
    {"other destination port", kRtpFrame, with(kRtpFrame, 37, 1), false},
    {"TCP", kRtpFrame, with(kRtpFrame, 23, 6), false},
    {"fragment", kRtpFrame, with(kRtpFrame, 20, 0x20), false},
    {"fragment offset", kRtpFrame, with(kRtpFrame, 21, 1), false},
    {"total length > frame", kRtpFrame, with(kRtpFrame, 16, 5), false},
    {"total length < UDP header", kRtpFrame, with(kRtpFrame, 17, 27), false},
    {"UDP length < 8", kRtpFrame, with(kRtpFrame, 39, 7), false},
    {"UDP length > IP", kRtpFrame, with(kRtpFrame, 39, 200), false},
    {"STUN", kRtpFrame, frame(17, udp({0, 1, 0, 0})), false},
    {"DTLS", kRtpFrame, frame(17, udp({22, 0xfe, 0xfd})), false},
    {"empty UDP", kRtpFrame, frame(17, udp({})), false},
    {"frame shorter than the headers", kRtpFrame, cut(kRtpFrame, 41), false},
    {"previous frame not UDP media", frame(17, udp({0, 1, 0, 0})), kRtpFrame, false},
};

}  // namespace

BOOST_DATA_TEST_CASE(same_flow_frames_classify_as_classify_does, boost::unit_test::data::make(kSameFlow), c) {
  const Classified prev = classify(c.prev.data(), c.prev.size());
  Classified r;
  r.payload_len = 0xbeef;
  const bool hit = classifySameFlow(c.frame.data(), c.frame.size(), c.prev.data(), prev, r);
  BOOST_TEST(hit == c.same_flow);
  if (hit) BOOST_TEST(same(r, classify(c.frame.data(), c.frame.size())));
  if (!hit) BOOST_TEST(r.payload_len == 0xbeef);  // untouched
}

BOOST_AUTO_TEST_CASE(same_flow_short_cut_never_differs_from_classify) {
  // Random changes to the header bytes and length of a frame of the previous one's flow: whenever the short cut
  // answers, it answers what classify() does; it answers for every frame that only changed in what varies in a flow.
  std::mt19937 rng(7);
  const Bytes prevs[] = {kRtpFrame, frame(17, udp(kRtcp), true), withOptions(kLongerRtp)};
  unsigned answered = 0;
  for (int round = 0; round < 200000; ++round) {
    const Bytes& p = prevs[round % 3];
    const Classified prev = classify(p.data(), p.size());
    BOOST_REQUIRE(prev.verdict == Verdict::Udp);
    Bytes f = p;
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < changes; ++i)
      f[rng() % std::min<std::size_t>(f.size(), 64)] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) f.resize(rng() % (f.size() + 8), 0x80);
    Classified r;
    if (!classifySameFlow(f.data(), f.size(), p.data(), prev, r)) continue;
    ++answered;
    const Classified want = classify(f.data(), f.size());
    BOOST_REQUIRE_MESSAGE(same(r, want), "round " << round);
  }
  BOOST_TEST(answered > 1000u);
}
