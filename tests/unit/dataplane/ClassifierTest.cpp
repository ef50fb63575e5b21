#define BOOST_TEST_MODULE dataplane_classifier
#include <arpa/inet.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
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
