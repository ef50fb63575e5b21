// Why a JSEP offer or answer cannot be used. Every kind is a JanusError 465 (JANUS_ERROR_JSEP_INVALID_SDP), so the
// API edge answers `{"janus":"error","error":{"code":465,"reason":<message>}}` without knowing about SDP.
#pragma once

#include <string>
#include <string_view>

#include "controlplane/core/JanusError.hpp"

namespace portunus::cp {

enum class JsepErrorKind {
  InvalidSdp,             // the text does not parse (the message carries the line and reason)
  MissingMid,             // unified plan needs a=mid on every m-line
  MissingBundle,          // one transport per PeerConnection: BUNDLE is required
  MissingIceCredentials,  // no a=ice-ufrag / a=ice-pwd
  MissingFingerprint,     // no a=fingerprint, or one we cannot verify against
  BadSetup,               // a=setup that does not fit the offer/answer role
  MissingRtcpMux,         // rtcp-mux is required (one component)
  NoSupportedCodec,       // no audio/video m-line has a codec Portunus forwards
  AnswerMismatch,         // an answer that does not fit the offer we sent
};

inline std::string_view jsepErrorKindName(JsepErrorKind kind) noexcept {
  switch (kind) {
    case JsepErrorKind::InvalidSdp:
      return "invalid-sdp";
    case JsepErrorKind::MissingMid:
      return "missing-mid";
    case JsepErrorKind::MissingBundle:
      return "missing-bundle";
    case JsepErrorKind::MissingIceCredentials:
      return "missing-ice-credentials";
    case JsepErrorKind::MissingFingerprint:
      return "missing-fingerprint";
    case JsepErrorKind::BadSetup:
      return "bad-setup";
    case JsepErrorKind::MissingRtcpMux:
      return "missing-rtcp-mux";
    case JsepErrorKind::NoSupportedCodec:
      return "no-supported-codec";
    case JsepErrorKind::AnswerMismatch:
      return "answer-mismatch";
  }
  return "unknown";
}

class JsepError : public JanusError {
 public:
  JsepError(JsepErrorKind kind, const std::string& reason)
      : JanusError(ErrorCode::JsepInvalidSdp, reason), kind_(kind) {}

  JsepErrorKind kind() const noexcept { return kind_; }
  /** 465, JANUS_ERROR_JSEP_INVALID_SDP. */
  int janusCode() const noexcept { return number(); }

 private:
  JsepErrorKind kind_;
};

}  // namespace portunus::cp
