#include "lab/media/RtpSender.hpp"

#include <algorithm>
#include <stdexcept>

#include "lab/media/MediaPayload.hpp"

namespace portunus::lab {

std::string_view mediaKindName(MediaKind kind) noexcept {
  return kind == MediaKind::Audio ? "audio" : "video";
}

void writeRtpHeader(std::uint8_t* out, bool marker, std::uint8_t payloadType, std::uint16_t sequence,
                    std::uint32_t timestamp, std::uint32_t ssrc) noexcept {
  out[0] = 0x80;
  out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | (payloadType & 0x7f));
  out[2] = static_cast<std::uint8_t>(sequence >> 8);
  out[3] = static_cast<std::uint8_t>(sequence);
  for (int i = 0; i < 4; ++i)
    out[4 + i] = static_cast<std::uint8_t>(timestamp >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i)
    out[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
}

RtpSender::RtpSender(RtpSenderConfig config, std::uint16_t firstRtpSequence, std::uint32_t firstTimestamp)
    : config_(config), rtp_sequence_(firstRtpSequence), rtp_timestamp_(firstTimestamp) {
  if (config_.kind == MediaKind::Audio) {
    if (config_.audio_packets_per_second == 0 || config_.audio_payload_bytes < MediaPayload::kHeaderSize) {
      throw std::invalid_argument("audio sender needs a rate and a payload of at least 28 bytes");
    }
  } else if (config_.video_fps == 0 || config_.video_max_payload_bytes < MediaPayload::kHeaderSize) {
    throw std::invalid_argument("video sender needs a frame rate and a packet size of at least 28 bytes");
  }
  // Headroom for the SRTP tag (and SRTCP index) the caller adds in place.
  buffer_.resize(kRtpHeaderSize + std::max(config_.audio_payload_bytes, config_.video_max_payload_bytes) + kTailroom);
}

std::uint64_t RtpSender::intervalNs() const noexcept {
  const std::uint32_t rate = config_.kind == MediaKind::Audio ? config_.audio_packets_per_second : config_.video_fps;
  return 1'000'000'000ull / rate;
}

std::vector<std::uint32_t> RtpSender::nextPayloadSizes() const {
  if (config_.kind == MediaKind::Audio) return {config_.audio_payload_bytes};
  const std::uint64_t frameBytes =
      std::max<std::uint64_t>(config_.video_bitrate_bps / 8 / config_.video_fps, MediaPayload::kHeaderSize);
  const std::uint64_t count = (frameBytes + config_.video_max_payload_bytes - 1) / config_.video_max_payload_bytes;
  std::vector<std::uint32_t> sizes(count, static_cast<std::uint32_t>(frameBytes / count));
  for (std::uint64_t i = 0; i < frameBytes % count; ++i)
    ++sizes[i];  // spread the remainder, never above max
  for (auto& size : sizes)
    size = std::max<std::uint32_t>(size, MediaPayload::kHeaderSize);
  return sizes;
}

void RtpSender::sendNext(const PacketSink& sink) {
  const auto sizes = nextPayloadSizes();
  const std::uint64_t now = monotonicNowNs();
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    const bool marker = config_.kind == MediaKind::Video ? i + 1 == sizes.size() : false;
    writeRtpHeader(buffer_.data(), marker, config_.payload_type, rtp_sequence_++, rtp_timestamp_, config_.ssrc);
    PayloadHeader header{config_.stream_id, next_sequence_++, now, 0};
    MediaPayload::encode(header, std::span(buffer_.data() + kRtpHeaderSize, sizes[i]));
    bytes_sent_ += sizes[i];
    sink(std::span(buffer_.data(), kRtpHeaderSize + sizes[i]));
  }
  ++frames_sent_;
  rtp_timestamp_ +=
      config_.kind == MediaKind::Audio ? 48000 / config_.audio_packets_per_second : 90000 / config_.video_fps;
}

}  // namespace portunus::lab
