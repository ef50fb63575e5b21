// The VideoRoom plugin's error family (janus_videoroom.c JANUS_VIDEOROOM_ERROR_*). A VideoRoomError thrown anywhere in
// the plugin becomes `{"videoroom":"event","error_code":N,"error":reason}`: the sync reply's plugindata, the async
// request's event, or the admin `message_plugin` response. The reasons are Janus's own strings.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace portunus::plugins::videoroom {

enum class ErrorCode : int {
  NoMessage = 421,
  InvalidJson = 422,
  InvalidRequest = 423,
  JoinFirst = 424,
  AlreadyJoined = 425,
  NoSuchRoom = 426,
  RoomExists = 427,
  NoSuchFeed = 428,
  MissingElement = 429,
  InvalidElement = 430,
  InvalidSdpType = 431,
  PublishersFull = 432,
  Unauthorized = 433,
  AlreadyPublished = 434,
  NotPublished = 435,
  IdExists = 436,
  InvalidSdp = 437,
  Unknown = 499,
};

class VideoRoomError : public std::runtime_error {
 public:
  VideoRoomError(ErrorCode code, const std::string& reason) : std::runtime_error(reason), code_(code) {}
  ErrorCode code() const noexcept { return code_; }
  int number() const noexcept { return static_cast<int>(code_); }

  /** The error as the plugin sends it. */
  nlohmann::json toJson() const { return {{"videoroom", "event"}, {"error_code", number()}, {"error", what()}}; }

  /** 429 "Missing mandatory element (name)" (JANUS_VALIDATE_JSON_OBJECT). */
  static VideoRoomError missing(std::string_view name) {
    return {ErrorCode::MissingElement, "Missing mandatory element (" + std::string(name) + ")"};
  }
  /** 430 "Invalid element type (name should be <type>)" (JANUS_VALIDATE_JSON_OBJECT). */
  static VideoRoomError badType(std::string_view name, std::string_view type) {
    return {ErrorCode::InvalidElement,
            "Invalid element type (" + std::string(name) + " should be " + std::string(type) + ")"};
  }
  /** 433 "Unauthorized (wrong name)" (JANUS_CHECK_SECRET). */
  static VideoRoomError wrongSecret(std::string_view name) {
    return {ErrorCode::Unauthorized, "Unauthorized (wrong " + std::string(name) + ")"};
  }
  /** 426 "No such room (id)". */
  static VideoRoomError noSuchRoom(std::string_view room) {
    return {ErrorCode::NoSuchRoom, "No such room (" + std::string(room) + ")"};
  }

 private:
  ErrorCode code_;
};

}  // namespace portunus::plugins::videoroom
