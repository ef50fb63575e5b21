#define BOOST_TEST_MODULE dataplane_route_rewrite
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/RouteRewrite.hpp"

using namespace portunus::dp;

namespace {
struct Step {
  std::uint32_t ssrc;
  std::uint16_t seq;
  std::uint32_t ts;
  std::uint64_t now_ms;
  bool rebase;  // a route move before this packet
  std::uint16_t out_seq;
  std::uint32_t out_ts;
};
struct Scenario {
  const char* name;
  std::vector<Step> steps;
};
std::ostream& operator<<(std::ostream& os, const Scenario& s) {
  return os << s.name;
}

const Scenario kScenarios[] = {
    {"identity from the first packet", {{1, 100, 1000, 0, false, 100, 1000}, {1, 101, 4000, 33, false, 101, 4000}}},
    {"sequence wraps",
     {{1, 65534, 10, 0, false, 65534, 10}, {1, 65535, 20, 1, false, 65535, 20}, {1, 0, 30, 2, false, 0, 30}}},
    {"reordering keeps offsets",
     {{1, 10, 100, 0, false, 10, 100},
      {1, 12, 300, 2, false, 12, 300},
      {1, 11, 200, 3, false, 11, 200},
      {1, 13, 400, 4, false, 13, 400}}},
    {"new source continues (SSRC change)",
     {{1, 500, 9000, 0, false, 500, 9000},
      {2, 7, 123, 100, false, 501, 9000 + 9000},
      {2, 8, 3123, 133, false, 502, 21000}}},
    {"explicit rebase, same ssrc, gap under 1 ms advances the timestamp by 1",
     {{1, 500, 9000, 50, false, 500, 9000}, {1, 20000, 5, 50, true, 501, 9001}}},
    {"switch continues after the newest, not the last reordered",
     {{1, 10, 100, 0, false, 10, 100},
      {1, 12, 300, 0, false, 12, 300},
      {1, 11, 200, 0, false, 11, 200},
      {2, 1000, 0, 10, false, 13, 300 + 900}}},
};
}  // namespace

BOOST_DATA_TEST_CASE(sequence_and_timestamp_continuity, boost::unit_test::data::make(kScenarios), s) {
  RouteRewrite rw;
  for (std::size_t i = 0; i < s.steps.size(); ++i) {
    const Step& st = s.steps[i];
    if (st.rebase) rw.rebase();
    const RewriteResult r = rw.apply(st.ssrc, st.seq, st.ts, 96, st.now_ms, 90000);
    BOOST_TEST(r.sequence == st.out_seq, "step " << i);
    BOOST_TEST(r.timestamp == st.out_ts, "step " << i);
  }
}

BOOST_AUTO_TEST_CASE(payload_type_map) {
  RouteRewrite rw;
  rw.pt_map[96] = 100;
  BOOST_TEST(rw.apply(1, 1, 1, 96, 0, 90000).payload_type == 100);
  BOOST_TEST(rw.apply(1, 2, 2, 111, 0, 90000).payload_type == 111);  // unmapped: kept
}

BOOST_AUTO_TEST_CASE(skipped_packets_leave_no_gap) {
  // Temporal filtering drops packets of the current source: the output numbering closes the hole.
  RouteRewrite rw;
  std::vector<std::uint16_t> out;
  const std::vector<std::pair<std::uint16_t, bool>> in{{10, true}, {11, false}, {12, false}, {13, true},
                                                       {14, true}, {15, false}, {16, true}};
  for (const auto& [seq, keep] : in) {
    if (keep) {
      out.push_back(rw.apply(1, seq, seq * 100u, 96, seq, 90000).sequence);
    } else {
      rw.skip(1, seq);
    }
  }
  BOOST_TEST(out == (std::vector<std::uint16_t>{10, 11, 12, 13}), boost::test_tools::per_element());
  rw.skip(2, 17);  // another source's packet: nothing changes
  BOOST_TEST(rw.apply(1, 17, 1700, 96, 17, 90000).sequence == 14u);
  BOOST_TEST(rw.timestampOffset() == 0u);
}

BOOST_AUTO_TEST_CASE(new_route_continues_an_outbound_stream) {
  // A route into a stream that already sent (seq 40000, ts 777000 at t=1000 ms) continues it, whatever the source's
  // own numbering; without continueAfter() the first packet would go out with the source's sequence.
  RouteRewrite rw;
  rw.continueAfter(40000, 777000, 1000);
  const RewriteResult first = rw.apply(5, 12, 3000, 96, 1020, 90000);
  BOOST_TEST(first.sequence == 40001u);
  BOOST_TEST(first.timestamp == 777000u + 20u * 90u);
  BOOST_TEST(rw.apply(5, 13, 6000, 96, 1053, 90000).sequence == 40002u);
  BOOST_TEST(rw.lastSequence() == 40002u);
}
