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
    BOOST_TEST(c.store(static_cast<std::uint16_t>(65400 + s), pkt, 20 + s % 50, 1, 1));
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
  BOOST_TEST(!c.store(1, big.data(), big.size(), 1, 1));
  BOOST_TEST(c.claim(static_cast<std::uint16_t>(newest + 1), big.size(), 2, 2) == nullptr);
  NackCache off;
  BOOST_TEST(!off.enabled());
  BOOST_TEST(!off.store(1, pkt, 10, 1, 1));
  BOOST_TEST(off.claim(1, 10, 1, 1) == nullptr);
  BOOST_TEST(off.find(1, len) == nullptr);
}

namespace {
/** One step against a cache of 128 slots whose newest packet is 1000: a claim, store, commit, pin or find, in the
 *  worker's protect epoch `epoch` and unprotect batch `batch`. */
struct CacheStep {
  enum Op { Claim, Store, Commit, Pin, Find } op;
  std::uint16_t seq;
  std::uint32_t epoch, batch;
  bool granted;  // claim: a slot; store: stored; find: found
  const char* why;
};
}  // namespace

BOOST_AUTO_TEST_CASE(claims_are_granted_just_ahead_of_the_newest_packet_once_per_batch_and_never_over_a_pin) {
  const std::vector<CacheStep> steps{
      {CacheStep::Find, 1000, 0, 0, true, "the newest, stored at the start"},
      {CacheStep::Claim, 1001, 5, 10, true, "the next packet decrypts into its slot"},
      {CacheStep::Find, 873, 0, 0, false, "the slot's previous packet (1001 - 128) is gone from the claim on"},
      {CacheStep::Find, 1001, 0, 0, false, "not findable before it is committed"},
      {CacheStep::Store, 1001 + 128, 5, 10, false, "a copy in the same batch keeps off the claimed slot"},
      {CacheStep::Commit, 1001, 0, 0, true, "authenticated"},
      {CacheStep::Find, 1001, 0, 0, true, "findable now"},
      {CacheStep::Claim, 1001 + 64, 5, 10, true, "the farthest claim ahead"},
      {CacheStep::Claim, 1001 + 65, 5, 10, false, "too far ahead: copied in later instead"},
      {CacheStep::Claim, 1000, 5, 10, false, "not ahead (a duplicate or reordered packet)"},
      {CacheStep::Claim, 990, 5, 10, false, "behind"},
      {CacheStep::Claim, 1002, 5, 10, true, "another slot"},
      {CacheStep::Claim, 1002 + 128, 5, 10, false, "a second claim of one slot in one batch"},
      {CacheStep::Claim, 1002, 5, 11, true, "the next batch: a failed claim's slot is free again"},
      {CacheStep::Pin, 1001, 5, 0, true, "a protect op of epoch 5 reads 1001's body from its slot"},
      {CacheStep::Claim, 1001 + 128, 5, 12, false, "same slot, pinned in this epoch"},
      {CacheStep::Store, 1001 + 128, 5, 12, false, "a copy may not overwrite it either"},
      {CacheStep::Find, 1001, 0, 0, true, "still there"},
      {CacheStep::Store, 1001 + 128, 6, 12, true, "the protect batch ran (the epoch moved on): the pin lapsed"},
      {CacheStep::Find, 1001, 0, 0, false, "overwritten"},
      {CacheStep::Find, 1001 + 128, 0, 0, true, "the copy"},
      {CacheStep::Claim, 1001 + 129, 6, 13, true, "ahead of the new newest (1129)"},
  };
  NackCache c(128);
  std::uint8_t pkt[100] = {};
  BOOST_REQUIRE(c.store(1000, pkt, sizeof(pkt), 1, 1));
  for (const CacheStep& s : steps) {
    BOOST_TEST_CONTEXT(s.why) {
      std::size_t len = 0;
      switch (s.op) {
        case CacheStep::Claim:
          BOOST_TEST((c.claim(s.seq, sizeof(pkt), s.epoch, s.batch) != nullptr) == s.granted);
          break;
        case CacheStep::Store:
          BOOST_TEST(c.store(s.seq, pkt, sizeof(pkt), s.epoch, s.batch) == s.granted);
          break;
        case CacheStep::Commit:
          c.commit(s.seq, sizeof(pkt));
          break;
        case CacheStep::Pin:
          c.pin(s.seq, s.epoch);
          break;
        case CacheStep::Find:
          BOOST_TEST((c.find(s.seq, len) != nullptr) == s.granted);
          break;
      }
    }
  }
  // A claimed slot is where find() reads the committed packet from.
  std::uint8_t* slot = c.claim(1001 + 130, 60, 7, 14);
  BOOST_REQUIRE(slot);
  slot[0] = 0xab;
  c.commit(1001 + 130, 60);
  std::size_t len = 0;
  BOOST_TEST(c.find(1001 + 130, len) == slot);
  BOOST_TEST(len == 60u);
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
