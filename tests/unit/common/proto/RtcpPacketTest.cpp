#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/proto/RtcpPacket.hpp"

using namespace portunus::proto;
using Bytes = std::vector<std::uint8_t>;

namespace portunus::proto {
std::ostream& operator<<(std::ostream& os, RtcpParseStatus s) {
  return os << static_cast<int>(s);
}
}  // namespace portunus::proto

namespace {
struct CompoundCase {
  const char* name;
  Bytes bytes;
  RtcpParseStatus status;
};
std::ostream& operator<<(std::ostream& os, const CompoundCase& c) {
  return os << c.name;
}

Bytes rr0(std::uint32_t ssrc) {
  return {
      0x80, 201, 0, 1, std::uint8_t(ssrc >> 24), std::uint8_t(ssrc >> 16), std::uint8_t(ssrc >> 8), std::uint8_t(ssrc)};
}
Bytes pli() {
  return {0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
}
Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const CompoundCase kCompound[] = {
    {"empty", {}, RtcpParseStatus::TooShort},
    {"rr", rr0(7), RtcpParseStatus::Ok},
    {"rr + pli", cat(rr0(7), pli()), RtcpParseStatus::Ok},
    {"length longer than buffer", {0x80, 201, 0, 9, 0, 0, 0, 1}, RtcpParseStatus::BadLength},
    {"3 bytes", {0x80, 201, 0}, RtcpParseStatus::TooShort},
    {"trailing garbage", cat(rr0(7), {0x80, 201}), RtcpParseStatus::TooShort},
    {"version 0", {0x00, 201, 0, 1, 0, 0, 0, 1}, RtcpParseStatus::BadVersion},
    {"rr count lies", {0x81, 201, 0, 1, 0, 0, 0, 1}, RtcpParseStatus::BadCount},
    {"sr too short", {0x80, 200, 0, 1, 0, 0, 0, 1}, RtcpParseStatus::BadCount},
    {"feedback too short", {0x81, 206, 0, 1, 0, 0, 0, 1}, RtcpParseStatus::TooShort},
    {"bye count lies", {0x82, 203, 0, 1, 0, 0, 0, 1}, RtcpParseStatus::BadCount},
    {"padding on last", {0xa0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4}, RtcpParseStatus::Ok},
    {"padding not last", cat({0xa0, 201, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4}, rr0(1)), RtcpParseStatus::BadPadding},
    {"padding too big", {0xa0, 201, 0, 1, 0, 0, 0, 9}, RtcpParseStatus::BadPadding},
};
}  // namespace

BOOST_DATA_TEST_CASE(compound_validation, boost::unit_test::data::make(kCompound), c) {
  BOOST_TEST(static_cast<int>(validateCompound(c.bytes.data(), c.bytes.size())) == static_cast<int>(c.status));
}

BOOST_AUTO_TEST_CASE(iterates_blocks_with_their_fields) {
  const Bytes b = cat(rr0(0x01020304), pli());
  RtcpCompound c(b.data(), b.size());
  RtcpBlock blk;
  BOOST_REQUIRE(c.next(blk) == RtcpParseStatus::Ok);
  BOOST_TEST(blk.type == rtcp::kRr);
  BOOST_TEST(blk.sender_ssrc == 0x01020304u);
  BOOST_REQUIRE(c.next(blk) == RtcpParseStatus::Ok);
  BOOST_TEST(blk.type == rtcp::kPsfb);
  BOOST_TEST(blk.count == rtcp::kFmtPli);
  BOOST_TEST(blk.media_ssrc() == 2u);
  BOOST_TEST(c.next(blk) == RtcpParseStatus::End);
}

BOOST_AUTO_TEST_CASE(builders_round_trip) {
  std::uint8_t buf[256];
  BOOST_TEST(buildPli(buf, 11, 1, 2) == 0u);  // does not fit
  BOOST_REQUIRE(buildPli(buf, sizeof buf, 0xaa, 0xbb) == 12u);
  BOOST_TEST(validateCompound(buf, 12) == RtcpParseStatus::Ok);
  BOOST_REQUIRE(buildFir(buf, sizeof buf, 0xaa, 0xbb, 3) == 20u);
  RtcpCompound c(buf, 20);
  RtcpBlock blk;
  BOOST_REQUIRE(c.next(blk) == RtcpParseStatus::Ok);
  std::uint32_t targets[2];
  BOOST_TEST(firTargets(blk, targets, 2) == 1u);
  BOOST_TEST(targets[0] == 0xbbu);
  RtcpReportBlock rb[2];
  rb[0].ssrc = 5;
  rb[0].fraction_lost = 12;
  rb[0].cumulative_lost = 0x123456;
  rb[0].highest_seq = 70000;
  rb[1].ssrc = 6;
  const std::size_t n = buildRr(buf, sizeof buf, 0x99, rb, 2);
  BOOST_REQUIRE(n == 56u);
  BOOST_TEST(validateCompound(buf, n) == RtcpParseStatus::Ok);
  BOOST_TEST(load32(buf + 8) == 5u);
  BOOST_TEST(buf[12] == 12);
  BOOST_TEST((load32(buf + 12) & 0xffffff) == 0x123456u);
  BOOST_TEST(load32(buf + 16) == 70000u);
  BOOST_TEST(buildRr(buf, sizeof buf, 1, rb, 32) == 0u);  // RC is 5 bits
}
