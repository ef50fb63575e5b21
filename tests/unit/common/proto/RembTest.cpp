#define BOOST_TEST_MODULE common_proto_remb
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/proto/Remb.hpp"

using namespace portunus::proto;

namespace {
struct RembCase {
  const char* name;
  std::uint64_t bps;
  std::uint64_t carried;  // what exponent/mantissa can say
  std::vector<std::uint32_t> ssrcs;
};
std::ostream& operator<<(std::ostream& os, const RembCase& c) {
  return os << c.name;
}

const RembCase kCases[] = {
    {"zero", 0, 0, {1}},
    {"small exact", 256'000, 256'000, {0x11223344}},
    {"mantissa limit", (1u << 18) - 1, (1u << 18) - 1, {1, 2}},
    {"one shift", 1u << 18, 1u << 18, {7}},
    {"500 kbps", 500'000, 500'000, {1, 2, 3}},
    {"odd rounds down", 600'001, 600'000, {4}},
    {"2.5 Mbps", 2'500'000, (2'500'000 >> 4) << 4, {9}},
    {"no ssrc", 1'000'000, (1'000'000 >> 2) << 2, {}},
};
}  // namespace

BOOST_DATA_TEST_CASE(build_then_parse_round_trips, boost::unit_test::data::make(kCases), c) {
  std::uint8_t buf[64 + 4 * 8] = {};
  const std::size_t len = buildRemb(buf, sizeof buf, 0xabcdef01, c.bps, c.ssrcs.data(), c.ssrcs.size());
  BOOST_TEST(len == 20 + 4 * c.ssrcs.size());
  BOOST_TEST((validateCompound(buf, len) == RtcpParseStatus::Ok));
  RtcpCompound compound(buf, len);
  RtcpBlock b;
  BOOST_TEST((compound.next(b) == RtcpParseStatus::Ok));
  BOOST_TEST(b.sender_ssrc == 0xabcdef01u);
  Remb r;
  std::uint32_t ssrcs[8] = {};
  BOOST_TEST(parseRemb(b, r, ssrcs, 8));
  BOOST_TEST(r.bps == c.carried);
  BOOST_TEST(r.bps == rembRepresentable(c.bps));
  BOOST_TEST(r.count == c.ssrcs.size());
  for (std::size_t i = 0; i < c.ssrcs.size(); ++i)
    BOOST_TEST(ssrcs[i] == c.ssrcs[i]);
}

BOOST_AUTO_TEST_CASE(known_bytes) {
  // 1 SSRC, 256000 bps = 0x3e800 fits the 18-bit mantissa: exp 0.
  const std::uint32_t ssrc = 0x01020304;
  std::uint8_t buf[24];
  BOOST_TEST(buildRemb(buf, sizeof buf, 5, 256'000, &ssrc, 1) == 24u);
  const std::vector<std::uint8_t> want = {0x8f, 206, 0,   5,   0, 0,    0,    5,    0, 0, 0, 0,
                                          'R',  'E', 'M', 'B', 1, 0x03, 0xe8, 0x00, 1, 2, 3, 4};
  BOOST_TEST(std::vector<std::uint8_t>(buf, buf + 24) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(refuses_what_does_not_fit_or_is_not_remb) {
  std::uint8_t buf[32];
  const std::uint32_t ssrc = 1;
  BOOST_TEST(buildRemb(buf, 23, 1, 1000, &ssrc, 1) == 0u);
  BOOST_TEST(buildRemb(buf, sizeof buf, 1, 1000, &ssrc, 1) == 24u);
  RtcpBlock b;
  RtcpCompound(buf, 24).next(b);
  Remb r;
  buf[12] = 'X';
  BOOST_TEST(!parseRemb(b, r, nullptr, 0));
  buf[12] = 'R';
  buf[16] = 2;  // claims two SSRCs, the block holds one
  BOOST_TEST(!parseRemb(b, r, nullptr, 0));
  const std::uint8_t pli[12] = {0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
  RtcpCompound(pli, 12).next(b);
  BOOST_TEST(!parseRemb(b, r, nullptr, 0));
}
