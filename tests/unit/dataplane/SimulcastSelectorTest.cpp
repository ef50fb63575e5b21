#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/SimulcastSelector.hpp"

using namespace portunus::dp;

BOOST_AUTO_TEST_CASE(selector_switches_at_keyframes_and_falls_back) {
  SimulcastSelector s;
  s.configure(3, LayerTarget{2, 2, 100});
  // The first packet (layer 0 key) arrives while nothing else is active: 0 is the best active layer and starts.
  SimulcastSelector::Decision d = s.onPacket(0, true, 1);
  BOOST_TEST(d.forward);
  BOOST_TEST(s.current() == 0);
  d = s.onPacket(2, false, 2);  // 2 is wanted now, no keyframe: ask for one
  BOOST_TEST(!d.forward);
  BOOST_TEST(d.want_keyframe);
  d = s.onPacket(0, false, 3);  // 0 still current
  BOOST_TEST(d.forward);
  d = s.onPacket(2, true, 4);
  BOOST_TEST(d.forward);
  BOOST_TEST(d.switched);
  BOOST_TEST(s.current() == 2);
  d = s.onPacket(0, true, 5);  // not wanted
  BOOST_TEST(!d.forward);
  // Layer 2 stops: after 100 ms layer 1 (active) is wanted, at its keyframe.
  d = s.onPacket(1, false, 150);
  BOOST_TEST(!d.forward);
  BOOST_TEST(d.want_keyframe);
  d = s.onPacket(1, true, 151);
  BOOST_TEST(d.switched);
  BOOST_TEST(s.current() == 1);
  // Layer 2 is back: up again at its keyframe only.
  d = s.onPacket(2, false, 160);
  BOOST_TEST(!d.forward);
  d = s.onPacket(1, false, 161);
  BOOST_TEST(d.forward);
  d = s.onPacket(2, true, 170);
  BOOST_TEST(d.switched);
  BOOST_TEST(s.current() == 2);
  // Target below every active layer picks the lowest active one above it.
  s.setTarget(LayerTarget{0, 2, 100});
  BOOST_TEST(s.desired(400) == SimulcastSelector::kNone);  // nothing active any more
  s.onPacket(1, false, 500);
  BOOST_TEST(s.desired(500) == 1);
}

namespace {
struct TemporalStep {
  std::uint8_t target;
  std::uint8_t tid;
  bool frame_start, keyframe, sync;
  bool pass, changed;
};
}  // namespace

BOOST_AUTO_TEST_CASE(selector_temporal_filter_table) {
  const std::vector<TemporalStep> steps{
      {0, 0, true, true, false, true, true},     // first frame sets the layer
      {0, 2, true, false, false, false, false},  // above target
      {0, 1, false, false, false, false, false},
      {2, 2, true, false, false, false, false},  // up: waits for a sync point
      {2, 1, true, false, true, true, true},     // layer sync (Y) at TID 1 <= 2: up now
      {2, 2, true, false, false, true, false},
      {1, 2, true, false, false, false, true},  // down: at once
      {1, 1, true, false, false, true, false},
  };
  SimulcastSelector s;
  s.configure(1, LayerTarget{0, 0, 100});
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const TemporalStep& t = steps[i];
    s.setTarget(LayerTarget{0, t.target, 100});
    bool changed = false;
    BOOST_TEST(s.temporalPass(true, t.tid, t.frame_start, t.keyframe, t.sync, changed) == t.pass, "step " << i);
    BOOST_TEST(changed == t.changed, "step " << i);
  }
  bool changed = true;
  BOOST_TEST(s.temporalPass(false, 3, true, false, false, changed));  // no TID: always passes
  BOOST_TEST(!changed);
}
