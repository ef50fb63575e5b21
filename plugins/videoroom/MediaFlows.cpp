#include "plugins/videoroom/MediaFlows.hpp"

#include "plugins/videoroom/VideoRoomErrors.hpp"

namespace portunus::plugins::videoroom {

bool MediaFlows::mediaUp() const {
  return ctx_.media && ctx_.gateway && ctx_.gateway->mediaAvailable();
}

nlohmann::json MediaFlows::publish(Room&, Publisher& publisher, const nlohmann::json& body,
                                   const std::optional<nlohmann::json>& jsep, std::optional<nlohmann::json>&) {
  if (jsep) {
    // No media layer to answer with: Janus's answer to an offer it cannot process.
    if (!mediaUp()) throw VideoRoomError(ErrorCode::InvalidSdp, "Error processing offer: no WebRTC media layer");
    throw VideoRoomError(ErrorCode::InvalidSdp, "Error processing offer: publishing is not implemented yet");
  }
  // Janus accepts `publish` without an offer and only records its settings.
  if (auto it = body.find("bitrate"); it != body.end()) publisher.bitrate = it->get<std::uint64_t>();
  return {{"configured", "ok"}};
}

void MediaFlows::configurePublisher(Room&, Publisher& publisher, const nlohmann::json& body) {
  if (auto it = body.find("bitrate"); it != body.end()) publisher.bitrate = it->get<std::uint64_t>();
}

void MediaFlows::unpublish(Room&, Publisher& publisher) {
  if (ctx_.gateway) ctx_.gateway->closePeerConnection(publisher.handle);
}

nlohmann::json MediaFlows::subscribe(Session&, Room&, const nlohmann::json&, const nlohmann::json&,
                                     std::optional<nlohmann::json>&) {
  // Reached only with published feeds, which need media; without it nothing can be offered.
  throw VideoRoomError(ErrorCode::Unknown, "Can't offer the subscription: no WebRTC media layer");
}

nlohmann::json MediaFlows::subscriberRequest(Session&, const std::string& request, const nlohmann::json&,
                                             const std::optional<nlohmann::json>&, std::optional<nlohmann::json>&) {
  throw VideoRoomError(ErrorCode::InvalidRequest, "Unknown request '" + request + "'");
}

void MediaFlows::publisherGone(Room&, Publisher&) {}

void MediaFlows::subscriberGone(Session&) {}

void MediaFlows::streamModerated(Room&, Publisher&, PublishedStream&) {}

void MediaFlows::setupMedia(Session&) {}

void MediaFlows::hangupMedia(Session&) {}

void MediaFlows::describe(const Session&, nlohmann::json&) const {}

}  // namespace portunus::plugins::videoroom
