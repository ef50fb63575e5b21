#define BOOST_TEST_MODULE lab_cli
#include <boost/test/unit_test.hpp>
#include <sstream>

#include "lab/cli/CliOptions.hpp"

using namespace portunus::lab;

namespace {

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;)
    words.push_back(w);
  return words;
}

}  // namespace

BOOST_AUTO_TEST_CASE(defaults) {
  const CliCommand c = parseCommandLine(split("echotest --server ws://127.0.0.1:8188"));
  BOOST_TEST(c.name == "echotest");
  const EchoTestOptions& o = c.echotest;
  BOOST_TEST(o.transport == "ws");
  BOOST_TEST(o.audio);
  BOOST_TEST(o.video);
  BOOST_TEST(o.duration_s == 5.0);
  BOOST_TEST(o.min_ratio == 0.95);
  BOOST_TEST(!o.srtp_profile.has_value());
  BOOST_TEST((o.trickle == TrickleMode::Normal));
  BOOST_TEST((o.role == PeerRole::Offer));
  BOOST_TEST(parseCommandLine(split("echotest --server http://h:8088/janus")).echotest.transport == "http");
}

BOOST_AUTO_TEST_CASE(every_option) {
  const CliCommand c = parseCommandLine(
      split("echotest --server http://127.0.0.1:8088/janus --transport http --duration 2.5 --no-audio --video "
            "--bitrate 800000 --fps 25 --srtp-profile SRTP_AES128_CM_SHA1_32 --trickle early "
            "--role answer --ice-address 198.18.0.2 --json out.json --warmup 0.5 --min-ratio 0.99 --log debug"));
  const EchoTestOptions& o = c.echotest;
  BOOST_TEST(o.duration_s == 2.5);
  BOOST_TEST(!o.audio);
  BOOST_TEST(o.video);
  BOOST_TEST(o.video_bitrate_bps == 800000u);
  BOOST_TEST(o.video_fps == 25u);
  BOOST_TEST((o.srtp_profile == portunus::dp::SrtpProfile::Aes128CmSha1_32));
  BOOST_TEST((o.trickle == TrickleMode::Early));
  BOOST_TEST((o.role == PeerRole::Answer));
  BOOST_TEST(o.ice_address == "198.18.0.2");
  BOOST_TEST(o.json_path == "out.json");
  BOOST_TEST(o.warmup_s == 0.5);
  BOOST_TEST(o.min_ratio == 0.99);
  BOOST_TEST(o.log_level == "debug");
}

BOOST_AUTO_TEST_CASE(usage_errors) {
  const char* bad[] = {
      "echotest",                                          // no server
      "frobnicate --server ws://h",                        // unknown command
      "echotest --server ws://h --transport udp",          //
      "echotest --server ws://h --duration",               // missing value
      "echotest --server ws://h --duration -1",            //
      "echotest --server ws://h --duration abc",           //
      "echotest --server ws://h --bitrate 12x",            //
      "echotest --server ws://h --srtp-profile NULL",      //
      "echotest --server ws://h --trickle sometimes",      //
      "echotest --server ws://h --role both",              //
      "echotest --server ws://h --no-audio --no-video",    //
      "echotest --server ws://h --min-ratio 1.5",          //
      "echotest --server ws://h --duration 1 --warmup 1",  // nothing would be measured
      "echotest --server ws://h --colour",                 // unknown option
  };
  for (const char* line : bad) {
    BOOST_TEST_CONTEXT(line) {
      BOOST_CHECK_THROW(parseCommandLine(split(line)), UsageError);
    }
  }
  BOOST_TEST(parseCommandLine({}).name == "help");
  const CliCommand room = parseCommandLine(split("videoroom --server ws://h --room 42"));
  BOOST_TEST(room.name == "videoroom");
  BOOST_TEST(room.echotest.room == 42u);
  BOOST_CHECK_THROW(parseCommandLine(split("echotest --server ws://h --room 42")), UsageError);  // videoroom only
  BOOST_TEST(parseCommandLine({"--help"}).name == "help");
  // Loss recovery and keyframe requests: --nack everywhere, the subscriber options in videoroom only.
  const EchoTestOptions loss =
      parseCommandLine(split("videoroom --server ws://h --nack --send-pli 50 --subscriber-address 198.18.51.3"))
          .echotest;
  BOOST_TEST(loss.nack);
  BOOST_TEST(loss.send_pli_ms == 50u);
  BOOST_TEST(loss.subscriber_address == "198.18.51.3");
  BOOST_TEST(parseCommandLine(split("echotest --server ws://h --nack")).echotest.nack);
  BOOST_TEST(!parseCommandLine(split("echotest --server ws://h")).echotest.nack);
  BOOST_CHECK_THROW(parseCommandLine(split("echotest --server ws://h --send-pli 50")), UsageError);
  BOOST_CHECK_THROW(parseCommandLine(split("videoroom --server ws://h --send-pli 5")), UsageError);  // < 10 ms
  // Meetings: R rooms of P x S; one-room scenario options do not combine with them.
  const EchoTestOptions meetings =
      parseCommandLine(split("videoroom --server ws://h --rooms 4 --publishers 3 --subscribers 2")).echotest;
  BOOST_TEST(meetings.rooms == 4u);
  BOOST_TEST(parseCommandLine(split("videoroom --server ws://h")).echotest.rooms == 1u);
  for (const char* line :
       {"videoroom --server ws://h --rooms 0", "videoroom --server ws://h --rooms 65",
        "echotest --server ws://h --rooms 2", "videoroom --server ws://h --rooms 2 --churn 3",
        "videoroom --server ws://h --rooms 2 --switch", "videoroom --server ws://h --rooms 2 --simulcast",
        "videoroom --server ws://h --rooms 2 --publisher-leaves"}) {
    BOOST_TEST_CONTEXT(line) {
      BOOST_CHECK_THROW(parseCommandLine(split(line)), UsageError);
    }
  }
}
