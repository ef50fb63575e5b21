#include "lab/media/SimulcastSender.hpp"

#include <algorithm>
#include <random>
#include <stdexcept>

namespace portunus::lab {

std::vector<SimulcastLayerConfig> defaultSimulcastLayers(std::uint32_t seed) {
  std::mt19937 rng{seed};
  std::uniform_int_distribution<std::uint32_t> ssrc(1, 0xfffffff0u);
  return {
      {"l", ssrc(rng), 100'000, 320, 180}, {"m", ssrc(rng), 300'000, 640, 360}, {"h", ssrc(rng), 900'000, 1280, 720}};
}

SimulcastSender::SimulcastSender(SimulcastSenderConfig config, std::uint32_t seed) : config_(std::move(config)) {
  if (config_.layers.empty() || config_.layers.size() > layers_.size() || config_.fps == 0)
    throw std::invalid_argument("simulcast sender needs 1 to 4 layers and a frame rate");
  std::mt19937 rng{seed};
  for (std::size_t i = 0; i < config_.layers.size(); ++i) {
    layers_[i].sequence = static_cast<std::uint16_t>(rng());
    layers_[i].timestamp = rng();
    layers_[i].picture_id = static_cast<std::uint16_t>(rng() & 0x7fff);
    layers_[i].tl0picidx = static_cast<std::uint8_t>(rng());
  }
  buffer_.resize(RtpSender::kRtpHeaderSize + 16 + config_.max_payload_bytes + RtpSender::kTailroom);
}

void SimulcastSender::setLayerActive(std::size_t layer, bool active) noexcept {
  if (layer < config_.layers.size()) layers_[layer].active = active;
}

void SimulcastSender::sendFrame(const RtpSender::PacketSink& sink) {
  const bool periodic = config_.keyframe_interval_frames && frame_ % config_.keyframe_interval_frames == 0;
  const bool keyframe = keyframe_wanted_.exchange(false) || periodic;
  if (keyframe) {
    since_keyframe_ = 0;
    ++keyframes_;
  }
  // Three temporal layers, pattern 0,2,1,2: TID 1 and the TID 2 right after a TID 0 only reference TL0 (layer sync).
  static constexpr std::uint8_t kTid[4] = {0, 2, 1, 2};
  const std::uint8_t tid = kTid[since_keyframe_ % 4];
  const bool sync = tid != 0 && since_keyframe_ % 4 != 3;
  ++since_keyframe_;
  const std::uint64_t now = monotonicNowNs();
  for (std::size_t l = 0; l < config_.layers.size(); ++l) {
    LayerState& st = layers_[l];
    const SimulcastLayerConfig& lc = config_.layers[l];
    if (!st.active) continue;
    if (tid == 0) ++st.tl0picidx;
    Vp8PacketInfo info;
    info.keyframe = keyframe;
    info.picture_id = st.picture_id;
    info.tl0picidx = st.tl0picidx;
    info.tid = tid;
    info.layer_sync = sync;
    info.layer = static_cast<std::uint8_t>(l);
    info.width = lc.width;
    info.height = lc.height;
    // The frame's bytes (keyframes are bigger), in packets of at most max_payload_bytes.
    std::uint64_t frameBytes = lc.bitrate_bps / 8 / config_.fps;
    if (keyframe) frameBytes *= 3;
    const std::size_t minPacket = Vp8Payload::kDescriptorSize + Vp8Payload::kFrameTagSize +
                                  Vp8Payload::kKeyframeHeaderSize + Vp8Payload::kLayerTagSize +
                                  MediaPayload::kHeaderSize;
    frameBytes = std::max<std::uint64_t>(frameBytes, minPacket);
    const std::uint64_t count = (frameBytes + config_.max_payload_bytes - 1) / config_.max_payload_bytes;
    const bool announce = st.frames < config_.announce_frames;
    for (std::uint64_t k = 0; k < count; ++k) {
      info.frame_start = k == 0;
      const std::size_t payloadBytes = std::max<std::size_t>(frameBytes / count, minPacket);
      std::uint8_t* p = buffer_.data();
      writeRtpHeader(p, k + 1 == count, config_.payload_type, st.sequence++, st.timestamp, lc.ssrc);
      std::size_t header = RtpSender::kRtpHeaderSize;
      if (announce) {
        // RFC 8285 one-byte header extensions: mid and rid (what Chromium sends until the SSRC is acknowledged).
        p[0] |= 0x10;
        std::vector<std::uint8_t> ext;
        ext.push_back(static_cast<std::uint8_t>((config_.mid_ext_id << 4) | (config_.mid.size() - 1)));
        ext.insert(ext.end(), config_.mid.begin(), config_.mid.end());
        ext.push_back(static_cast<std::uint8_t>((config_.rid_ext_id << 4) | (lc.rid.size() - 1)));
        ext.insert(ext.end(), lc.rid.begin(), lc.rid.end());
        while (ext.size() % 4)
          ext.push_back(0);
        p[header] = 0xbe;
        p[header + 1] = 0xde;
        p[header + 2] = static_cast<std::uint8_t>((ext.size() / 4) >> 8);
        p[header + 3] = static_cast<std::uint8_t>(ext.size() / 4);
        std::copy(ext.begin(), ext.end(), p + header + 4);
        header += 4 + ext.size();
      }
      PayloadHeader ph{config_.stream_id_base + static_cast<std::uint32_t>(l), st.payload_sequence++, now, 0};
      if (!Vp8Payload::encode(info, ph, std::span(p + header, payloadBytes)))
        throw std::logic_error("simulcast packet too small");
      ++st.packets;
      sink(std::span(p, header + payloadBytes));
    }
    ++st.frames;
    st.picture_id = static_cast<std::uint16_t>((st.picture_id + 1) & 0x7fff);
    st.timestamp += 90000 / config_.fps;
  }
  ++frame_;
}

}  // namespace portunus::lab
