// janus.plugin.videoroom: an SFU room API as Janus 1.1.2 speaks it (../shared/reference/janus-protocol.md §4).
// This class is the room half: request dispatch (sync vs async exactly as Janus decides it), room management,
// publisher-type participants and their events, subscriber join validation, admin `message_plugin`, handle info.
// Everything that needs a PeerConnection is delegated to MediaFlows.
#pragma once

#include <optional>
#include <string>

#include "controlplane/plugin/MediaControl.hpp"
#include "controlplane/plugin/Plugin.hpp"
#include "plugins/videoroom/MediaFlows.hpp"
#include "plugins/videoroom/RoomConfig.hpp"
#include "plugins/videoroom/VideoRoomContext.hpp"

namespace portunus::plugins::videoroom {

/** Janus's request classes: synchronous (answered in the `success` reply), asynchronous (`ack`, then an event), or
 *  unknown (a synchronous 423). Names compare case-insensitively, as Janus's strcasecmp. */
enum class RequestKind { Sync, Async, Unknown };
RequestKind classifyRequest(const std::string& request);

class VideoRoomPlugin final : public cp::Plugin {
 public:
  /** `media`: the media layer publishing and subscriptions use (none: offers are refused). */
  explicit VideoRoomPlugin(VideoRoomConfig config, cp::MediaControl* media = nullptr);

  const cp::PluginInfo& info() const override { return info_; }
  void init(cp::PluginGateway& gateway) override;
  void createSession(cp::HandleId handle) override;
  void destroySession(cp::HandleId handle) override;
  std::optional<std::string> asyncHint(const cp::PluginMessage& message) const override;
  cp::PluginResult handleMessage(const cp::PluginMessage& message) override;
  nlohmann::json handleAdminMessage(const nlohmann::json& request) override;
  nlohmann::json queryHandle(cp::HandleId handle) override;
  void setupMedia(cp::HandleId handle) override;
  void hangupMedia(cp::HandleId handle) override;

  /** The plugin's state, for the media half's wiring and for tests (lock `mutex` to touch it). */
  VideoRoomContext& context() noexcept { return ctx_; }

 private:
  // Synchronous requests (session null for the admin API). Return the reply data; throw VideoRoomError.
  nlohmann::json syncRequest(const std::string& request, const nlohmann::json& body);
  nlohmann::json create(const nlohmann::json& body);
  nlohmann::json edit(const nlohmann::json& body);
  nlohmann::json destroy(const nlohmann::json& body);
  nlohmann::json exists(const nlohmann::json& body);
  nlohmann::json list(const nlohmann::json& body);
  nlohmann::json allowed(const nlohmann::json& body);
  nlohmann::json kick(const nlohmann::json& body);
  nlohmann::json moderate(const nlohmann::json& body);
  nlohmann::json listParticipants(const nlohmann::json& body);
  /** rtp_forward, stop_rtp_forward, listforwarders, enable_recording and the remote-publisher requests, which
   *  Portunus validates like Janus and then answers without the feature (ForwardingRequests.cpp). */
  nlohmann::json forwardingRequest(const std::string& request, const nlohmann::json& body);

  // Asynchronous requests of one handle.
  cp::PluginResult asyncRequest(Session& session, const std::string& request, const cp::PluginMessage& message);
  cp::PluginResult join(Session& session, const std::string& request, const cp::PluginMessage& message);
  cp::PluginResult joinPublisher(Session& session, Room& room, const std::string& request,
                                 const cp::PluginMessage& message);
  cp::PluginResult joinSubscriber(Session& session, Room& room, const cp::PluginMessage& message);
  cp::PluginResult publisherRequest(Session& session, const std::string& request, const cp::PluginMessage& message);
  cp::PluginResult leftSubscriberRequest(Session& session, const std::string& request,
                                         const cp::PluginMessage& message);
  /** `publish`/`configure`(+jsep): display change, publish slot checks, then the media half. */
  nlohmann::json configure(Room& room, Publisher& publisher, const std::string& request, const nlohmann::json& body,
                           const std::optional<nlohmann::json>& jsep, std::optional<nlohmann::json>& jsepOut);

  /** Looks the room up from `body["room"]` (validated first): 426 when absent; with `checkSecret` the room secret
   *  must match (429/430/433), with `checkPin` the pin (Janus janus_videoroom_access_room). */
  std::shared_ptr<Room> accessRoom(const nlohmann::json& body, bool checkSecret, bool checkPin);
  /** Removes a publisher-type participant from its room and tells the others (`leaving` or `kicked`). */
  void removeParticipant(Room& room, Publisher& publisher, bool kicked);
  std::string newParticipantId(const Room& room) const;
  std::string newRoomId() const;

  cp::PluginInfo info_;
  VideoRoomContext ctx_;
  MediaFlows media_;
};

}  // namespace portunus::plugins::videoroom
