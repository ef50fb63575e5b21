#define BOOST_TEST_MODULE controlplane_transports
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "controlplane/transports/LongPollHub.hpp"
#include "controlplane/transports/RestTarget.hpp"

using namespace portunus::cp;
using json = nlohmann::json;
namespace bdata = boost::unit_test::data;

struct TargetCase {
  const char* target;
  bool underBase;
  std::size_t segments;
  std::uint64_t first;
  unsigned maxev;
};
std::ostream& operator<<(std::ostream& os, const TargetCase& c) {
  return os << c.target;
}

const TargetCase kTargets[] = {
    {"/janus", true, 0, 0, 1},
    {"/janus/", true, 0, 0, 1},
    {"/janus/123", true, 1, 123, 1},
    {"/janus/123/456", true, 2, 123, 1},
    {"/janus/123?maxev=10&rid=1700000000000", true, 1, 123, 10},
    {"/janus/123?maxev=0", true, 1, 123, 1},
    {"/janus/123?maxev=abc", true, 1, 123, 1},
    {"/janus/abc", true, 1, 0, 1},  // Janus reads a non-number as 0: the root
    {"/janus/1/2/3", true, 3, 1, 1},
    // As g_ascii_strtoull: a leading number, a sign ('-' wraps), saturation at 2^64-1.
    {"/janus/123abc", true, 1, 123, 1},
    {"/janus/-1", true, 1, 18446744073709551615u, 1},
    {"/janus/+7", true, 1, 7, 1},
    {"/janus/18446744073709551615", true, 1, 18446744073709551615u, 1},
    {"/janus/18446744073709551616", true, 1, 18446744073709551615u, 1},
    {"/janus/99999999999999999999999", true, 1, 18446744073709551615u, 1},
    {"/janus/-", true, 1, 0, 1},
    {"/janusx", false, 0, 0, 1},
    {"/foo", false, 0, 0, 1},
    {"/", false, 0, 0, 1},
};

BOOST_DATA_TEST_CASE(rest_targets, bdata::make(kTargets), c) {
  const RestTarget t = parseRestTarget(c.target, "/janus");
  BOOST_TEST(t.underBase == c.underBase);
  BOOST_TEST(t.segments.size() == c.segments);
  BOOST_TEST(t.id(0) == c.first);
  BOOST_TEST(t.maxEvents() == c.maxev);
}

BOOST_AUTO_TEST_CASE(query_is_percent_decoded) {
  const RestTarget t = parseRestTarget("/janus/1?apisecret=a%20b%2Bc&token=x+y", "/janus");
  BOOST_TEST(t.query.at("apisecret") == "a b+c");
  BOOST_TEST(t.query.at("token") == "x y");
}

BOOST_AUTO_TEST_CASE(events_wait_for_a_poll_and_polls_wait_for_events) {
  LongPollHub hub;
  hub.deliver(1, {{"n", 1}});
  hub.deliver(1, {{"n", 2}});
  hub.deliver(1, {{"n", 3}});
  BOOST_TEST(hub.hasQueued(1));
  auto batch = hub.take(1, 2);
  BOOST_TEST(batch.size() == 2u);
  BOOST_TEST(batch[0]["n"] == 1);
  batch = hub.take(1, 10);
  BOOST_TEST(batch.size() == 1u);
  BOOST_TEST(!hub.hasQueued(1));

  std::vector<json> got;
  const auto ticket = hub.wait(1, 5, [&](std::vector<json> events) { got = std::move(events); });
  BOOST_TEST(got.empty());
  hub.deliver(1, {{"n", 4}});
  BOOST_TEST(got.size() == 1u);
  BOOST_TEST(!hub.cancel(ticket));  // already answered

  const auto parked = hub.wait(2, 1, [&](std::vector<json>) { BOOST_FAIL("cancelled poll must not be answered"); });
  BOOST_TEST(hub.cancel(parked));
  hub.deliver(2, {{"n", 5}});
  BOOST_TEST(hub.hasQueued(2));
}

