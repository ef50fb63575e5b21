// The outcome of one offer/answer exchange, in the terms the WebRTC layer needs to program the dataplane
// (DESIGN §4): per m-line what flows in which direction with which payload types, SSRCs and extension ids, plus the
// remote ICE and DTLS parameters of the bundled transport.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SessionDescription.hpp"
#include "controlplane/webrtc/JsepCapabilities.hpp"

namespace portunus::cp {

struct NegotiatedCodec {
  std::uint8_t payloadType = 0;
  std::string name;  // as the remote wrote it ("VP8", "opus", ...)
  std::uint32_t clockRate = 0;
  std::uint32_t channels = 1;
  std::string fmtp;
  std::optional<std::uint8_t> rtxPayloadType;  // its fmtp says apt=<payloadType>

  bool operator==(const NegotiatedCodec&) const = default;
};

struct NegotiatedExtension {
  std::uint16_t id = 0;
  std::string uri;

  bool operator==(const NegotiatedExtension&) const = default;
};

/** One RTP stream the remote sends: its SSRC and, when RTX is in use, the SSRC that repairs it. */
struct RemoteStream {
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtxSsrc;

  bool operator==(const RemoteStream&) const = default;
};

struct NegotiatedMedia {
  std::size_t index = 0;  // m-line index
  std::string mid;
  std::string kind;  // audio, video, application, ...
  bool accepted = false;
  sdp::Direction direction = sdp::Direction::Inactive;  // ours: SendOnly = Portunus sends
  std::optional<NegotiatedCodec> codec;
  std::vector<NegotiatedExtension> extensions;
  std::vector<FeedbackCapability> rtcpFeedback;  // negotiated for codec->payloadType
  bool rtcpReducedSize = false;

  // What the remote sends. SSRC streams in simulcast order (SIM group: lowest first); rids in a=simulcast order.
  std::vector<RemoteStream> remoteStreams;
  std::vector<std::string> remoteRids;
  bool remoteSimulcast = false;
  std::optional<sdp::Msid> remoteMsid;
  std::string remoteCname;

  // What Portunus sends (present when direction sends).
  std::optional<std::uint32_t> localSsrc;
  std::optional<std::uint32_t> localRtxSsrc;
  std::vector<std::string> localRids;  // simulcast layers we send, when the remote accepted them

  std::optional<std::uint16_t> extensionId(std::string_view uri) const {
    for (const auto& e : extensions) {
      if (e.uri == uri) return e.id;
    }
    return std::nullopt;
  }
  bool hasFeedback(std::string_view type, std::string_view parameter = {}) const {
    for (const auto& f : rtcpFeedback) {
      if (f.type == type && f.parameter == parameter) return true;
    }
    return false;
  }
};

struct NegotiatedSession {
  std::vector<NegotiatedMedia> media;  // one per m-line, rejected ones included (accepted = false)
  std::vector<std::string> bundleMids;

  // The remote end of the bundled transport.
  std::string remoteIceUfrag;
  std::string remoteIcePwd;
  bool remoteIceLite = false;
  /** The remote ICE credentials differ from the previous negotiation's (RFC 8839 §4.4.1.1.1: an ICE restart). */
  bool remoteIceRestart = false;
  std::vector<sdp::IceCandidate> remoteCandidates;
  bool remoteEndOfCandidates = false;
  sdp::Fingerprint remoteFingerprint;
  sdp::SetupRole remoteSetup = sdp::SetupRole::ActPass;
  /** Our DTLS role: Active = DTLS client (when we answer, like Janus), Passive = DTLS server. */
  sdp::SetupRole localSetup = sdp::SetupRole::Active;

  const NegotiatedMedia* findMid(std::string_view mid) const {
    for (const auto& m : media) {
      if (m.mid == mid) return &m;
    }
    return nullptr;
  }
};

}  // namespace portunus::cp
