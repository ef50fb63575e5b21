#define BOOST_TEST_MODULE controlplane_media_logic
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "controlplane/media/LoopbackPlan.hpp"

using namespace portunus;
using namespace portunus::cp;

namespace {
// One PC with audio (mid 0: in 1, out 2) and video (mid 1: in 3, out 4).
const std::vector<PlanStream> kIn = {{"0", dp::MediaKind::Audio, 1}, {"1", dp::MediaKind::Video, 3}};
const std::vector<PlanStream> kOut = {{"0", dp::MediaKind::Audio, 2}, {"1", dp::MediaKind::Video, 4}};
const PlanRoute kAudioRoute{1, 2, 10};
const PlanRoute kVideoRoute{3, 4, 11};

struct PlanCase {
  const char* name;
  LoopbackPolicy policy;
  std::vector<PlanRoute> routes;
  std::uint64_t appliedCap;
  std::vector<dp::StreamId> addedFrom;  // inbound ids of added routes
  std::vector<dp::RouteId> removed;
  std::vector<dp::StreamId> keyframes;
  std::optional<std::uint64_t> cap;
};
std::ostream& operator<<(std::ostream& os, const PlanCase& c) {
  return os << c.name;
}

const PlanCase kCases[] = {
    {"pc up, both on: two routes, PLI for video", {true, true, 0}, {}, 0, {1, 3}, {}, {3}, std::nullopt},
    {"pc up, audio only: no PLI", {true, false, 0}, {}, 0, {1}, {}, {}, std::nullopt},
    {"nothing changes: nothing to do", {true, true, 0}, {kAudioRoute, kVideoRoute}, 0, {}, {}, {}, std::nullopt},
    {"video switched off", {true, false, 0}, {kAudioRoute, kVideoRoute}, 0, {}, {11}, {}, std::nullopt},
    {"video switched back on: PLI again", {true, true, 0}, {kAudioRoute}, 0, {3}, {}, {3}, std::nullopt},
    {"both off", {false, false, 0}, {kAudioRoute, kVideoRoute}, 0, {}, {10, 11}, {}, std::nullopt},
    {"bitrate cap set", {true, true, 256000}, {kAudioRoute, kVideoRoute}, 0, {}, {}, {}, 256000},
    {"bitrate cap unchanged", {true, true, 256000}, {kAudioRoute, kVideoRoute}, 256000, {}, {}, {}, std::nullopt},
    {"bitrate cap lifted: Janus's 10 Mbit/s REMB",
     {true, true, 0},
     {kAudioRoute, kVideoRoute},
     256000,
     {},
     {},
     {},
     kUncappedRembBps},
};
}  // namespace

BOOST_DATA_TEST_CASE(loopback_plan, boost::unit_test::data::make(kCases), c) {
  const LoopbackPlan plan = planLoopback(c.policy, kIn, kOut, c.routes, c.appliedCap);
  std::vector<dp::StreamId> added;
  for (const auto& r : plan.add) {
    added.push_back(r.in);
    BOOST_TEST(r.out == r.in + 1);  // same mid
  }
  std::vector<dp::RouteId> removed;
  for (const auto& r : plan.remove)
    removed.push_back(r.id);
  BOOST_TEST(added == c.addedFrom, boost::test_tools::per_element());
  BOOST_TEST(removed == c.removed, boost::test_tools::per_element());
  BOOST_TEST(plan.keyframes == c.keyframes, boost::test_tools::per_element());
  BOOST_TEST((plan.bitrateCap == c.cap));
}

BOOST_AUTO_TEST_CASE(inbound_without_outbound_of_its_mid_is_not_routed) {
  const std::vector<PlanStream> out = {{"0", dp::MediaKind::Audio, 2}};  // recvonly video: nothing to echo into
  const LoopbackPlan plan = planLoopback({true, true, 0}, kIn, out, {}, 0);
  BOOST_TEST(plan.add.size() == 1u);
  BOOST_TEST(plan.keyframes.empty());
}
