#include <boost/test/unit_test.hpp>
#include <vector>

#include "lab/media/NackRequester.hpp"

using namespace portunus::lab;

namespace {

/** One arrival (seq at ms) or, with seq < 0, a due() call at ms. */
struct Step {
  int seq;
  std::uint64_t ms;
};

}  // namespace

BOOST_AUTO_TEST_CASE(gaps_requests_and_recovery) {
  struct Row {
    const char* name;
    std::vector<Step> steps;
    std::vector<std::uint16_t> asked;  // every sequence number due() returned, in order
    std::uint64_t gaps, recovered, abandoned, duplicates, residual;
  };
  // Config: reorder 10 ms, retry 40 ms, 5 tries.
  const Row rows[] = {
      {"in order: nothing asked", {{1, 0}, {2, 1}, {3, 2}, {-1, 100}}, {}, 0, 0, 0, 0, 0},
      {"reordered within the delay: not asked", {{1, 0}, {3, 1}, {2, 5}, {-1, 12}}, {}, 1, 1, 0, 0, 0},
      {"one gap asked after the delay, then recovered",
       {{1, 0}, {3, 1}, {-1, 5}, {-1, 11}, {2, 12}, {-1, 60}},
       {2},
       1,
       1,
       0,
       0,
       0},
      {"retried every 40 ms", {{1, 0}, {4, 0}, {-1, 10}, {-1, 30}, {-1, 50}}, {2, 3, 2, 3}, 2, 0, 0, 0, 2},
      {"given up after 5 tries, a late arrival still counts",
       {{1, 0}, {3, 0}, {-1, 10}, {-1, 50}, {-1, 90}, {-1, 130}, {-1, 170}, {-1, 210}, {2, 300}},
       {2, 2, 2, 2, 2},
       1,
       1,
       1,
       0,
       0},
      {"duplicate of a received packet", {{1, 0}, {2, 1}, {2, 2}, {1, 3}}, {}, 0, 0, 0, 2, 0},
      {"across the 16-bit wrap", {{65534, 0}, {1, 1}, {-1, 20}}, {65535, 0}, 2, 0, 0, 0, 2},
      {"a jump beyond max_gap is a restart", {{1, 0}, {5000, 1}, {-1, 20}}, {}, 0, 0, 0, 0, 0},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      NackRequester n;
      std::vector<std::uint16_t> asked;
      for (const Step& s : row.steps) {
        if (s.seq < 0)
          n.due(s.ms, asked);
        else
          n.onPacket(static_cast<std::uint16_t>(s.seq), s.ms);
      }
      BOOST_TEST(asked == row.asked, boost::test_tools::per_element());
      BOOST_TEST(n.stats().gaps == row.gaps);
      BOOST_TEST(n.stats().recovered == row.recovered);
      BOOST_TEST(n.stats().abandoned == row.abandoned);
      BOOST_TEST(n.stats().duplicates == row.duplicates);
      BOOST_TEST(n.stats().residual() == row.residual);
      BOOST_TEST(n.stats().nacked == row.asked.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(arrival_kinds) {
  NackRequester n;
  BOOST_TEST((n.onPacket(10, 0) == NackRequester::Arrival::New));
  BOOST_TEST((n.onPacket(12, 1) == NackRequester::Arrival::New));
  BOOST_TEST(n.pending() == 1u);
  BOOST_TEST((n.onPacket(11, 2) == NackRequester::Arrival::Recovered));
  BOOST_TEST((n.onPacket(11, 3) == NackRequester::Arrival::Duplicate));
  BOOST_TEST(n.pending() == 0u);
  BOOST_TEST(static_cast<std::uint16_t>(n.extendedHighest()) == 12);
}
