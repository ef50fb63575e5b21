#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "controlplane/media/MediaEvents.hpp"

using namespace portunus;
using nlohmann::json;

namespace {
struct EventCase {
  const char* name;
  dp::EventType type;
  std::uint32_t value;
  dp::MediaKind kind;
  int noMediaTimer;
  const char* expected;  // JSON text, or "" for no event
};
std::ostream& operator<<(std::ostream& os, const EventCase& c) {
  return os << c.name;
}
const EventCase kCases[] = {
    {"first audio packet", dp::EventType::FirstPacket, 0, dp::MediaKind::Audio, 1,
     R"({"janus":"media","mid":"m","type":"audio","receiving":true})"},
    {"video stops, timer 1 s: no seconds", dp::EventType::MediaStopped, 1500, dp::MediaKind::Video, 1,
     R"({"janus":"media","mid":"m","type":"video","receiving":false})"},
    {"video stops, timer 3 s: seconds", dp::EventType::MediaStopped, 3200, dp::MediaKind::Video, 3,
     R"({"janus":"media","mid":"m","type":"video","receiving":false,"seconds":3})"},
    {"keyframe wanted is no client event", dp::EventType::KeyframeWanted, 0, dp::MediaKind::Video, 1, ""},
    {"trace is no client event", dp::EventType::Trace, 0, dp::MediaKind::Video, 1, ""},
};
}  // namespace

BOOST_DATA_TEST_CASE(dataplane_event_to_janus_media, boost::unit_test::data::make(kCases), c) {
  dp::Event e;
  e.type = c.type;
  e.value = c.value;
  const auto got = cp::mediaEvent(e, "m", c.kind, c.noMediaTimer);
  if (std::string(c.expected).empty()) {
    BOOST_TEST(!got.has_value());
  } else {
    BOOST_TEST(got.has_value());
    BOOST_TEST(*got == json::parse(c.expected), got->dump());
  }
}

BOOST_AUTO_TEST_CASE(slowlink_event_shape) {
  BOOST_TEST(cp::slowLinkEvent("1", dp::MediaKind::Video, true, 12) ==
             json::parse(R"({"janus":"slowlink","mid":"1","media":"video","uplink":true,"lost":12})"));
  BOOST_TEST(cp::slowLinkEvent("0", dp::MediaKind::Audio, false, 5) ==
             json::parse(R"({"janus":"slowlink","mid":"0","media":"audio","uplink":false,"lost":5})"));
}
