// Generates a synthetic RTP stream: audio-like (50 packets/s of ~160 B, 48 kHz clock) or video-like (frames at a
// set rate, each frame's bytes = bitrate/8/fps split into packets of ~1200 B, marker bit on the last packet,
// 90 kHz clock). Every payload is a MediaPayload the receiver verifies.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace portunus::lab {

enum class MediaKind : std::uint8_t { Audio, Video };
std::string_view mediaKindName(MediaKind kind) noexcept;

struct RtpSenderConfig {
  MediaKind kind = MediaKind::Audio;
  std::uint32_t stream_id = 0;
  std::uint32_t ssrc = 0;
  std::uint8_t payload_type = 111;
  std::uint32_t audio_payload_bytes = 160;
  std::uint32_t audio_packets_per_second = 50;
  std::uint32_t video_fps = 30;
  std::uint32_t video_bitrate_bps = 500'000;
  std::uint32_t video_max_payload_bytes = 1200;
};

class RtpSender {
 public:
  static constexpr std::size_t kRtpHeaderSize = 12;
  static constexpr std::size_t kTailroom = 160;  // writable after each packet (libsrtp2 wants SRTP_MAX_TRAILER_LEN)
  using PacketSink = std::function<void(std::span<std::uint8_t> packet)>;

  explicit RtpSender(RtpSenderConfig config, std::uint16_t firstRtpSequence = 0, std::uint32_t firstTimestamp = 0);

  /** Nanoseconds between two sends (one audio packet or one video frame). */
  std::uint64_t intervalNs() const noexcept;
  /** Builds the next packet(s) (one audio packet or one whole video frame) and hands each to `sink`. */
  void sendNext(const PacketSink& sink);
  /** Payload sizes of one video frame (or the one audio payload). */
  std::vector<std::uint32_t> nextPayloadSizes() const;

  const RtpSenderConfig& config() const noexcept { return config_; }
  std::uint32_t packetsSent() const noexcept { return next_sequence_; }  // sender sequences are 0..n-1
  std::uint64_t bytesSent() const noexcept { return bytes_sent_; }
  std::uint32_t framesSent() const noexcept { return frames_sent_; }
  /** The RTP sequence number and timestamp the next packet carries (a later sender on the same SSRC continues). */
  std::uint16_t nextRtpSequence() const noexcept { return rtp_sequence_; }
  std::uint32_t nextRtpTimestamp() const noexcept { return rtp_timestamp_; }

 private:
  RtpSenderConfig config_;
  std::uint16_t rtp_sequence_;
  std::uint32_t rtp_timestamp_;
  std::uint32_t next_sequence_ = 0;
  std::uint32_t frames_sent_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::vector<std::uint8_t> buffer_;
};

/** Writes a 12-byte RTP header (V=2, no padding/extension/CSRC). */
void writeRtpHeader(std::uint8_t* out, bool marker, std::uint8_t payloadType, std::uint16_t sequence,
                    std::uint32_t timestamp, std::uint32_t ssrc) noexcept;

}  // namespace portunus::lab
