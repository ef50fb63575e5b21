// The VideoRoom plugin's shared state, as both halves of the plugin see it: the room half (VideoRoomPlugin: room
// management, participants, events) and the media half (MediaFlows: publishing, subscriptions, routes).
//
// Locking: `mutex` guards everything here. Request handlers, media callbacks and detaches take it once at their
// entry; every function that receives a VideoRoomContext& or a Room/Session reference runs with it held.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controlplane/plugin/MediaControl.hpp"
#include "controlplane/plugin/Plugin.hpp"
#include "plugins/videoroom/Participant.hpp"
#include "plugins/videoroom/Room.hpp"
#include "plugins/videoroom/RoomConfig.hpp"

namespace portunus::plugins::videoroom {

struct VideoRoomContext {
  VideoRoomConfig config;
  cp::PluginGateway* gateway = nullptr;
  cp::MediaControl* media = nullptr;  // null: no media layer (publish/subscribe answer with an error)

  std::mutex mutex;
  std::map<std::string, std::shared_ptr<Room>> rooms;
  std::map<cp::HandleId, Session> sessions;

  bool stringIds() const noexcept { return config.stringIds; }

  /** The room, or null. */
  std::shared_ptr<Room> findRoom(const std::string& id) const {
    auto it = rooms.find(id);
    return it == rooms.end() ? nullptr : it->second;
  }
  Session* findSession(cp::HandleId handle) {
    auto it = sessions.find(handle);
    return it == sessions.end() ? nullptr : &it->second;
  }

  /** Pushes `event` (no transaction) to one handle. */
  void push(cp::HandleId handle, nlohmann::json event, std::optional<nlohmann::json> jsep = std::nullopt) const {
    if (gateway) gateway->pushEvent(handle, std::nullopt, std::move(event), std::move(jsep));
  }
  /** Janus's notify_participants: the event to every publisher-type participant of the room except `except`. */
  void notifyParticipants(const Room& room, const nlohmann::json& event, const std::string& except = {}) const {
    for (const auto& [id, p] : room.participants())
      if (id != except && !p->kicked) push(p->handle, event);
  }

  // Room events the media half triggers (it decides when; their shape is the room's).
  /** A participant started publishing or changed its streams: `{"videoroom":"event","room","publishers":[it]}` to
   *  the others. */
  void announcePublisher(const Room& room, const Publisher& p) const {
    notifyParticipants(
        room, {{"videoroom", "event"}, {"room", room.roomJson()}, {"publishers", {room.publisherJson(p)}}}, p.id);
  }
  /** A participant stopped publishing (unpublish, PeerConnection gone): `{..., "unpublished": id}` to the others. */
  void announceUnpublished(const Room& room, const Publisher& p) const {
    notifyParticipants(room, {{"videoroom", "event"}, {"room", room.roomJson()}, {"unpublished", room.idJson(p.id)}},
                       p.id);
  }
};

/** Reads an id element (`room`, `id`, `feed`...) that validateParams already checked: as text. */
inline std::string idText(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : std::to_string(v.get<std::uint64_t>());
}

}  // namespace portunus::plugins::videoroom
