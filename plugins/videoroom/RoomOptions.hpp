// A VideoRoom room's settings (../shared/reference/janus-protocol.md §4.2, the jcfg `room-<id>` keys), with Janus's
// defaults, as a `create` request or the YAML config gives them, and how `list` shows them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace portunus::plugins::videoroom {

/** Codecs a room may force on its publishers, in preference order (Janus keeps at most 5 of each). */
inline constexpr std::size_t kMaxRoomCodecs = 5;
bool isAudioCodec(const std::string& name);  // opus, g722, pcmu, pcma
bool isVideoCodec(const std::string& name);  // vp8, vp9, h264, av1
/** Splits a comma list ("vp9,vp8") as Janus does (at most 5 names, duplicates kept, case-insensitive); an unknown or
 *  unsupported name throws VideoRoomError 430; an empty list gives `fallback`. */
std::vector<std::string> parseCodecList(const std::string& list, bool audio, std::vector<std::string> fallback);
std::string joinCodecs(const std::vector<std::string>& codecs);

struct RoomOptions {
  std::string id;  // the room id as text (decimal unless string_ids)
  std::string description;
  std::optional<std::string> secret;
  std::optional<std::string> pin;
  bool isPrivate = false;
  bool checkAllowed = false;  // the `allowed` token ACL is enforced
  std::set<std::string> allowed;
  bool requirePvtid = false;
  bool signedTokens = false;
  bool requireE2ee = false;
  std::int64_t publishers = 3;  // max concurrent active publishers
  std::uint64_t bitrate = 0;    // REMB cap, bps; 0 = none, else at least 64000
  bool bitrateCap = false;
  std::uint64_t firFreq = 0;  // seconds between keyframe requests to publishers; 0 = off
  std::vector<std::string> audiocodec{"opus"};
  std::vector<std::string> videocodec{"vp8"};
  std::optional<std::string> vp9Profile;
  std::optional<std::string> h264Profile;
  bool opusFec = true;
  bool opusDtx = false;
  bool videoSvc = false;
  bool audiolevelExt = true;
  bool audiolevelEvent = false;
  std::uint64_t audioActivePackets = 100;
  std::uint64_t audioLevelAverage = 25;
  bool videoorientExt = true;
  bool playoutdelayExt = true;
  bool transportWideCcExt = true;
  bool record = false;
  std::optional<std::string> recDir;
  bool lockRecord = false;
  bool notifyJoining = false;
  bool dummyPublisher = false;

  /** Janus's lower bound on a non-zero bitrate cap. */
  static constexpr std::uint64_t kMinBitrate = 64000;
  void setBitrate(std::uint64_t bps) { bitrate = (bps > 0 && bps < kMinBitrate) ? kMinBitrate : bps; }
  /** Default description "Room <id>" when none was given. */
  void defaultDescription();
};

/** Validates a `create` request's room options (Janus's create_parameters table: 429/430 on the first bad one) and
 *  builds the options. `room` is not read here. */
RoomOptions parseCreateOptions(const nlohmann::json& request);

/** The `edit` request's `new_*` keys, validated (429/430) and applied to `options`. */
void applyEdit(RoomOptions& options, const nlohmann::json& request);

/** The room as `list` shows it (everything but `room` and `num_participants`). */
nlohmann::json listEntry(const RoomOptions& options);

}  // namespace portunus::plugins::videoroom
