// A browser-like VP8 simulcast sender (what Chromium sends for `a=simulcast:send h;m;l`): one SSRC per layer with its
// own sequence numbers, timestamps and PictureIDs, the mid and rid header extensions (RFC 8285 one-byte form) on each
// layer's first packets so that the receiver can bind the SSRCs, three temporal layers (TID pattern 0,2,1,2 with
// TL0PICIDX and layer-sync bits), keyframes periodically and on request (PLI/FIR), and a distinct bitrate per layer.
// Every packet's payload is a Vp8Payload naming its layer and temporal id.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "lab/media/RtpSender.hpp"
#include "lab/media/Vp8Payload.hpp"

namespace portunus::lab {

struct SimulcastLayerConfig {
  std::string rid;  // "l", "m", "h"
  std::uint32_t ssrc = 0;
  std::uint32_t bitrate_bps = 0;
  std::uint16_t width = 0, height = 0;
};

struct SimulcastSenderConfig {
  std::uint8_t payload_type = 96;
  std::string mid = "0";
  std::uint8_t mid_ext_id = 4;
  std::uint8_t rid_ext_id = 10;
  std::uint32_t fps = 30;
  std::uint32_t keyframe_interval_frames = 90;  // periodic keyframes (0 = only on request)
  std::uint32_t announce_frames = 60;           // frames whose packets carry mid and rid
  std::uint32_t stream_id_base = 100;           // MediaPayload stream id = base + layer
  std::uint32_t max_payload_bytes = 1100;
  std::vector<SimulcastLayerConfig> layers;  // lowest first
};

/** The default layers: l 320x180 100 kbps, m 640x360 300 kbps, h 1280x720 900 kbps, random SSRCs. */
std::vector<SimulcastLayerConfig> defaultSimulcastLayers(std::uint32_t seed);

class SimulcastSender {
 public:
  explicit SimulcastSender(SimulcastSenderConfig config, std::uint32_t seed);

  std::uint64_t intervalNs() const noexcept { return 1'000'000'000ull / config_.fps; }
  /** Sends the next frame of every active layer through `sink` (whole RTP packets, kTailroom writable after). */
  void sendFrame(const RtpSender::PacketSink& sink);
  /** The next frame of every layer is a keyframe (a PLI or FIR arrived). Thread-safe. */
  void requestKeyframe() noexcept { keyframe_wanted_ = true; }
  /** Stops or resumes sending one layer (simulcast fallback tests). Thread-safe. */
  void setLayerActive(std::size_t layer, bool active) noexcept;

  const SimulcastSenderConfig& config() const noexcept { return config_; }
  std::uint64_t packetsSent(std::size_t layer) const noexcept { return layers_[layer].packets; }
  std::uint64_t keyframesSent() const noexcept { return keyframes_; }

 private:
  struct LayerState {
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint16_t picture_id = 0;
    std::uint8_t tl0picidx = 0;
    std::uint32_t payload_sequence = 0;
    std::uint64_t packets = 0;
    std::uint32_t frames = 0;
    std::atomic<bool> active{true};
  };

  SimulcastSenderConfig config_;
  std::array<LayerState, 4> layers_;
  std::uint64_t frame_ = 0;
  std::uint32_t since_keyframe_ = 0;  // temporal pattern position
  std::uint64_t keyframes_ = 0;
  std::atomic<bool> keyframe_wanted_{true};
  std::vector<std::uint8_t> buffer_;
};

}  // namespace portunus::lab
