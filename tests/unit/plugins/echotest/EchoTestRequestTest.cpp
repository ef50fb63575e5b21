#define BOOST_TEST_MODULE plugins_echotest
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "plugins/echotest/EchoTestPlugin.hpp"
#include "plugins/echotest/EchoTestRequest.hpp"

using namespace portunus::plugins;
using json = nlohmann::json;
namespace bdata = boost::unit_test::data;

struct Case {
  const char* name;
  const char* body;  // nullptr: no message
  bool jsep;
  int code;  // 0: valid
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << c.name;
}

const Case kCases[] = {
    {"no message", nullptr, false, 411, "No message??"},
    {"not an object", "[1]", false, 412, "JSON error: not an object"},
    {"empty", "{}", false, 413, "Message error: no supported attributes found"},
    {"unknown key only", R"({"foo":1})", false, 413, "Message error: no supported attributes found"},
    {"audiocodec alone", R"({"audiocodec":"opus"})", false, 413, "Message error: no supported attributes found"},
    {"audio not bool", R"({"audio":"yes"})", false, 413, "Invalid element type (audio should be a boolean)"},
    {"video not bool", R"({"video":1})", false, 413, "Invalid element type (video should be a boolean)"},
    {"bitrate negative", R"({"bitrate":-1})", false, 413,
     "Invalid element type (bitrate should be a positive integer)"},
    {"bitrate string", R"({"bitrate":"1"})", false, 413, "Invalid element type (bitrate should be a positive integer)"},
    {"record not bool", R"({"record":"on"})", false, 413, "Invalid element type (record should be a boolean)"},
    {"filename not string", R"({"record":true,"filename":5})", false, 413,
     "Invalid element type (filename should be a string)"},
    {"substream 3", R"({"substream":3})", false, 413, "Invalid value (substream should be 0, 1 or 2)"},
    {"temporal 5", R"({"temporal":5})", false, 413, "Invalid value (temporal should be 0, 1 or 2)"},
    {"videocodec not string", R"({"videocodec":8})", false, 413,
     "Invalid element type (videocodec should be a string)"},
    {"min_delay not integer", R"({"min_delay":1.5})", false, 413,
     "Invalid element type (min_delay should be an integer)"},
    {"first bad key wins", R"({"video":"x","audio":"y"})", false, 413,
     "Invalid element type (audio should be a boolean)"},
    {"audio", R"({"audio":true})", false, 0, ""},
    {"video and bitrate", R"({"video":false,"bitrate":128000})", false, 0, ""},
    {"substream 2", R"({"substream":2,"temporal":0})", false, 0, ""},
    {"negative delays", R"({"min_delay":-1,"max_delay":-1})", false, 0, ""},
    {"empty body with an offer", "{}", true, 0, ""},
};

BOOST_DATA_TEST_CASE(request_validation, bdata::make(kCases), c) {
  const json body = c.body ? json::parse(c.body) : json();
  if (c.code == 0) {
    BOOST_CHECK_NO_THROW(parseEchoTestRequest(c.body ? &body : nullptr, c.jsep));
    return;
  }
  try {
    parseEchoTestRequest(c.body ? &body : nullptr, c.jsep);
    BOOST_FAIL("expected an EchoTestError");
  } catch (const EchoTestError& e) {
    BOOST_TEST(e.number() == c.code);
    BOOST_TEST(std::string(e.what()) == c.reason);
  }
}

BOOST_AUTO_TEST_CASE(parsed_values) {
  const json body = json::parse(R"({"audio":false,"video":true,"bitrate":256000,"substream":1,"max_delay":30})");
  const auto r = parseEchoTestRequest(&body, false);
  BOOST_TEST(r.audio.value() == false);
  BOOST_TEST(r.video.value() == true);
  BOOST_TEST(r.bitrate.value() == 256000u);
  BOOST_TEST(r.substream.value() == 1u);
  BOOST_TEST(r.maxDelay.value() == 30);
  BOOST_TEST(!r.record.has_value());
}

/** A gateway that records pushed events. */
class RecordingGateway final : public portunus::cp::PluginGateway {
 public:
  void pushEvent(portunus::cp::HandleId handle, std::optional<std::string> tx, json data,
                 std::optional<json> jsep) override {
    events.push_back({handle, tx, data, jsep});
  }
  bool mediaAvailable() const override { return false; }
  void closePeerConnection(portunus::cp::HandleId) override {}
  struct Event {
    portunus::cp::HandleId handle;
    std::optional<std::string> tx;
    json data;
    std::optional<json> jsep;
  };
  std::vector<Event> events;
};

