#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <string>

#include "lab/cli/CliOptions.hpp"
#include "lab/load/LoadScenario.hpp"

using namespace portunus::lab;

namespace {

/** Writes a scenario file for the command-line tests. */
void writeScenario(const std::string& path, const char* yaml) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  BOOST_REQUIRE(f);
  std::fputs(yaml, f);
  std::fclose(f);
}

/** `parse` must throw a UsageError whose text contains `mentions`. */
template <typename Parse>
void expectRefused(Parse parse, const std::string& what, const std::string& mentions) {
  try {
    parse();
    BOOST_ERROR("accepted: " << what);
  } catch (const UsageError& e) {
    BOOST_TEST(std::string(e.what()).find(mentions) != std::string::npos, e.what() << " lacks " << mentions);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(load_scenario_sets_every_key) {
  EchoTestOptions o;
  applyLoadScenario(
      "scenario: echotest\npeers: 150\nramp_per_s: 50\nwarmup_s: 1\nduration_s: 8\nthreads: 3\nsetup_threads: 12\n"
      "loops: 4\nchurn: {rate_per_s: 2.5, lifetime_s: 3}\nmedia: {audio: false, video: true, video_bitrate_bps: "
      "800000, video_fps: 25}\n",
      o);
  BOOST_TEST(o.peers == 150u);
  BOOST_TEST(o.ramp_per_s == 50.0);
  BOOST_TEST(o.warmup_s == 1.0);
  BOOST_TEST(o.duration_s == 8.0);
  BOOST_TEST(o.threads == 3u);
  BOOST_TEST(o.setup_threads == 12u);
  BOOST_TEST(o.loops == 4u);
  BOOST_TEST(o.churn_per_s == 2.5);
  BOOST_TEST(o.churn_lifetime_s == 3.0);
  BOOST_TEST(!o.audio);
  BOOST_TEST(o.video);
  BOOST_TEST(o.video_bitrate_bps == 800000u);
  BOOST_TEST(o.video_fps == 25u);
}

BOOST_AUTO_TEST_CASE(load_scenario_webinar_and_meetings) {
  EchoTestOptions w;
  applyLoadScenario(
      "scenario: webinar\nsubscribers: 150\nroom: 77\nnack: true\nduration_s: 6\nthreads: 1\n"
      "media: {audio: false}\n",
      w);
  BOOST_TEST(w.load_scenario == "webinar");
  BOOST_TEST(w.publishers == 1u);
  BOOST_TEST(w.rooms == 1u);
  BOOST_TEST(w.subscribers == 150u);
  BOOST_TEST(w.room == 77u);
  BOOST_TEST(w.nack);
  BOOST_TEST(w.duration_s == 6.0);
  BOOST_TEST(w.threads == 1u);
  BOOST_TEST(!w.audio);
  EchoTestOptions m;
  applyLoadScenario("scenario: meetings\nrooms: 4\npublishers: 3\nsubscribers: 2\nloops: 3\n", m);
  BOOST_TEST(m.load_scenario == "meetings");
  BOOST_TEST(m.rooms == 4u);
  BOOST_TEST(m.publishers == 3u);
  BOOST_TEST(m.subscribers == 2u);
  BOOST_TEST(m.loops == 3u);
  BOOST_TEST(!m.nack);
  EchoTestOptions sim;
  applyLoadScenario("scenario: meetings\nmedia: {simulcast: true, substream: 0}\n", sim);
  BOOST_TEST(sim.simulcast);
  BOOST_TEST(sim.substream == 0u);
  EchoTestOptions e;
  applyLoadScenario("peers: 3\n", e);
  BOOST_TEST(e.load_scenario == "echotest");
}

BOOST_AUTO_TEST_CASE(load_scenario_absent_keys_keep_defaults) {
  EchoTestOptions o;
  applyLoadScenario("peers: 7\n", o);
  BOOST_TEST(o.peers == 7u);
  BOOST_TEST(o.threads == EchoTestOptions{}.threads);
  BOOST_TEST(o.duration_s == EchoTestOptions{}.duration_s);
}

BOOST_AUTO_TEST_CASE(load_scenario_rejects_with_the_key) {
  struct Case {
    const char* yaml;
    const char* mentions;
  };
  const Case cases[] = {
      {"peers: 0\n", "peers"},
      {"peers: 10\nfrobnicate: 1\n", "frobnicate"},
      {"media: {audio: true, colour: red}\n", "media.colour"},
      {"scenario: conference\n", "scenario"},
      {"scenario: webinar\npeers: 10\n", "peers: applies to scenario echotest only"},
      {"scenario: meetings\nchurn: {rate_per_s: 1}\n", "churn: applies to scenario echotest only"},
      {"scenario: echotest\nsubscribers: 3\n", "subscribers: applies to scenarios webinar and meetings only"},
      {"rooms: 3\n", "rooms: applies to scenarios webinar and meetings only"},
      {"scenario: webinar\npublishers: 2\n", "one publisher"},
      {"scenario: webinar\nrooms: 2\n", "rooms"},
      {"scenario: webinar\nsubscribers: 0\n", "subscribers"},
      {"scenario: meetings\nroom: 1234\n", "meetings create their rooms"},
      {"scenario: meetings\nrooms: 65\n", "rooms"},
      {"scenario: meetings\npublishers: 17\n", "publishers"},
      {"scenario: meetings\nrooms: 64\npublishers: 16\nsubscribers: 20\n", "2000 PeerConnections"},
      {"scenario: meetings\nnack: maybe\n", "nack"},
      {"media: {simulcast: true}\n", "media.simulcast: applies to scenarios webinar and meetings only"},
      {"scenario: webinar\nmedia: {substream: 1}\n", "media.substream: needs simulcast"},
      {"scenario: webinar\nmedia: {simulcast: true, substream: 3}\n", "media.substream"},
      {"scenario: webinar\nmedia: {simulcast: true, video: false}\n", "media.simulcast: needs video"},
      {"scenario: webinar\nnack: true\nmedia: {simulcast: true}\n", "not with nack"},
      {"duration_s: 2\nwarmup_s: 3\n", "warmup_s"},
      {"threads: many\n", "threads"},
      {"churn: {rate_per_s: 1000}\n", "churn.rate_per_s"},
      {"churn: {every: 2}\n", "churn.every"},
      {"- a list\n", "mapping"},
  };
  for (const auto& c : cases) {
    EchoTestOptions o;
    expectRefused([&] { applyLoadScenario(c.yaml, o); }, c.yaml, c.mentions);
  }
}

BOOST_AUTO_TEST_CASE(scenario_flag_then_flags_override) {
  const std::string path = "/tmp/portunus-lab-scenario-test.yaml";
  writeScenario(path, "peers: 40\nthreads: 4\n");
  const CliCommand c = parseCommandLine(
      {"load", "--server", "ws://h:8188", "--scenario", path, "--threads", "2", "--setup-threads", "5"});
  BOOST_TEST(c.echotest.peers == 40u);
  BOOST_TEST(c.echotest.threads == 2u);
  BOOST_TEST(c.echotest.setup_threads == 5u);
  std::remove(path.c_str());
  BOOST_CHECK_THROW(parseCommandLine({"load", "--server", "ws://h:8188", "--scenario", "/nonexistent.yaml"}),
                    UsageError);
}

BOOST_AUTO_TEST_CASE(room_flags_go_with_room_scenarios_only) {
  const std::string path = "/tmp/portunus-lab-scenario-meetings-test.yaml";
  writeScenario(path, "scenario: meetings\nrooms: 2\npublishers: 2\nsubscribers: 2\n");
  // Flags after the file override it, before it too (the kind is known at the end).
  const CliCommand c =
      parseCommandLine({"load", "--subscribers", "5", "--server", "ws://h:8188", "--scenario", path, "--rooms", "3"});
  BOOST_TEST(c.echotest.load_scenario == "meetings");
  BOOST_TEST(c.echotest.rooms == 3u);
  BOOST_TEST(c.echotest.subscribers == 2u);  // the file came after --subscribers 5
  const auto refused = [](const std::vector<std::string>& args, const std::string& mentions) {
    expectRefused([&] { parseCommandLine(args); }, args.back(), mentions);
  };
  refused({"load", "--server", "ws://h:8188", "--scenario", path, "--peers", "4"}, "--peers: applies to load scenario");
  refused({"load", "--server", "ws://h:8188", "--rooms", "2"}, "--rooms: applies to load scenarios webinar");
  refused({"load", "--server", "ws://h:8188", "--scenario", path, "--churn-rate", "1"}, "--churn-rate");
  refused({"load", "--server", "ws://h:8188", "--simulcast"}, "--simulcast: applies to load scenarios webinar");
  refused({"load", "--server", "ws://h:8188", "--scenario", path, "--simulcast", "--nack"}, "not with --nack");
  const CliCommand sim =
      parseCommandLine({"load", "--server", "ws://h:8188", "--scenario", path, "--simulcast", "--substream", "1"});
  BOOST_TEST(sim.echotest.simulcast);
  BOOST_TEST(sim.echotest.substream == 1u);
  std::remove(path.c_str());
}
