#include <algorithm>
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

namespace {
struct NackCase {
  const char* name;
  std::vector<std::uint16_t> lost;
  Bytes fci;  // expected (PID, BLP) entries
};
std::ostream& operator<<(std::ostream& os, const NackCase& c) {
  return os << c.name;
}
const NackCase kNackCases[] = {
    {"one", {100}, {0x00, 0x64, 0x00, 0x00}},
    {"bitmap", {100, 101, 116}, {0x00, 0x64, 0x80, 0x01}},
    {"two entries", {100, 117}, {0x00, 0x64, 0x00, 0x00, 0x00, 0x75, 0x00, 0x00}},
    {"across the wrap", {65535, 0, 1}, {0xff, 0xff, 0x00, 0x03}},
    {"duplicates fold", {7, 7, 8}, {0x00, 0x07, 0x00, 0x01}},
};
}  // namespace

BOOST_DATA_TEST_CASE(nack_build_and_expand, boost::unit_test::data::make(kNackCases), c) {
  Bytes out(64);
  const std::size_t n = buildNack(out.data(), out.size(), 0x11, 0x22, c.lost.data(), c.lost.size());
  BOOST_REQUIRE_EQUAL(n, 12 + c.fci.size());
  out.resize(n);
  BOOST_TEST(Bytes(out.begin() + 12, out.end()) == c.fci, boost::test_tools::per_element());
  RtcpCompound comp(out.data(), out.size());
  RtcpBlock b;
  BOOST_REQUIRE(comp.next(b) == RtcpParseStatus::Ok);
  BOOST_TEST(b.type == rtcp::kRtpfb);
  BOOST_TEST(b.count == rtcp::kFmtNack);
  BOOST_TEST(b.media_ssrc() == 0x22u);
  std::uint16_t seqs[64];
  const std::size_t k = nackSequences(b, seqs, 64);
  std::vector<std::uint16_t> want = c.lost;
  want.erase(std::unique(want.begin(), want.end()), want.end());
  BOOST_TEST(std::vector<std::uint16_t>(seqs, seqs + k) == want, boost::test_tools::per_element());
  BOOST_TEST(nackSequences(b, seqs, 1) == k);  // the count even when the output is short
  BOOST_TEST(buildNack(out.data(), 15, 0x11, 0x22, c.lost.data(), c.lost.size()) == 0u);  // no room
}

BOOST_AUTO_TEST_CASE(remb_encodes_exponent_and_mantissa) {
  const std::uint32_t ssrcs[] = {0xAAAA, 0xBBBB};
  for (std::uint64_t bps : {0ull, 1ull, 262143ull, 262144ull, 256000ull, 1500000ull, 2500000000ull}) {
    Bytes out(64);
    const std::size_t n = buildRemb(out.data(), out.size(), 0x11, bps, ssrcs, 2);
    BOOST_REQUIRE_EQUAL(n, 28u);
    RtcpCompound comp(out.data(), n);
    RtcpBlock b;
    BOOST_REQUIRE(comp.next(b) == RtcpParseStatus::Ok);
    const std::uint64_t got = rembBitrate(b);
    BOOST_TEST(got <= bps);
    BOOST_TEST(got >= bps - (bps >> 17));  // 18-bit mantissa: at most 2^-17 rounded down
    BOOST_TEST(load32(out.data() + 24) == 0xBBBBu);
  }
  Bytes small(20);
  BOOST_TEST(buildRemb(small.data(), small.size(), 1, 1, ssrcs, 2) == 0u);
}

BOOST_AUTO_TEST_CASE(sr_layout) {
  Bytes out(28);
  BOOST_REQUIRE_EQUAL(buildSr(out.data(), out.size(), 0x5555, 0x0102030405060708ull, 0x0a0b0c0d, 7, 1100), 28u);
  BOOST_TEST(validateCompound(out.data(), out.size()) == RtcpParseStatus::Ok);
  BOOST_TEST(out[1] == rtcp::kSr);
  BOOST_TEST(load32(out.data() + 4) == 0x5555u);
  BOOST_TEST(load32(out.data() + 8) == 0x01020304u);
  BOOST_TEST(load32(out.data() + 12) == 0x05060708u);
  BOOST_TEST(load32(out.data() + 16) == 0x0a0b0c0du);
  BOOST_TEST(load32(out.data() + 20) == 7u);
  BOOST_TEST(load32(out.data() + 24) == 1100u);
  BOOST_TEST(buildSr(out.data(), 27, 1, 0, 0, 0, 0) == 0u);
}
