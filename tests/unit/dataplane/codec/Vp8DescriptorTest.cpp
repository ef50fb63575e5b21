#define BOOST_TEST_MODULE dataplane_videoroom_mechanism
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/codec/Vp8Descriptor.hpp"

using namespace portunus::dp;
using Bytes = std::vector<std::uint8_t>;

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, Vp8ParseStatus s) {
  return os << static_cast<int>(s);
}
}  // namespace portunus::dp

namespace {

struct Vp8Case {
  const char* name;
  Bytes payload;
  Vp8ParseStatus status;
  // Expected fields when Ok.
  std::size_t size = 0;
  bool keyframe = false, start = false, has_pic = false, long_pic = false;
  std::uint16_t pic = 0;
  bool has_tl0 = false;
  std::uint8_t tl0 = 0;
  bool has_tid = false;
  std::uint8_t tid = 0;
  bool sync = false;
};
std::ostream& operator<<(std::ostream& os, const Vp8Case& c) {
  return os << c.name;
}

const Vp8Case kCases[] = {
    {"empty", {}, Vp8ParseStatus::Empty},
    {"minimal keyframe start", {0x10, 0x00}, Vp8ParseStatus::Ok, 1, true, true},
    {"minimal interframe start", {0x10, 0x01}, Vp8ParseStatus::Ok, 1, false, true},
    {"continuation: not a keyframe even with P clear", {0x00, 0x00}, Vp8ParseStatus::Ok, 1, false, false},
    {"partition 1 start: not a frame start", {0x11, 0x00}, Vp8ParseStatus::Ok, 1, false, true},
    {"descriptor only", {0x10}, Vp8ParseStatus::NoPayload},
    {"X without extension byte", {0x90}, Vp8ParseStatus::TruncatedExtension},
    {"7-bit picture id", {0x90, 0x80, 0x45, 0x00}, Vp8ParseStatus::Ok, 3, true, true, true, false, 0x45},
    {"15-bit picture id", {0x90, 0x80, 0xab, 0xcd, 0x01}, Vp8ParseStatus::Ok, 4, false, true, true, true, 0x2bcd},
    {"15-bit picture id cut", {0x90, 0x80, 0xab}, Vp8ParseStatus::TruncatedPictureId},
    {"I without picture id byte", {0x90, 0x80}, Vp8ParseStatus::TruncatedPictureId},
    {"all fields",
     {0x90, 0xf0, 0x80, 0x01, 0x07, 0xa0 | 0x03, 0x00},
     Vp8ParseStatus::Ok,
     6,
     true,
     true,
     true,
     true,
     1,
     true,
     7,
     true,
     2,
     true},
    {"TL0 cut", {0x90, 0xc0, 0x05}, Vp8ParseStatus::TruncatedTl0},
    {"TID cut", {0x90, 0xe0, 0x05, 0x09}, Vp8ParseStatus::TruncatedTid},
    {"K alone consumes the byte", {0x90, 0x10, 0x1f, 0x00}, Vp8ParseStatus::Ok, 3, true, true},
};

}  // namespace

BOOST_DATA_TEST_CASE(vp8_descriptor_table, boost::unit_test::data::make(kCases), c) {
  Vp8Descriptor d;
  BOOST_TEST(parseVp8(c.payload.data(), c.payload.size(), d) == c.status);
  if (c.status != Vp8ParseStatus::Ok) return;
  BOOST_TEST(d.size == c.size);
  BOOST_TEST(d.keyframe == c.keyframe);
  BOOST_TEST(d.start == c.start);
  BOOST_TEST(d.has_picture_id == c.has_pic);
  BOOST_TEST(d.long_picture_id == c.long_pic);
  BOOST_TEST(d.picture_id == c.pic);
  BOOST_TEST(d.has_tl0 == c.has_tl0);
  BOOST_TEST(d.tl0picidx == c.tl0);
  BOOST_TEST(d.has_tid == c.has_tid);
  BOOST_TEST(d.tid == c.tid);
  BOOST_TEST(d.layer_sync == c.sync);
}

BOOST_AUTO_TEST_CASE(vp8_truncations_never_read_past_the_end) {
  // Every prefix of a full descriptor parses to an error or Ok from its own bytes (run under ASan by the fuzzer).
  const Bytes full{0x90, 0xf0, 0x80, 0x01, 0x07, 0xa3, 0x00, 0x11};
  for (std::size_t n = 0; n <= full.size(); ++n) {
    Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    Vp8Descriptor d;
    const Vp8ParseStatus s = parseVp8(prefix.data(), prefix.size(), d);
    BOOST_TEST((s == Vp8ParseStatus::Ok) == (n >= 7), "prefix " << n);
  }
}

BOOST_AUTO_TEST_CASE(vp8_ids_rewrite_keeps_the_width) {
  Bytes longp{0x90, 0xc0, 0xab, 0xcd, 0x07, 0x00};
  Vp8Descriptor d;
  BOOST_REQUIRE(parseVp8(longp.data(), longp.size(), d) == Vp8ParseStatus::Ok);
  writeVp8Ids(longp.data(), d, 0x1234, 0x99);
  BOOST_TEST(longp == (Bytes{0x90, 0xc0, 0x92, 0x34, 0x99, 0x00}), boost::test_tools::per_element());
  Bytes shortp{0x90, 0x80, 0x05, 0x00};
  BOOST_REQUIRE(parseVp8(shortp.data(), shortp.size(), d) == Vp8ParseStatus::Ok);
  writeVp8Ids(shortp.data(), d, 0x1234, 0x99);
  BOOST_TEST(shortp == (Bytes{0x90, 0x80, 0x34, 0x00}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(vp8_continuity_across_a_source_change) {
  auto desc = [](std::uint16_t pic, std::uint8_t tl0, bool start) {
    Vp8Descriptor d;
    d.start = start;
    d.has_picture_id = d.long_picture_id = d.has_tl0 = true;
    d.picture_id = pic;
    d.tl0picidx = tl0;
    return d;
  };
  Vp8Continuity c;
  std::uint16_t pic = 0;
  std::uint8_t tl0 = 0;
  c.apply(desc(0x7ffe, 250, true), pic, tl0);
  BOOST_TEST(pic == 0x7ffe);  // identity from the start
  BOOST_TEST(tl0 == 250);
  c.apply(desc(0x7fff, 251, true), pic, tl0);
  c.rebase();
  c.apply(desc(100, 7, false), pic, tl0);  // the new source, mid-picture: continues after the last one sent
  BOOST_TEST(pic == 0u);                   // 0x7fff + 1 wraps in 15 bits
  BOOST_TEST(tl0 == 252);
  c.apply(desc(100, 7, false), pic, tl0);  // same picture, same ids
  BOOST_TEST(pic == 0u);
  c.apply(desc(101, 8, true), pic, tl0);
  BOOST_TEST(pic == 1u);
  BOOST_TEST(tl0 == 253);
}
