// JSEP offer/answer for one PeerConnection (RFC 8829, unified plan, BUNDLE + rtcp-mux required).
//  - answer(): a browser offers (EchoTest, VideoRoom publisher); Portunus answers with one codec per m-line, as the
//    DTLS client (a=setup:active, like Janus), rejecting m=application and unsupported m-lines with port 0.
//  - offer() + processAnswer(): Portunus offers (VideoRoom subscriber): sendonly m-lines, a=setup:actpass; the
//    browser's answer is validated against what was offered.
// Both produce a NegotiatedSession for the WebRTC layer. Every problem is a JsepError (Janus 465).
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/sdp/SessionDescription.hpp"
#include "controlplane/webrtc/JsepCapabilities.hpp"
#include "controlplane/webrtc/JsepError.hpp"
#include "controlplane/webrtc/NegotiatedSession.hpp"

namespace portunus::cp {

/** Our end of the transport, as ICE and DTLS set it up. */
struct JsepLocalTransport {
  std::string iceUfrag;
  std::string icePwd;
  bool iceLite = false;
  sdp::Fingerprint fingerprint;  // of our DTLS certificate
  std::vector<sdp::IceCandidate> candidates;
  /** Half trickle (Janus default): our candidates and a=end-of-candidates in the SDP. Full trickle: neither, the
   *  candidates go out as trickle events. */
  bool fullTrickle = false;
  std::string cname = "portunus";
  std::string msidStream = "portunus";  // a=msid:<stream> <stream><mid>
  std::string sessionId = "1";
  std::string sessionVersion = "1";
};

struct JsepAnswerOptions {
  /** What the plugin allows per kind; the answer direction is the offer's, reversed, within this.
   *  EchoTest: SendRecv (mirror). VideoRoom publisher: RecvOnly. */
  sdp::Direction audio = sdp::Direction::SendRecv;
  sdp::Direction video = sdp::Direction::SendRecv;
  /** Codec names in preference order (case-insensitive, e.g. {"vp9", "vp8"}); offer order decides otherwise. */
  std::vector<std::string> preferredAudioCodecs;
  std::vector<std::string> preferredVideoCodecs;
  /** Prefer this H264 profile-level-id (e.g. "42e01f") or VP9 profile-id (e.g. "2"), like Janus's videoprofile. */
  std::string videoProfile;
  /** Accept only the preferred codecs of a kind when its list is not empty (a VideoRoom room's codec list); an
   *  m-line without one is rejected with port 0. */
  bool restrictToPreferred = false;
  /** The session this offer renegotiates: its local SSRCs are kept per mid, an ICE restart is detected. */
  const NegotiatedSession* previous = nullptr;
};

struct JsepAnswer {
  sdp::SessionDescription description;
  std::string sdp;
  NegotiatedSession session;
};

/** One m-line of an offer: a VideoRoom subscriber stream (sendonly), or what the lab peer offers as a browser. */
struct JsepOfferStream {
  MediaKind kind = MediaKind::Video;
  std::string codec;                        // "opus", "VP8", ... (must be a capability)
  std::optional<std::uint8_t> payloadType;  // default: the capability's offer payload type
  std::optional<std::string> fmtp;          // default: the capability's offer fmtp (e.g. the publisher's)
  bool rtx = true;                          // video only
  std::optional<std::string> mid;           // default: the m-line index
  bool active = true;                       // false: a=inactive, no sender (a removed subscription)
  std::optional<sdp::Msid> msid;            // default: <transport.msidStream> <msidStream><mid>
  sdp::Direction direction = sdp::Direction::SendOnly;
  /** Simulcast by rid (RFC 8853), in a=simulcast order; the layers' SSRCs are then learnt from the rid extension,
   *  as with Chromium, so no a=ssrc lines are written. */
  std::vector<std::string> sendRids;
};

struct JsepOffer {
  sdp::SessionDescription description;
  std::string sdp;
  NegotiatedSession pending;  // our side filled in; processAnswer() completes it
};

class JsepNegotiator {
 public:
  /** `ssrcSeed` makes the local SSRCs reproducible (tests); without it they come from std::random_device. */
  explicit JsepNegotiator(JsepCapabilities capabilities = JsepCapabilities::portunusDefaults(),
                          std::optional<std::uint32_t> ssrcSeed = std::nullopt);

  JsepAnswer answer(std::string_view offerSdp, const JsepLocalTransport& local, const JsepAnswerOptions& options = {});

  /** Our offer. With `previous` (the PeerConnection's current negotiation) it is a renegotiation: every mid that
   *  already sends keeps its SSRCs (so the dataplane's outbound streams and the receiver's decoders stay valid). */
  JsepOffer offer(const std::vector<JsepOfferStream>& streams, const JsepLocalTransport& local,
                  const NegotiatedSession* previous = nullptr);
  NegotiatedSession processAnswer(const JsepOffer& offer, std::string_view answerSdp);

  const JsepCapabilities& capabilities() const noexcept { return capabilities_; }

 private:
  std::uint32_t newSsrc(std::set<std::uint32_t>& taken);

  JsepCapabilities capabilities_;
  std::mt19937 rng_;
};

}  // namespace portunus::cp
