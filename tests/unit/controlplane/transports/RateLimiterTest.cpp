#define BOOST_TEST_MODULE controlplane_transports_rate_limiter
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "controlplane/transports/RateLimiter.hpp"

using namespace portunus::cp;
using namespace std::chrono_literals;
namespace bdata = boost::unit_test::data;

namespace {
/** Requests allowed out of `n` sent back to back by one source. */
int allowedOf(RateLimiter& limiter, const std::string& source, int n) {
  int allowed = 0;
  for (int i = 0; i < n; ++i)
    allowed += limiter.allow(source) ? 1 : 0;
  return allowed;
}
}  // namespace

// A source may spend its whole burst at once, then one request per 1/rate seconds.
struct BurstCase {
  const char* name;
  std::uint32_t rate;
  std::uint32_t burst;
  int sent;
  int allowed;
};
std::ostream& operator<<(std::ostream& os, const BurstCase& c) {
  return os << c.name;
}
const BurstCase kBurstCases[] = {
    {"under the burst", 10, 20, 15, 15}, {"exactly the burst", 10, 20, 20, 20},   {"over the burst", 10, 20, 50, 20},
    {"burst of one", 5, 1, 3, 1},        {"disabled (rate 0)", 0, 0, 1000, 1000},
};

BOOST_DATA_TEST_CASE(a_burst_is_allowed_then_refused, bdata::make(kBurstCases), c) {
  ManualClock clock;
  RateLimiter limiter(clock, c.rate, c.burst);
  BOOST_TEST(allowedOf(limiter, "198.18.0.2", c.sent) == c.allowed);
  BOOST_TEST(limiter.refused() == static_cast<std::uint64_t>(c.sent - c.allowed));
}

BOOST_AUTO_TEST_CASE(tokens_come_back_at_the_rate) {
  ManualClock clock;
  RateLimiter limiter(clock, 10, 5);
  BOOST_TEST(allowedOf(limiter, "a", 5) == 5);
  BOOST_TEST(!limiter.allow("a"));
  BOOST_TEST(limiter.retryAfterSeconds("a") == 1u);
  clock.advance(100ms);  // one token at 10/s
  BOOST_TEST(limiter.allow("a"));
  BOOST_TEST(!limiter.allow("a"));
  clock.advance(250ms);  // two and a half tokens
  BOOST_TEST(allowedOf(limiter, "a", 5) == 2);
  clock.advance(10s);  // never more than the burst
  BOOST_TEST(allowedOf(limiter, "a", 10) == 5);
}

BOOST_AUTO_TEST_CASE(sources_have_their_own_buckets) {
  ManualClock clock;
  RateLimiter limiter(clock, 1, 3);
  BOOST_TEST(allowedOf(limiter, "198.18.0.2", 10) == 3);
  BOOST_TEST(allowedOf(limiter, "198.18.0.3", 10) == 3);  // the first source's flood does not touch the second
  BOOST_TEST(limiter.trackedSources() == 2u);
}

BOOST_AUTO_TEST_CASE(retry_after_counts_whole_seconds_until_a_token) {
  ManualClock clock;
  RateLimiter limiter(clock, 1, 1);  // one request per second
  BOOST_TEST(limiter.allow("a"));
  BOOST_TEST(!limiter.allow("a"));
  BOOST_TEST(limiter.retryAfterSeconds("a") == 1u);
  RateLimiter slow(clock, 1, 1);
  BOOST_TEST(slow.retryAfterSeconds("never-seen") == 1u);
}

BOOST_AUTO_TEST_CASE(quiet_sources_are_forgotten) {
  ManualClock clock;
  RateLimiter limiter(clock, 100, 10);
  for (int i = 0; i < 1000; ++i)
    limiter.allow("198.18." + std::to_string(i / 256) + "." + std::to_string(i % 256));
  BOOST_TEST(limiter.trackedSources() == 1000u);
  clock.advance(11s);  // every bucket is full again; the next call sweeps them
  BOOST_TEST(limiter.allow("198.18.9.9"));
  BOOST_TEST(limiter.trackedSources() == 1u);
}
