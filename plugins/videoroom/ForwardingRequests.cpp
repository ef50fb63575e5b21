// The VideoRoom requests of Janus 1.1.2 that Portunus answers without the feature behind them: RTP forwarders,
// the recorder and remote publishers (janus-protocol.md §4.6). Each request is validated exactly as Janus validates
// it (same first offending element, same room/secret/feed lookups, in Janus's order), so a client that gets a
// request wrong gets Janus's reply. Where Janus's reply is fully determined by Portunus having no forwarders
// (`listforwarders`, `stop_rtp_forward` of any stream) it is Janus's reply; where Janus would create something,
// the reply is 499 "Request 'x' is not supported by Portunus" (docs/api.md, VideoRoom).
#include "plugins/videoroom/JsonParams.hpp"
#include "plugins/videoroom/VideoRoomErrors.hpp"
#include "plugins/videoroom/VideoRoomPlugin.hpp"

namespace portunus::plugins::videoroom {
namespace {

using nlohmann::json;

[[noreturn]] void unsupported(const std::string& request) {
  throw VideoRoomError(ErrorCode::Unknown, "Request '" + request + "' is not supported by Portunus");
}

}  // namespace

json VideoRoomPlugin::forwardingRequest(const std::string& request, const json& body) {
  const bool sids = ctx_.stringIds();
  if (request == "listforwarders") {
    // No publisher ever has a forwarder: Janus lists only publishers that have some.
    auto room = accessRoom(body, true, false);
    return {{"videoroom", "forwarders"}, {"room", room->roomJson()}, {"publishers", json::array()}};
  }
  if (request == "stop_rtp_forward") {
    validateParams(body, {idParam("room", sids, true)});
    validateParams(body, {idParam("publisher_id", sids, true)});
    validateParams(body, {{"stream_id", JsonType::Integer, true, true}});
    auto room = accessRoom(body, true, false);
    const std::string feed = idText(body["publisher_id"]);
    if (!room->participant(feed)) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + feed + ")");
    throw VideoRoomError(ErrorCode::NoSuchFeed, "No such stream (" + body["stream_id"].dump() + ")");
  }
  if (request == "rtp_forward") {
    validateParams(body, {{"host", JsonType::String, true}});
    validateParams(body, {idParam("room", sids, true)});
    validateParams(body, {idParam("publisher_id", sids, true)});
    auto room = accessRoom(body, true, false);
    const std::string feed = idText(body["publisher_id"]);
    if (!room->participant(feed)) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + feed + ")");
    unsupported(request);
  }
  if (request == "enable_recording") {
    validateParams(body, {{"record", JsonType::Bool, true}});
    validateParams(body, {idParam("room", sids, false)});
    // Janus looks up room 0 when the element is absent.
    if (!body.contains("room")) throw VideoRoomError::noSuchRoom(sids ? "" : "0");
    accessRoom(body, true, false);
    unsupported(request);
  }
  if (request == "listremotes") {
    validateParams(body, {idParam("room", sids, true)});
    validateParams(body, {idParam("publisher_id", sids, true)});
    validateParams(body, {{"secret", JsonType::String, true}});
    unsupported(request);
  }
  if (request == "publish_remotely" || request == "unpublish_remotely") {
    validateParams(body, {{"remote_id", JsonType::String, true}});
    unsupported(request);
  }
  // add_remote_publisher, update_remote_publisher, remove_remote_publisher
  validateParams(body, {idParam("room", sids, true)});
  unsupported(request);
}

}  // namespace portunus::plugins::videoroom
