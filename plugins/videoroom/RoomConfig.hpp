// The `plugins.videoroom` (or `plugins.janus.plugin.videoroom`) YAML section: Janus's janus.plugin.videoroom.jcfg
// `general` keys and its `room-<id>` blocks, decoded strictly (unknown keys rejected with their path).
//
//   plugins:
//     videoroom:
//       admin_key: "supersecret"   # `create` (and `list` of private rooms) need it; absent: anyone may create
//       string_ids: false          # room and participant ids are strings instead of integers
//       lock_rtp_forward: false
//       rooms:                     # absent: Janus's sample demo room 1234; [] for none
//         - {room: 1234, description: "Demo Room", secret: "adminpwd", publishers: 6, bitrate: 128000, fir_freq: 10}
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "plugins/videoroom/RoomOptions.hpp"

namespace portunus::plugins::videoroom {

struct VideoRoomConfig {
  std::optional<std::string> adminKey;
  bool stringIds = false;
  bool lockRtpForward = false;
  std::vector<RoomOptions> rooms = {demoRoom()};

  /** Room 1234 of Janus's sample janus.plugin.videoroom.jcfg. */
  static RoomOptions demoRoom();
};

/** Decodes the section at `path` (e.g. "plugins.videoroom"); a null node gives the defaults. Throws
 *  config::ConfigError. */
VideoRoomConfig decodeVideoRoomConfig(const YAML::Node& node, const std::string& path);

}  // namespace portunus::plugins::videoroom
