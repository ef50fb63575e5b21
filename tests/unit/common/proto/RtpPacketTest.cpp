#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/proto/RtpPacket.hpp"

using namespace portunus::proto;
using Bytes = std::vector<std::uint8_t>;

namespace {
struct ParseCase {
  const char* name;
  Bytes bytes;
  RtpParseStatus status;
  std::size_t payload_offset;
  std::size_t payload_length;
};
std::ostream& operator<<(std::ostream& os, const ParseCase& c) {
  return os << c.name;
}

const Bytes kHeader{0x80, 0xe0, 0x12, 0x34, 0, 0, 0x10, 0, 0xde, 0xad, 0xbe, 0xef};

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const ParseCase kParse[] = {
    {"minimal", kHeader, RtpParseStatus::Ok, 12, 0},
    {"payload", cat(kHeader, {1, 2, 3}), RtpParseStatus::Ok, 12, 3},
    {"too short", Bytes(kHeader.begin(), kHeader.begin() + 11), RtpParseStatus::TooShort, 0, 0},
    {"version 1", cat({0x40}, Bytes(kHeader.begin() + 1, kHeader.end())), RtpParseStatus::BadVersion, 0, 0},
    {"2 csrc", cat(cat({0x82}, Bytes(kHeader.begin() + 1, kHeader.end())), Bytes(8, 1)), RtpParseStatus::Ok, 20, 0},
    {"csrc past end", cat({0x8f}, Bytes(kHeader.begin() + 1, kHeader.end())), RtpParseStatus::BadCsrc, 0, 0},
    {"one-byte ext", cat(cat({0x90}, Bytes(kHeader.begin() + 1, kHeader.end())), {0xbe, 0xde, 0, 1, 0x10, 7, 0, 0, 9}),
     RtpParseStatus::Ok, 20, 1},
    {"ext length lies", cat(cat({0x90}, Bytes(kHeader.begin() + 1, kHeader.end())), {0xbe, 0xde, 0, 9, 0x10, 7, 0, 0}),
     RtpParseStatus::BadExtension, 0, 0},
    {"ext header cut", cat(cat({0x90}, Bytes(kHeader.begin() + 1, kHeader.end())), {0xbe, 0xde}),
     RtpParseStatus::BadExtension, 0, 0},
    {"padding", cat(cat({0xa0}, Bytes(kHeader.begin() + 1, kHeader.end())), {5, 6, 0, 3}), RtpParseStatus::Ok, 12, 1},
    {"padding too long", cat(cat({0xa0}, Bytes(kHeader.begin() + 1, kHeader.end())), {5, 9}),
     RtpParseStatus::BadPadding, 0, 0},
    {"padding zero", cat(cat({0xa0}, Bytes(kHeader.begin() + 1, kHeader.end())), {5, 0}), RtpParseStatus::BadPadding, 0,
     0},
    {"padding, no payload", cat({0xa0}, Bytes(kHeader.begin() + 1, kHeader.end())), RtpParseStatus::BadPadding, 0, 0},
};
}  // namespace

BOOST_DATA_TEST_CASE(rtp_parse, boost::unit_test::data::make(kParse), c) {
  RtpPacket p;
  BOOST_TEST(static_cast<int>(p.parse(c.bytes.data(), c.bytes.size())) == static_cast<int>(c.status));
  if (c.status == RtpParseStatus::Ok) {
    BOOST_TEST(p.payload_offset == c.payload_offset);
    BOOST_TEST(p.payload_length == c.payload_length);
    BOOST_TEST(p.ssrc == 0xdeadbeefu);
    BOOST_TEST(p.sequence == 0x1234);
    BOOST_TEST(p.timestamp == 0x1000u);
    BOOST_TEST(p.payload_type == 0x60);
    BOOST_TEST(p.marker);
  }
}

BOOST_AUTO_TEST_CASE(header_extensions_one_and_two_byte) {
  // One-byte form: id 1 len 2 ("ab"), padding, id 3 len 1 ("0").
  Bytes one = cat(cat({0x90}, Bytes(kHeader.begin() + 1, kHeader.end())),
                  {0xbe, 0xde, 0, 2, 0x11, 'a', 'b', 0, 0x30, '0', 0, 0});
  RtpPacket p;
  BOOST_REQUIRE(p.parse(one.data(), one.size()) == RtpParseStatus::Ok);
  const std::uint8_t* v = nullptr;
  BOOST_TEST(p.findExtension(1, &v) == 2u);
  BOOST_TEST(v[0] == 'a');
  BOOST_TEST(p.findExtension(3, &v) == 1u);
  BOOST_TEST(v[0] == '0');
  BOOST_TEST(p.findExtension(2, &v) == 0u);
  // Two-byte form: id 20 len 3.
  Bytes two =
      cat(cat({0x90}, Bytes(kHeader.begin() + 1, kHeader.end())), {0x10, 0x00, 0, 2, 20, 3, 'x', 'y', 'z', 0, 0, 0});
  BOOST_REQUIRE(p.parse(two.data(), two.size()) == RtpParseStatus::Ok);
  BOOST_TEST(p.findExtension(20, &v) == 3u);
  BOOST_TEST(v[2] == 'z');
  // An element whose length runs past the block is not returned.
  Bytes bad = cat(cat({0x90}, Bytes(kHeader.begin() + 1, kHeader.end())), {0xbe, 0xde, 0, 1, 0x1f, 1, 2, 3});
  BOOST_REQUIRE(p.parse(bad.data(), bad.size()) == RtpParseStatus::Ok);
  BOOST_TEST(p.findExtension(1, &v) == 0u);
}

BOOST_AUTO_TEST_CASE(rewriters_touch_only_their_field) {
  Bytes b = kHeader;
  setPayloadType(b.data(), 100);
  setSequence(b.data(), 0xabcd);
  setTimestamp(b.data(), 0x01020304);
  setSsrc(b.data(), 0x11223344);
  RtpPacket p;
  BOOST_REQUIRE(p.parse(b.data(), b.size()) == RtpParseStatus::Ok);
  BOOST_TEST(p.payload_type == 100);
  BOOST_TEST(p.marker);  // kept
  BOOST_TEST(p.sequence == 0xabcd);
  BOOST_TEST(p.timestamp == 0x01020304u);
  BOOST_TEST(p.ssrc == 0x11223344u);
}
