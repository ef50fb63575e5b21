#include "plugins/videoroom/RoomConfig.hpp"

#include <limits>
#include <set>

#include "common/config/ConfigReader.hpp"
#include "plugins/videoroom/VideoRoomErrors.hpp"

namespace portunus::plugins::videoroom {
namespace {

// Bound for unsigned reads (MapReader takes long long limits); Janus ids stay below 2^53 anyway.
constexpr long long kMaxInt = std::numeric_limits<long long>::max();

RoomOptions decodeRoom(const YAML::Node& node, const std::string& path, bool stringIds) {
  config::MapReader r(node, path);
  RoomOptions o;
  if (!r.has("room")) r.fail("room", "missing (every room needs its id)");
  if (stringIds) {
    r.get("room", o.id);
    if (o.id.empty()) r.fail("room", "must not be empty");
  } else {
    std::uint64_t id = 0;
    r.get("room", id, 1, kMaxInt);
    o.id = std::to_string(id);
  }
  r.get("description", o.description);
  auto optText = [&r](const char* key, std::optional<std::string>& out) {
    if (!r.has(key)) return;
    std::string v;
    r.get(key, v);
    out = v;
  };
  optText("secret", o.secret);
  optText("pin", o.pin);
  r.get("is_private", o.isPrivate);
  if (r.has("allowed")) {
    std::vector<std::string> tokens;
    r.get("allowed", tokens);
    o.allowed.insert(tokens.begin(), tokens.end());
    o.checkAllowed = true;
  }
  r.get("require_pvtid", o.requirePvtid);
  r.get("signed_tokens", o.signedTokens);
  r.get("require_e2ee", o.requireE2ee);
  r.get("publishers", o.publishers, 0);
  std::uint64_t bitrate = 0;
  r.get("bitrate", bitrate, 0, kMaxInt);
  o.setBitrate(bitrate);
  r.get("bitrate_cap", o.bitrateCap);
  r.get("fir_freq", o.firFreq, 0, kMaxInt);
  for (auto [key, audio] : {std::pair{"audiocodec", true}, std::pair{"videocodec", false}}) {
    if (!r.has(key)) continue;
    std::string list;
    r.get(key, list);
    auto& target = audio ? o.audiocodec : o.videocodec;
    try {
      target = parseCodecList(list, audio, target);
    } catch (const VideoRoomError& e) {
      r.fail(key, e.what());
    }
  }
  optText("vp9_profile", o.vp9Profile);
  optText("h264_profile", o.h264Profile);
  r.get("opus_fec", o.opusFec);
  r.get("opus_dtx", o.opusDtx);
  r.get("video_svc", o.videoSvc);
  r.get("audiolevel_ext", o.audiolevelExt);
  r.get("audiolevel_event", o.audiolevelEvent);
  r.get("audio_active_packets", o.audioActivePackets, 1, kMaxInt);
  r.get("audio_level_average", o.audioLevelAverage, 1, 127);
  r.get("videoorient_ext", o.videoorientExt);
  r.get("playoutdelay_ext", o.playoutdelayExt);
  r.get("transport_wide_cc_ext", o.transportWideCcExt);
  r.get("record", o.record);
  optText("rec_dir", o.recDir);
  r.get("lock_record", o.lockRecord);
  r.get("notify_joining", o.notifyJoining);
  r.get("dummy_publisher", o.dummyPublisher);
  r.finish();
  o.defaultDescription();
  return o;
}

}  // namespace

RoomOptions VideoRoomConfig::demoRoom() {
  RoomOptions o;
  o.id = "1234";
  o.description = "Demo Room";
  o.secret = "adminpwd";
  o.publishers = 6;
  o.bitrate = 128000;
  o.firFreq = 10;
  return o;
}

VideoRoomConfig decodeVideoRoomConfig(const YAML::Node& node, const std::string& path) {
  VideoRoomConfig cfg;
  if (!node || node.IsNull()) return cfg;
  config::MapReader r(node, path);
  if (r.has("admin_key")) {
    std::string key;
    r.get("admin_key", key);
    if (key.empty()) r.fail("admin_key", "must not be empty (leave it out to let anyone create rooms)");
    cfg.adminKey = key;
  }
  r.get("string_ids", cfg.stringIds);
  r.get("lock_rtp_forward", cfg.lockRtpForward);
  if (r.has("rooms")) {
    const YAML::Node rooms = r.raw("rooms");
    if (!rooms.IsSequence() && !rooms.IsNull()) r.fail("rooms", "expected a list of rooms");
    cfg.rooms.clear();
    std::set<std::string> seen;
    for (std::size_t i = 0; rooms.IsSequence() && i < rooms.size(); ++i) {
      const std::string roomPath = path + ".rooms[" + std::to_string(i) + "]";
      cfg.rooms.push_back(decodeRoom(rooms[i], roomPath, cfg.stringIds));
      if (!seen.insert(cfg.rooms.back().id).second)
        throw config::ConfigError(roomPath + ".room", "duplicate room id " + cfg.rooms.back().id);
    }
  } else if (cfg.stringIds) {
    cfg.rooms = {VideoRoomConfig::demoRoom()};  // "1234" as a string id
  }
  r.finish();
  return cfg;
}

}  // namespace portunus::plugins::videoroom
