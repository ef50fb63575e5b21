// The control plane's one exception family: a Janus API error code (apierror.h numbering) and its reason.
// Thrown anywhere inside the core, turned into `{"janus":"error",...}` at the API edge (Router/AdminRouter).
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace portunus::cp {

enum class ErrorCode : int {
  Unauthorized = 403,
  UnauthorizedPlugin = 405,
  TransportSpecific = 450,
  MissingRequest = 452,
  UnknownRequest = 453,
  InvalidJson = 454,
  InvalidJsonObject = 455,
  MissingMandatoryElement = 456,
  InvalidRequestPath = 457,
  SessionNotFound = 458,
  HandleNotFound = 459,
  PluginNotFound = 460,
  PluginAttach = 461,
  PluginMessage = 462,
  PluginDetach = 463,
  JsepUnknownType = 464,
  JsepInvalidSdp = 465,
  TrickleInvalidStream = 466,
  InvalidElementType = 467,
  SessionConflict = 468,
  UnexpectedAnswer = 469,
  TokenNotFound = 470,
  WebrtcState = 471,
  NotAcceptingSessions = 472,
  Unknown = 490,
};

class JanusError : public std::runtime_error {
 public:
  JanusError(ErrorCode code, const std::string& reason) : std::runtime_error(reason), code_(code) {}
  ErrorCode code() const noexcept { return code_; }
  int number() const noexcept { return static_cast<int>(code_); }

  /** 456 "Missing mandatory element (name)". */
  static JanusError missing(std::string_view element) {
    return {ErrorCode::MissingMandatoryElement, "Missing mandatory element (" + std::string(element) + ")"};
  }
  /** 467 "Invalid element type (name should be <expected>)". */
  static JanusError badType(std::string_view element, std::string_view expected) {
    return {ErrorCode::InvalidElementType,
            "Invalid element type (" + std::string(element) + " should be " + std::string(expected) + ")"};
  }
  /** 457 "Unhandled request 'verb' at this path". */
  static JanusError wrongPath(std::string_view verb) {
    return {ErrorCode::InvalidRequestPath, "Unhandled request '" + std::string(verb) + "' at this path"};
  }
  /** 403, same reason for a bad secret or a bad token (Janus does not say which). */
  static JanusError unauthorized() {
    return {ErrorCode::Unauthorized, "Unauthorized request (wrong or missing secret/token)"};
  }

 private:
  ErrorCode code_;
};

}  // namespace portunus::cp
