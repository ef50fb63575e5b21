#define BOOST_TEST_MODULE plugins_videoroom
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "plugins/videoroom/RoomOptions.hpp"
#include "plugins/videoroom/VideoRoomErrors.hpp"

using namespace portunus::plugins::videoroom;
using json = nlohmann::json;
namespace bdata = boost::unit_test::data;

namespace {

struct CreateCase {
  const char* name;
  const char* body;
  int code;  // 0: accepted
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const CreateCase& c) {
  return os << c.name;
}

const char* const kAudioError =
    "Invalid element (audiocodec can only be or contain opus, isac32, isac16, pcmu, pcma or g722)";

const CreateCase kCreateCases[] = {
    {"empty", "{}", 0, ""},
    {"all kinds", R"({"description":"d","is_private":true,"allowed":["a"],"secret":"s","pin":"p","publishers":6,
      "bitrate":128000,"fir_freq":10,"audiocodec":"opus,pcmu","videocodec":"vp8,h264","notify_joining":true})",
     0, ""},
    {"description not string", R"({"description":1})", 430, "Invalid element type (description should be a string)"},
    {"is_private not bool", R"({"is_private":"yes"})", 430, "Invalid element type (is_private should be a boolean)"},
    {"allowed not array", R"({"allowed":"a"})", 430, "Invalid element type (allowed should be an array)"},
    {"allowed with a number", R"({"allowed":["a",1]})", 430, "Invalid element in the allowed array (not a string)"},
    {"secret not string", R"({"secret":5})", 430, "Invalid element type (secret should be a string)"},
    {"bitrate negative", R"({"bitrate":-1})", 430, "Invalid element type (bitrate should be a positive integer)"},
    {"bitrate real", R"({"bitrate":1.5})", 430, "Invalid element type (bitrate should be a positive integer)"},
    {"publishers string", R"({"publishers":"3"})", 430,
     "Invalid element type (publishers should be a positive integer)"},
    {"first bad element in table order", R"({"publishers":"x","description":5})", 430,
     "Invalid element type (description should be a string)"},
    {"unknown audio codec", R"({"audiocodec":"mp3"})", 430, kAudioError},
    {"blank in audio list", R"({"audiocodec":"opus, pcmu"})", 430, kAudioError},
    {"empty name in audio list", R"({"audiocodec":"opus,,pcmu"})", 430, kAudioError},
    {"janus-only audio codec", R"({"audiocodec":"isac32"})", 430,
     "Invalid element (audiocodec isac32 is not supported by Portunus)"},
    {"unknown video codec", R"({"videocodec":"theora"})", 430,
     "Invalid element (videocodec can only be or contain vp8, vp9, av1, h264 or h265)"},
    {"janus-only video codec", R"({"videocodec":"vp8,h265"})", 430,
     "Invalid element (videocodec h265 is not supported by Portunus)"},
    {"permanent not bool", R"({"permanent":1})", 430, "Invalid element type (permanent should be a boolean)"},
    {"dummy_streams not array", R"({"dummy_streams":{}})", 430,
     "Invalid element type (dummy_streams should be an array)"},
};

}  // namespace

BOOST_DATA_TEST_CASE(create_option_validation, bdata::make(kCreateCases), c) {
  const json body = json::parse(c.body);
  if (c.code == 0) {
    BOOST_CHECK_NO_THROW(parseCreateOptions(body));
    return;
  }
  try {
    parseCreateOptions(body);
    BOOST_FAIL("expected a VideoRoomError");
  } catch (const VideoRoomError& e) {
    BOOST_TEST(e.number() == c.code);
    BOOST_TEST(std::string(e.what()) == c.reason);
  }
}

