// Who is in a VideoRoom: one record per handle. A handle is either a publisher-type participant (it joined with
// ptype "publisher": listed in the room, gets the room's events, may publish) or a subscriber (its own recvonly
// PeerConnection fed by publishers' streams), never both (Janus's participant_type).
//
// The media half of the plugin (MediaFlows) fills the stream descriptions; the room half reads them to build the
// `publishers` lists and events. All of it is guarded by the plugin's mutex.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/plugin/Plugin.hpp"

namespace portunus::plugins::videoroom {

/** One m-line a publisher sends, as `publishers[].streams[]` shows it (janus-protocol.md §4.3). */
struct PublishedStream {
  std::string type;  // "audio", "video" or "data"
  int mindex = 0;
  std::string mid;
  bool disabled = false;  // inactive m-line: codec and the rest are not shown
  std::string codec;
  std::optional<std::string> description;
  bool moderated = false;  // muted by a moderator (`moderate`): forwarding stops, the publisher keeps sending
  bool simulcast = false;
  bool svc = false;
  std::optional<bool> talking;
  /** Codec-specific keys Janus adds (`stereo`, `fec`, `dtx`, `h264_profile`, `vp9_profile`), merged as they are. */
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json toJson() const {
    nlohmann::json s = {{"type", type}, {"mindex", mindex}, {"mid", mid}};
    if (disabled) {
      s["disabled"] = true;
      return s;
    }
    if (!codec.empty()) s["codec"] = codec;
    if (description) s["description"] = *description;
    if (moderated) s["moderated"] = true;
    if (simulcast) s["simulcast"] = true;
    if (svc) s["svc"] = true;
    if (talking) s["talking"] = *talking;
    for (const auto& [k, v] : extra.items())
      s[k] = v;
    return s;
  }
};

/** A publisher-type participant (joined, published or not). */
struct Publisher {
  std::string id;  // participant id as text (decimal unless string_ids)
  std::optional<std::string> display;
  std::uint32_t privateId = 0;  // ties this participant's subscriptions to it (require_pvtid)
  cp::HandleId handle = 0;
  std::string room;
  bool published = false;  // has an active PeerConnection with media (Janus session->started)
  bool kicked = false;
  std::uint64_t bitrate = 0;  // per-publisher REMB override (0: the room's)
  std::optional<std::string> audioCodec;
  std::optional<std::string> videoCodec;
  std::vector<PublishedStream> streams;

  PublishedStream* streamByMid(const std::string& mid) {
    for (auto& s : streams)
      if (s.mid == mid) return &s;
    return nullptr;
  }
  nlohmann::json streamsJson() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& s : streams)
      out.push_back(s.toJson());
    return out;
  }
};

/** A subscription handle. `streams` is the media half's description of what it receives (Janus `attached`/`updated`
 *  `streams` array). */
struct Subscriber {
  cp::HandleId handle = 0;
  std::string room;
  std::optional<std::uint32_t> privateId;  // the owner's private_id when it gave one
  bool paused = false;
  nlohmann::json streams = nlohmann::json::array();
};

/** What one handle is in the plugin. */
struct Session {
  enum class Role { None, Publisher, Subscriber };
  cp::HandleId handle = 0;
  Role role = Role::None;
  std::shared_ptr<Publisher> publisher;    // Role::Publisher
  std::shared_ptr<Subscriber> subscriber;  // Role::Subscriber
  /** A subscriber that left (Role::None again): its room's id. Janus 1.1.2 keeps such a handle a subscriber with no
   *  streams: it cannot join again and a few requests still answer (VideoRoomPlugin::leftSubscriberRequest). */
  std::optional<nlohmann::json> leftRoom;
  bool hangingUp = false;
};

}  // namespace portunus::plugins::videoroom
