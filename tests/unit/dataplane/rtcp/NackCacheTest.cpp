#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/rtcp/NackCache.hpp"
#include "dataplane/rtcp/NackGenerator.hpp"

using namespace portunus::dp;

BOOST_AUTO_TEST_CASE(nack_cache_keeps_the_last_n_packets) {
  NackCache c(100);  // rounded up to 128
  BOOST_TEST(c.enabled());
  std::uint8_t pkt[200];
  for (std::uint16_t s = 0; s < 300; ++s) {
    pkt[0] = static_cast<std::uint8_t>(s);
    BOOST_TEST(c.store(static_cast<std::uint16_t>(65400 + s), pkt, 20 + s % 50));
  }
  std::size_t len = 0;
  const std::uint16_t newest = static_cast<std::uint16_t>(65400 + 299);
  const std::uint8_t* p = c.find(newest, len);
  BOOST_REQUIRE(p);
  BOOST_TEST(len == 20u + 299 % 50);
  BOOST_TEST(p[0] == static_cast<std::uint8_t>(299));
  BOOST_TEST(c.find(static_cast<std::uint16_t>(newest - 127), len) != nullptr);
  BOOST_TEST(c.find(static_cast<std::uint16_t>(newest - 128), len) == nullptr);  // overwritten
  BOOST_TEST(c.find(static_cast<std::uint16_t>(newest + 1), len) == nullptr);    // never stored
  std::vector<std::uint8_t> big(NackCache::kSlotBytes + 1);
  BOOST_TEST(!c.store(1, big.data(), big.size()));
  NackCache off;
  BOOST_TEST(!off.enabled());
  BOOST_TEST(!off.store(1, pkt, 10));
  BOOST_TEST(off.find(1, len) == nullptr);
}

BOOST_AUTO_TEST_CASE(sent_history_maps_outbound_sequence_numbers) {
  SentHistory h(true);
  SentPacket p;
  p.out_seq = 70;
  p.in_seq = 7000;
  p.in_stream = 9;
  h.record(p);
  BOOST_REQUIRE(h.find(70));
  BOOST_TEST(h.find(70)->in_seq == 7000);
  BOOST_TEST(h.find(70 + SentHistory::kPackets) == nullptr);  // same slot, other number
  BOOST_TEST(h.find(71) == nullptr);
  SentHistory off(false);
  off.record(p);
  BOOST_TEST(off.find(70) == nullptr);
}

namespace {
struct GapStep {
  std::vector<std::uint16_t> arrive;
  std::uint64_t at_ms;
  std::vector<std::uint16_t> due;  // asked for at `at_ms`
};
}  // namespace

BOOST_AUTO_TEST_CASE(nack_generator_asks_retries_and_gives_up) {
  const std::vector<GapStep> steps{
      {{65533, 65534, 1}, 0, {65535, 0}},  // a gap across the wrap
      {{}, 50, {}},                        // not yet due again
      {{0}, 100, {65535}},                 // 0 arrived; 65535 asked again
      {{}, 200, {65535}},                  // third and last time
      {{}, 300, {}},                       // given up
      {{200}, 310, {}},                    // a jump past kMaxGap: a restart, nothing asked
      {{203}, 320, {201, 202}},
  };
  NackGenerator g;
  for (const GapStep& s : steps) {
    for (std::uint16_t seq : s.arrive)
      g.onPacket(seq);
    std::uint16_t out[NackGenerator::kMaxPending];
    const std::size_t n = g.due(s.at_ms, out);
    BOOST_TEST(std::vector<std::uint16_t>(out, out + n) == s.due, boost::test_tools::per_element());
  }
  BOOST_TEST(g.recovered() == 1u);
  BOOST_TEST(g.givenUp() == 1u);
  BOOST_TEST(g.onPacket(202));  // an asked-for packet arriving (RTX) is reported
  BOOST_TEST(!g.onPacket(202));
}