BOOST_AUTO_TEST_CASE(create_defaults_are_janus_defaults) {
  const RoomOptions o = parseCreateOptions(json::object());
  BOOST_TEST(o.publishers == 3);
  BOOST_TEST(o.bitrate == 0u);
  BOOST_TEST(o.firFreq == 0u);
  BOOST_TEST(o.audiocodec == std::vector<std::string>{"opus"});
  BOOST_TEST(o.videocodec == std::vector<std::string>{"vp8"});
  BOOST_TEST(o.opusFec);
  BOOST_TEST(!o.isPrivate);
  BOOST_TEST(!o.checkAllowed);
  BOOST_TEST(o.audiolevelExt);
  BOOST_TEST(o.audioActivePackets == 100u);
  BOOST_TEST(o.audioLevelAverage == 25u);
}

struct ValueCase {
  const char* name;
  const char* body;
  const char* key;  // the list entry's key
  const char* expected;
};
std::ostream& operator<<(std::ostream& os, const ValueCase& c) {
  return os << c.name;
}

const ValueCase kValueCases[] = {
    {"bitrate raised to 64k", R"({"bitrate":1000})", "bitrate", "64000"},
    {"bitrate 0 stays off", R"({"bitrate":0})", "bitrate", "0"},
    {"bitrate kept", R"({"bitrate":512000})", "bitrate", "512000"},
    {"codecs lower-cased", R"({"audiocodec":"PCMU,Opus"})", "audiocodec", R"("pcmu,opus")"},
    {"five codecs at most, duplicates kept", R"({"videocodec":"vp9,vp8,h264,av1,vp8,vp9"})", "videocodec",
     R"("vp9,vp8,h264,av1,vp8")"},
    {"empty codec list keeps the default", R"({"videocodec":""})", "videocodec", R"("vp8")"},
    {"pin shown as pin_required", R"({"pin":"1"})", "pin_required", "true"},
    {"opus_fec off is not listed", R"({"opus_fec":false})", "opus_fec", "null"},
    {"video_svc listed when on", R"({"video_svc":true})", "video_svc", "true"},
    {"audio level settings listed with audiolevel_event", R"({"audiolevel_event":true,"audio_level_average":40})",
     "audio_level_average", "40"},
    {"audio level settings hidden otherwise", R"({"audio_level_average":40})", "audio_level_average", "null"},
};

BOOST_DATA_TEST_CASE(list_entry_values, bdata::make(kValueCases), c) {
  const json entry = listEntry(parseCreateOptions(json::parse(c.body)));
  const json value = entry.contains(c.key) ? entry[c.key] : json(nullptr);
  BOOST_TEST(value == json::parse(c.expected), value.dump() << " != " << c.expected);
}

struct EditCase {
  const char* name;
  const char* body;
  int code;
  const char* reason;
  const char* key;  // list entry key checked after a successful edit
  const char* expected;
};
std::ostream& operator<<(std::ostream& os, const EditCase& c) {
  return os << c.name;
}

const EditCase kEditCases[] = {
    {"new_description", R"({"new_description":"x"})", 0, "", "description", R"("x")"},
    {"empty new_description ignored", R"({"new_description":""})", 0, "", "description", R"("orig")"},
    {"new_publishers", R"({"new_publishers":9})", 0, "", "max_publishers", "9"},
    {"new_bitrate floor", R"({"new_bitrate":10})", 0, "", "bitrate", "64000"},
    {"new_is_private", R"({"new_is_private":true})", 0, "", "is_private", "true"},
    {"new_pin", R"({"new_pin":"1"})", 0, "", "pin_required", "true"},
    {"new_bitrate bad", R"({"new_bitrate":"x"})", 430,
     "Invalid element type (new_bitrate should be a positive integer)", "", ""},
    {"new_is_private bad", R"({"new_is_private":1})", 430, "Invalid element type (new_is_private should be a boolean)",
     "", ""},
};

BOOST_DATA_TEST_CASE(edit_validation_and_effect, bdata::make(kEditCases), c) {
  RoomOptions o = parseCreateOptions(json{{"description", "orig"}});
  try {
    applyEdit(o, json::parse(c.body));
    BOOST_TEST(c.code == 0);
    BOOST_TEST(listEntry(o)[c.key] == json::parse(c.expected));
  } catch (const VideoRoomError& e) {
    BOOST_TEST(e.number() == c.code);
    BOOST_TEST(std::string(e.what()) == c.reason);
  }
}
