#include "lab/load/LoadScenario.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "common/config/ConfigReader.hpp"

namespace portunus::lab {

void applyLoadScenario(const std::string& yamlText, EchoTestOptions& o) {
  try {
    const YAML::Node root = YAML::Load(yamlText);
    if (!root.IsMap()) throw UsageError("scenario: not a YAML mapping");
    config::MapReader in(root, "");
    std::string scenario = "echotest";
    in.getOneOf("scenario", scenario, {"echotest", "webinar", "meetings"});
    o.load_scenario = scenario;
    const bool echotest = scenario == "echotest";
    // Keys of the other kind of scenario are mistakes, said as such (not "unknown key").
    for (const char* key : {"peers", "ramp_per_s", "setup_threads", "churn"})
      if (!echotest && in.has(key)) in.fail(key, "applies to scenario echotest only");
    for (const char* key : {"publishers", "subscribers", "rooms", "room", "nack"})
      if (echotest && in.has(key)) in.fail(key, "applies to scenarios webinar and meetings only");
    if (scenario == "webinar" && in.has("publishers")) in.fail("publishers", "a webinar has one publisher");
    if (scenario == "webinar" && in.has("rooms")) in.fail("rooms", "a webinar is one room (see `room`)");
    if (scenario == "meetings" && in.has("room")) in.fail("room", "meetings create their rooms (see `rooms`)");
    if (echotest) {
      in.get("peers", o.peers, 1, 2000);
      in.get("ramp_per_s", o.ramp_per_s);
      if (o.ramp_per_s < 0.1 || o.ramp_per_s > 1000) in.fail("ramp_per_s", "must be in [0.1, 1000]");
      in.get("setup_threads", o.setup_threads, 1, 256);
      config::MapReader churn = in.child("churn");
      churn.get("rate_per_s", o.churn_per_s);
      churn.get("lifetime_s", o.churn_lifetime_s);
      if (o.churn_per_s < 0 || o.churn_per_s > 100) churn.fail("rate_per_s", "must be in [0, 100]");
      if (o.churn_lifetime_s < 0.5 || o.churn_lifetime_s > 3600) churn.fail("lifetime_s", "must be in [0.5, 3600]");
      churn.finish();
    } else if (scenario == "webinar") {
      o.publishers = 1;
      o.rooms = 1;
      in.get("subscribers", o.subscribers, 1, 1000);
      in.get("room", o.room, 1);
      in.get("nack", o.nack);
    } else {
      in.get("rooms", o.rooms, 1, 64);
      in.get("publishers", o.publishers, 1, 16);
      in.get("subscribers", o.subscribers, 1, 256);
      in.get("nack", o.nack);
      if (o.rooms * (o.publishers + o.subscribers) > 2000) in.fail("rooms", "more than 2000 PeerConnections in all");
    }
    in.get("warmup_s", o.warmup_s);
    in.get("duration_s", o.duration_s);
    if (o.duration_s <= 0 || o.duration_s > 3600) in.fail("duration_s", "must be in (0, 3600]");
    if (o.warmup_s < 0 || o.warmup_s >= o.duration_s) in.fail("warmup_s", "must be in [0, duration_s)");
    in.get("threads", o.threads, 1, 64);
    in.get("loops", o.loops, 1, 64);
    config::MapReader media = in.child("media");
    media.get("audio", o.audio);
    media.get("video", o.video);
    media.get("video_bitrate_bps", o.video_bitrate_bps, 10'000, 50'000'000);
    media.get("video_fps", o.video_fps, 1, 120);
    for (const char* key : {"simulcast", "substream"})
      if (echotest && media.has(key)) media.fail(key, "applies to scenarios webinar and meetings only");
    media.get("simulcast", o.simulcast);
    media.get("substream", o.substream, 0, 2);
    if (media.has("substream") && !o.simulcast) media.fail("substream", "needs simulcast: true");
    if (o.simulcast && !o.video) media.fail("simulcast", "needs video");
    if (o.simulcast && o.nack) media.fail("simulcast", "not with nack (the layers carry no RTX)");
    media.finish();
    in.finish();
  } catch (const config::ConfigError& e) {
    throw UsageError(std::string("scenario: ") + e.what());
  } catch (const YAML::Exception& e) {
    throw UsageError(std::string("scenario: ") + e.what());
  }
}

void applyLoadScenarioFile(const std::string& path, EchoTestOptions& o) {
  std::ifstream in(path);
  if (!in) throw UsageError("--scenario: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  applyLoadScenario(text.str(), o);
}

}  // namespace portunus::lab
