// What Portunus can negotiate: the codecs it forwards, the RTP header extensions the dataplane implements, the RTCP
// feedback it generates or answers. transport-cc stays out until the dataplane sends TWCC feedback (DESIGN §9).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sdp/SessionDescription.hpp"

namespace portunus::cp {

enum class MediaKind { Audio, Video };

std::string_view mediaKindName(MediaKind kind) noexcept;
std::optional<MediaKind> parseMediaKind(std::string_view name) noexcept;

struct CodecCapability {
  MediaKind kind = MediaKind::Audio;
  std::string name;  // as in rtpmap, matched case-insensitively
  std::uint32_t clockRate = 0;
  std::optional<std::uint32_t> channels;  // opus is 48000/2
  std::uint8_t offerPayloadType = 0;      // used when Portunus offers (VideoRoom subscribers)
  std::optional<std::uint8_t> offerRtxPayloadType;
  std::string offerFmtp;
  bool requiresPacketizationMode1 = false;  // H264: only non-interleaved mode is forwarded
};

struct ExtensionCapability {
  std::string uri;
  bool audio = false;
  bool video = false;
  std::uint16_t offerId = 0;  // id when Portunus offers
  bool inOffers = true;       // rid / repaired-rid only matter for simulcast publishers, which always offer
};

struct FeedbackCapability {
  std::string type;  // "nack", "ccm", "goog-remb"
  std::string parameter;
  bool operator==(const FeedbackCapability&) const = default;
};

struct JsepCapabilities {
  std::vector<CodecCapability> codecs;
  std::vector<ExtensionCapability> extensions;
  std::vector<FeedbackCapability> feedback;
  bool rtx = true;

  /** opus, G722, PCMU, PCMA; VP8, VP9, H264 (packetization-mode=1), AV1; mid, rid, repaired-rid, abs-send-time,
   *  audio-level, video-orientation, playout-delay; nack, nack pli, ccm fir, goog-remb; RTX. */
  static JsepCapabilities portunusDefaults();

  /** The capability that an offered payload type matches, or nullptr. `fmtp` is that payload type's parameters. */
  const CodecCapability* matchCodec(MediaKind kind, const sdp::RtpMap& rtpMap, std::string_view fmtp) const;
  const CodecCapability* codecByName(MediaKind kind, std::string_view name) const;
  const ExtensionCapability* extension(MediaKind kind, std::string_view uri) const;
  bool supportsFeedback(MediaKind kind, const sdp::RtcpFeedback& feedback) const;
};

/** rtpmap of the static payload types an offer may list without one (RFC 3551): PCMU 0, PCMA 8, G722 9. */
std::optional<sdp::RtpMap> staticRtpMap(std::uint8_t payloadType);

namespace ext {
inline constexpr std::string_view kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRid = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr std::string_view kAbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kVideoOrientation = "urn:3gpp:video-orientation";
inline constexpr std::string_view kPlayoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
inline constexpr std::string_view kTransportCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
}  // namespace ext

}  // namespace portunus::cp
