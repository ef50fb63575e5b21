#define BOOST_TEST_MODULE dataplane_ssrc_learning
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "dataplane/SsrcLearning.hpp"

using namespace portunus::dp;
using Bytes = std::vector<std::uint8_t>;

namespace {

/** A 12-byte RTP header (X set) followed by the extension block `ext` (profile + length + elements). */
Bytes packet(const Bytes& ext, std::uint8_t csrc_count = 0) {
  Bytes p{static_cast<std::uint8_t>(0x90 | csrc_count), 96, 0, 1, 0, 0, 0, 1, 0, 0, 0x12, 0x34};
  p.insert(p.end(), 4u * csrc_count, 0xcc);
  p.insert(p.end(), ext.begin(), ext.end());
  p.insert(p.end(), {0xde, 0xad, 0xbe, 0xef});  // payload
  return p;
}

struct Case {
  const char* name;
  Bytes packet;
  std::uint8_t id;
  bool found;
  std::string value;
};
std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.name;
}

const Case kCases[] = {
    // One-byte form (0xBEDE): id 1 "a", padding, id 4 "mid0" (len-1 = 3).
    {"one-byte", packet({0xBE, 0xDE, 0, 2, 0x10, 'a', 0, 0x43, 'm', 'i', 'd', '0', 0}), 4, true, "mid0"},
    {"one-byte first", packet({0xBE, 0xDE, 0, 1, 0x10, 'a', 0, 0}), 1, true, "a"},
    {"one-byte absent", packet({0xBE, 0xDE, 0, 1, 0x10, 'a', 0, 0}), 4, false, ""},
    {"one-byte after CSRCs", packet({0xBE, 0xDE, 0, 1, 0x21, 'h', 'i', 0}, 2), 2, true, "hi"},
    {"one-byte id 15 stops parsing", packet({0xBE, 0xDE, 0, 1, 0xF0, 0x40, 'x', 0}), 4, false, ""},
    {"one-byte element overruns the block", packet({0xBE, 0xDE, 0, 1, 0x10, 'a', 0x47, 'x'}), 4, false, ""},
    // Two-byte form (0x100X): id 4 len 5 "video", id 10 len 2 "lo".
    {"two-byte", packet({0x10, 0x00, 0, 3, 4, 5, 'v', 'i', 'd', 'e', 'o', 10, 2, 'l', 'o', 0}), 10, true, "lo"},
    {"two-byte first", packet({0x10, 0x00, 0, 2, 4, 5, 'v', 'i', 'd', 'e', 'o', 0}), 4, true, "video"},
    {"two-byte truncated length", packet({0x10, 0x00, 0, 1, 4, 9, 'v', 'i'}), 4, false, ""},
    {"other profile", packet({0x12, 0x34, 0, 1, 0x40, 'x', 0, 0}), 4, false, ""},
    {"length beyond the packet", packet({0xBE, 0xDE, 0, 200, 0x40, 'x', 0, 0}), 4, false, ""},
    {"no extension bit", Bytes{0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0x12, 0x34, 0xBE, 0xDE, 0, 1, 0x40, 'x', 0, 0}, 4,
     false, ""},
    {"id 0 never matches", packet({0xBE, 0xDE, 0, 1, 0x10, 'a', 0, 0}), 0, false, ""},
};

}  // namespace

BOOST_DATA_TEST_CASE(header_extensions_are_found_in_both_forms, boost::unit_test::data::make(kCases), c) {
  const std::uint8_t* v = nullptr;
  std::size_t n = 0;
  BOOST_TEST(findRtpHeaderExtension(c.packet.data(), c.packet.size(), c.id, v, n) == c.found);
  if (c.found) BOOST_TEST(std::string(reinterpret_cast<const char*>(v), n) == c.value);
}

BOOST_AUTO_TEST_CASE(mid_and_rid_must_both_match) {
  SsrcLearnKey key;
  key.active = true;
  key.mid_id = 4;
  key.rid_id = 10;
  key.mid_len = 5;
  std::memcpy(key.mid, "video", 5);
  key.rid_len = 2;
  std::memcpy(key.rid, "lo", 2);
  const Bytes both = packet({0x10, 0x00, 0, 3, 4, 5, 'v', 'i', 'd', 'e', 'o', 10, 2, 'l', 'o', 0});
  const Bytes other_rid = packet({0x10, 0x00, 0, 3, 4, 5, 'v', 'i', 'd', 'e', 'o', 10, 2, 'h', 'i', 0});
  const Bytes mid_only = packet({0x10, 0x00, 0, 2, 4, 5, 'v', 'i', 'd', 'e', 'o', 0});
  const Bytes prefix = packet({0x10, 0x00, 0, 2, 4, 3, 'v', 'i', 'd', 0, 0, 0});
  BOOST_TEST(ssrcLearnMatches(key, both.data(), both.size()));
  BOOST_TEST(!ssrcLearnMatches(key, other_rid.data(), other_rid.size()));
  BOOST_TEST(!ssrcLearnMatches(key, mid_only.data(), mid_only.size()));
  BOOST_TEST(!ssrcLearnMatches(key, prefix.data(), prefix.size()));
  key.rid_len = 0;  // no rid: the mid alone decides
  BOOST_TEST(ssrcLearnMatches(key, mid_only.data(), mid_only.size()));
  BOOST_TEST(ssrcLearnMatches(key, other_rid.data(), other_rid.size()));
}
