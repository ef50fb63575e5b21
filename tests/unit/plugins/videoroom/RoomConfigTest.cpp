#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/config/ConfigReader.hpp"
#include "plugins/videoroom/RoomConfig.hpp"

using namespace portunus::plugins::videoroom;
namespace bdata = boost::unit_test::data;

namespace {

struct ConfigCase {
  const char* name;
  const char* yaml;
  const char* errorPath;  // nullptr: valid
};
std::ostream& operator<<(std::ostream& os, const ConfigCase& c) {
  return os << c.name;
}

const ConfigCase kConfigCases[] = {
    {"empty section", "{}", nullptr},
    {"admin key and string ids", "{admin_key: k, string_ids: true, lock_rtp_forward: true}", nullptr},
    {"rooms", "{rooms: [{room: 1, description: a, publishers: 2, audiocodec: 'opus,pcmu'}, {room: 2}]}", nullptr},
    {"no rooms", "{rooms: []}", nullptr},
    {"unknown key", "{foo: 1}", "plugins.videoroom.foo"},
    {"empty admin key", "{admin_key: ''}", "plugins.videoroom.admin_key"},
    {"unknown room key", "{rooms: [{room: 1, colour: red}]}", "plugins.videoroom.rooms[0].colour"},
    {"room without id", "{rooms: [{description: x}]}", "plugins.videoroom.rooms[0].room"},
    {"room id zero", "{rooms: [{room: 0}]}", "plugins.videoroom.rooms[0].room"},
    {"room id not a number", "{rooms: [{room: abc}]}", "plugins.videoroom.rooms[0].room"},
    {"duplicate room", "{rooms: [{room: 1}, {room: 1}]}", "plugins.videoroom.rooms[1].room"},
    {"bad codec", "{rooms: [{room: 1, videocodec: theora}]}", "plugins.videoroom.rooms[0].videocodec"},
    {"rooms not a list", "{rooms: {room: 1}}", "plugins.videoroom.rooms"},
    {"string room id", "{string_ids: true, rooms: [{room: lobby}]}", nullptr},
};

}  // namespace

BOOST_DATA_TEST_CASE(config_decoding, bdata::make(kConfigCases), c) {
  const YAML::Node node = YAML::Load(c.yaml);
  if (!c.errorPath) {
    BOOST_CHECK_NO_THROW(decodeVideoRoomConfig(node, "plugins.videoroom"));
    return;
  }
  try {
    decodeVideoRoomConfig(node, "plugins.videoroom");
    BOOST_FAIL("expected a ConfigError");
  } catch (const portunus::config::ConfigError& e) {
    BOOST_TEST(e.path() == c.errorPath, e.what());
  }
}

BOOST_AUTO_TEST_CASE(defaults_have_the_demo_room) {
  const VideoRoomConfig cfg = decodeVideoRoomConfig(YAML::Node(), "plugins.videoroom");
  BOOST_TEST(!cfg.adminKey.has_value());
  BOOST_TEST(!cfg.stringIds);
  BOOST_REQUIRE(cfg.rooms.size() == 1u);
  const RoomOptions& demo = cfg.rooms[0];
  BOOST_TEST(demo.id == "1234");
  BOOST_TEST(demo.description == "Demo Room");
  BOOST_TEST(demo.secret.value_or("") == "adminpwd");
  BOOST_TEST(demo.publishers == 6);
  BOOST_TEST(demo.bitrate == 128000u);
  BOOST_TEST(demo.firFreq == 10u);
}

BOOST_AUTO_TEST_CASE(room_values) {
  const VideoRoomConfig cfg = decodeVideoRoomConfig(
      YAML::Load("{admin_key: k, rooms: [{room: 7, pin: p, bitrate: 1000, videocodec: 'VP9,vp8', allowed: [t]}, "
                 "{room: 8}]}"),
      "plugins.videoroom");
  BOOST_TEST(cfg.adminKey.value_or("") == "k");
  BOOST_REQUIRE(cfg.rooms.size() == 2u);
  BOOST_TEST(cfg.rooms[0].id == "7");
  BOOST_TEST(cfg.rooms[0].pin.value_or("") == "p");
  BOOST_TEST(cfg.rooms[0].bitrate == 64000u);  // Janus's floor
  BOOST_TEST((cfg.rooms[0].videocodec == std::vector<std::string>{"vp9", "vp8"}));
  BOOST_TEST(cfg.rooms[0].checkAllowed);
  BOOST_TEST(cfg.rooms[0].allowed.count("t") == 1u);
  BOOST_TEST(cfg.rooms[1].description == "Room 8");
  BOOST_TEST(cfg.rooms[1].publishers == 3);
}
