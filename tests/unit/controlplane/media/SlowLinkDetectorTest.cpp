#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "controlplane/media/SlowLinkDetector.hpp"

using portunus::cp::SlowLinkDetector;

namespace {
struct SlowCase {
  const char* name;
  std::uint64_t threshold;
  std::vector<std::uint64_t> cumulative;  // one sample per second
  std::vector<std::optional<std::uint64_t>> fired;
};
std::ostream& operator<<(std::ostream& os, const SlowCase& c) {
  return os << c.name;
}
const SlowCase kCases[] = {
    {"off when threshold is 0", 0, {0, 100, 1000}, {std::nullopt, std::nullopt, std::nullopt}},
    {"clean link", 4, {0, 0, 0}, {std::nullopt, std::nullopt, std::nullopt}},
    {"below threshold each second", 4, {3, 6, 9}, {std::nullopt, std::nullopt, std::nullopt}},
    {"first sample counts from zero", 4, {5, 5}, {5, std::nullopt}},
    {"burst then recovery", 4, {0, 10, 12, 20}, {std::nullopt, 10, std::nullopt, 8}},
    {"exactly the threshold fires", 4, {0, 4}, {std::nullopt, 4}},
    {"counter going back (stream reset) is no loss", 4, {50, 2, 3}, {50, std::nullopt, std::nullopt}},
};
}  // namespace

BOOST_DATA_TEST_CASE(janus_slow_link_rule, boost::unit_test::data::make(kCases), c) {
  SlowLinkDetector d(c.threshold);
  BOOST_TEST(d.enabled() == (c.threshold > 0));
  for (std::size_t i = 0; i < c.cumulative.size(); ++i)
    BOOST_TEST((d.update(7, c.cumulative[i]) == c.fired[i]), "sample " << i);
}

BOOST_AUTO_TEST_CASE(streams_are_independent_and_forgotten) {
  SlowLinkDetector d(2);
  BOOST_TEST(!d.update(1, 1).has_value());
  BOOST_TEST(d.update(2, 5).value() == 5u);
  BOOST_TEST(d.update(1, 3).value() == 2u);
  d.forget(2);
  BOOST_TEST(d.update(2, 5).value() == 5u);  // a new stream with that id starts from zero
}
