#include "controlplane/webrtc/JsepCapabilities.hpp"

#include "common/sdp/FmtpParameters.hpp"
#include "common/sdp/SdpText.hpp"

namespace portunus::cp {

std::string_view mediaKindName(MediaKind kind) noexcept {
  return kind == MediaKind::Audio ? "audio" : "video";
}

std::optional<MediaKind> parseMediaKind(std::string_view name) noexcept {
  if (name == "audio") return MediaKind::Audio;
  if (name == "video") return MediaKind::Video;
  return std::nullopt;
}

JsepCapabilities JsepCapabilities::portunusDefaults() {
  JsepCapabilities caps;
  caps.codecs = {
      {MediaKind::Audio, "opus", 48000, 2, 111, std::nullopt, "minptime=10;useinbandfec=1", false},
      {MediaKind::Audio, "G722", 8000, std::nullopt, 9, std::nullopt, "", false},
      {MediaKind::Audio, "PCMU", 8000, std::nullopt, 0, std::nullopt, "", false},
      {MediaKind::Audio, "PCMA", 8000, std::nullopt, 8, std::nullopt, "", false},
      {MediaKind::Video, "VP8", 90000, std::nullopt, 96, 97, "", false},
      {MediaKind::Video, "VP9", 90000, std::nullopt, 98, 99, "profile-id=0", false},
      {MediaKind::Video, "H264", 90000, std::nullopt, 102, 103,
       "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", true},
      {MediaKind::Video, "AV1", 90000, std::nullopt, 45, 46, "", false},
  };
  // Offer ids follow Chromium's numbering so that answers from browsers keep them.
  caps.extensions = {
      {std::string(ext::kAudioLevel), true, false, 1, true},
      {std::string(ext::kAbsSendTime), true, true, 2, true},
      {std::string(ext::kMid), true, true, 4, true},
      {std::string(ext::kPlayoutDelay), false, true, 5, true},
      {std::string(ext::kRid), false, true, 10, false},
      {std::string(ext::kRepairedRid), false, true, 11, false},
      {std::string(ext::kVideoOrientation), false, true, 13, true},
  };
  caps.feedback = {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"goog-remb", ""}};
  return caps;
}

const CodecCapability* JsepCapabilities::matchCodec(MediaKind kind, const sdp::RtpMap& rtpMap,
                                                    std::string_view fmtp) const {
  for (const auto& codec : codecs) {
    if (codec.kind != kind || !sdp::text::iequals(codec.name, rtpMap.encoding) || codec.clockRate != rtpMap.clockRate) {
      continue;
    }
    // opus is always 48000/2; the other audio codecs are mono (an explicit "/1" is fine).
    if (codec.channels ? rtpMap.channels != codec.channels : rtpMap.channels.value_or(1) != 1) continue;
    if (codec.requiresPacketizationMode1 && sdp::fmtpParameter(fmtp, "packetization-mode") != "1") continue;
    return &codec;
  }
  return nullptr;
}

const CodecCapability* JsepCapabilities::codecByName(MediaKind kind, std::string_view name) const {
  for (const auto& codec : codecs) {
    if (codec.kind == kind && sdp::text::iequals(codec.name, name)) return &codec;
  }
  return nullptr;
}

const ExtensionCapability* JsepCapabilities::extension(MediaKind kind, std::string_view uri) const {
  for (const auto& e : extensions) {
    if (e.uri == uri && (kind == MediaKind::Audio ? e.audio : e.video)) return &e;
  }
  return nullptr;
}

bool JsepCapabilities::supportsFeedback(MediaKind kind, const sdp::RtcpFeedback& fb) const {
  // Audio gets no feedback from us: NACK/PLI/FIR/REMB are video mechanisms in WebRTC.
  if (kind == MediaKind::Audio) return false;
  for (const auto& f : feedback) {
    if (f.type == fb.type && f.parameter == fb.parameter) return true;
  }
  return false;
}

std::optional<sdp::RtpMap> staticRtpMap(std::uint8_t payloadType) {
  switch (payloadType) {
    case 0:
      return sdp::RtpMap{0, "PCMU", 8000, std::nullopt};
    case 8:
      return sdp::RtpMap{8, "PCMA", 8000, std::nullopt};
    case 9:
      return sdp::RtpMap{9, "G722", 8000, std::nullopt};
    default:
      return std::nullopt;
  }
}

}  // namespace portunus::cp