BOOST_AUTO_TEST_CASE(a_poll_whose_client_left_leaves_the_events_to_the_next_poll) {
  LongPollHub hub;
  int asked = 0;
  hub.wait(
      6, 5, [&](std::vector<json>) { BOOST_FAIL("a poll whose client left must not be answered"); },
      [&] {
        ++asked;
        return false;
      });
  std::vector<json> got;
  bool second_asked = false;
  hub.wait(
      6, 5, [&](std::vector<json> events) { got = std::move(events); },
      [&] {
        second_asked = true;
        return true;
      });
  hub.deliver(6, {{"n", 1}});
  BOOST_TEST(asked == 1);
  BOOST_TEST(second_asked);
  BOOST_TEST(got.size() == 1u);
  BOOST_TEST(hub.parkedPolls(6) == 0u);

  // Alone, it is dropped and the events stay queued (in order) for the next poll.
  hub.wait(
      7, 5, [&](std::vector<json>) { BOOST_FAIL("a poll whose client left must not be answered"); },
      [] { return false; });
  hub.deliver(7, {{"n", 1}});
  hub.deliver(7, {{"n", 2}});
  BOOST_TEST(hub.parkedPolls(7) == 0u);
  const auto kept = hub.take(7, 10);
  BOOST_REQUIRE(kept.size() == 2u);
  BOOST_TEST(kept[0]["n"] == 1);
  BOOST_TEST(kept[1]["n"] == 2);

  // The check may re-enter the hub, as a connection closing itself does (cancel of its own ticket).
  std::uint64_t self_ticket = 0;
  self_ticket = hub.wait(
      8, 5, [&](std::vector<json>) { BOOST_FAIL("a poll whose client left must not be answered"); },
      [&] {
        BOOST_TEST(!hub.cancel(self_ticket));  // already let go of
        return false;
      });
  hub.deliver(8, {{"n", 1}});
  hub.sessionClosed(8);
  BOOST_TEST(hub.hasQueued(8));  // a late poll of a closed session still gets it
}

BOOST_AUTO_TEST_CASE(unwanted_polls_are_dropped_on_request_in_order) {
  LongPollHub hub;
  std::vector<int> answered;
  bool secondGone = false;
  for (int i = 0; i < 3; ++i)
    hub.wait(
        5, 1, [&, i](std::vector<json>) { answered.push_back(i); }, [&, i] { return !(i == 1 && secondGone); });
  hub.dropUnwanted(5);
  BOOST_TEST(hub.parkedPolls(5) == 3u);  // all wanted
  secondGone = true;
  hub.dropUnwanted(5);
  BOOST_TEST(hub.parkedPolls(5) == 2u);
  hub.deliver(5, {{"n", 1}});
  hub.deliver(5, {{"n", 2}});
  BOOST_TEST(answered == (std::vector<int>{0, 2}));  // the others, in the order they were parked
  hub.dropUnwanted(99);                              // no such session: nothing
  BOOST_TEST(hub.queuedSessions() == 1u);
}

BOOST_AUTO_TEST_CASE(closed_sessions_keep_events_until_collected_or_swept) {
  LongPollHub hub;
  hub.deliver(3, {{"janus", "timeout"}});
  hub.sessionClosed(3);
  BOOST_TEST(hub.hasQueued(3));  // a late poll still gets the timeout
  BOOST_TEST(hub.take(3, 1).size() == 1u);
  BOOST_TEST(hub.queuedSessions() == 0u);
  hub.deliver(4, {{"janus", "timeout"}});
  hub.sessionClosed(4);
  hub.sweepClosed(2);
  BOOST_TEST(hub.queuedSessions() == 1u);
  hub.sweepClosed(2);
  BOOST_TEST(hub.queuedSessions() == 0u);
}

BOOST_AUTO_TEST_CASE(deferred_serving_batches_events_pushed_together) {
  LongPollHub hub;
  std::vector<std::function<void()>> later;
  hub.setDefer([&](std::function<void()> fn) { later.push_back(std::move(fn)); });
  std::vector<json> got;
  hub.wait(9, 10, [&](std::vector<json> events) { got = std::move(events); });
  hub.deliver(9, {{"janus", "timeout"}});
  hub.deliver(9, {{"janus", "detached"}});
  BOOST_TEST(got.empty());
  BOOST_TEST(later.size() == 1u);  // one serve for the burst
  for (auto& fn : later)
    fn();
  BOOST_TEST(got.size() == 2u);
}