BOOST_AUTO_TEST_CASE(plugin_state_events_and_info) {
  EchoTestPlugin plugin;
  RecordingGateway gw;
  plugin.init(gw);
  BOOST_TEST(plugin.info().package == "janus.plugin.echotest");
  BOOST_TEST(plugin.info().version == 7);
  plugin.createSession(7);
  BOOST_TEST(plugin.asyncHint({7, "t", json::object(), std::nullopt}).value() == "I'm taking my time!");

  auto result = plugin.handleMessage({7, "t", {{"audio", false}, {"bitrate", 64000}}, std::nullopt});
  BOOST_TEST(result.data == (json{{"echotest", "event"}, {"result", "ok"}}));
  BOOST_TEST(!result.jsep.has_value());
  json info = plugin.queryHandle(7);
  BOOST_TEST(info["audio_active"] == false);
  BOOST_TEST(info["video_active"] == true);
  BOOST_TEST(info["bitrate"] == 64000);

  result = plugin.handleMessage({7, "t", {{"audio", "yes"}}, std::nullopt});
  BOOST_TEST(result.data == (json{{"echotest", "event"},
                                  {"error_code", 413},
                                  {"error", "Invalid element type (audio should be a boolean)"}}));

  // No media layer yet: an offer is refused with the SDP error and no answer.
  const json offer = {{"type", "offer"},
                      {"sdp", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n"}};
  result = plugin.handleMessage({7, "t", json::object(), offer});
  BOOST_TEST(result.data["error_code"] == 414);
  BOOST_TEST(!result.jsep.has_value());

  plugin.hangupMedia(7);
  BOOST_REQUIRE(gw.events.size() == 1u);
  BOOST_TEST(gw.events[0].data == (json{{"echotest", "event"}, {"result", "done"}}));
  BOOST_TEST(!gw.events[0].tx.has_value());
  BOOST_TEST(plugin.queryHandle(7)["audio_active"] == true);  // controls reset with the PeerConnection

  BOOST_TEST(plugin.handleAdminMessage({{"x", 1}}) == (json{{"x", 1}}));
  plugin.destroySession(7);
  BOOST_TEST(plugin.queryHandle(7).is_null());
  BOOST_CHECK_THROW(plugin.destroySession(7), std::exception);
}

struct SlowLinkCase {
  const char* name;
  const char* controls;  // a request applied first
  bool video;
  bool uplink;
  const char* event;  // expected plugin event, nullptr: none
};
std::ostream& operator<<(std::ostream& os, const SlowLinkCase& c) {
  return os << c.name;
}

const SlowLinkCase kSlowLinkCases[] = {
    {"downlink video carries the cap", R"({"bitrate":256000})", true, false,
     R"({"echotest":"event","event":"slow_link","media":"video","current-bitrate":256000})"},
    {"downlink video uncapped", R"({"audio":true})", true, false,
     R"({"echotest":"event","event":"slow_link","media":"video","current-bitrate":0})"},
    {"downlink audio has no bitrate", R"({"audio":true})", false, false,
     R"({"echotest":"event","event":"slow_link","media":"audio"})"},
    {"uplink is only counted", R"({"audio":true})", true, true, nullptr},
    {"video off: losses expected", R"({"video":false})", true, false, nullptr},
    {"audio off: losses expected", R"({"audio":false})", false, false, nullptr},
};

BOOST_DATA_TEST_CASE(slow_link_events, bdata::make(kSlowLinkCases), c) {
  EchoTestPlugin plugin;
  RecordingGateway gw;
  plugin.init(gw);
  plugin.createSession(9);
  BOOST_TEST(plugin.handleMessage({9, "t", json::parse(c.controls), std::nullopt}).data["result"] == "ok");
  plugin.slowLink(9, "1", c.video, c.uplink);
  plugin.slowLink(10, "1", c.video, c.uplink);  // a handle the plugin does not know: ignored
  if (c.event) {
    BOOST_REQUIRE(gw.events.size() == 1u);
    BOOST_TEST(gw.events[0].handle == 9u);
    BOOST_TEST(!gw.events[0].tx.has_value());
    BOOST_TEST(gw.events[0].data == json::parse(c.event));
  } else {
    BOOST_TEST(gw.events.empty());
  }
  BOOST_TEST(plugin.queryHandle(9)["slowlink_count"] == 1);
}
