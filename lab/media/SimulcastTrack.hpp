// What a VideoRoom subscriber receives of a simulcast publisher, packet by packet: the layer and temporal id each
// packet was sent on (from its Vp8Payload tag), and whether what the SFU made of the stream is continuous: RTP
// sequence numbers +1 (a temporal layer filtered on purpose leaves no gap either), timestamps never going back,
// PictureIDs continuing at each layer switch (+1 after the last picture) and keeping the sender's spacing within a
// layer, one SSRC throughout. Thread-safe: the receive path records, the scenario asks.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

namespace portunus::lab {

class SimulcastTrack {
 public:
  struct Sample {
    std::uint64_t time_ns = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::uint8_t layer = 0;
    std::uint8_t tid = 0;
    bool keyframe = false;
    bool frame_start = false;
    std::uint16_t picture_id = 0;       // as received
    std::uint16_t sent_picture_id = 0;  // as the publisher wrote it
  };

  /** One decrypted RTP packet; returns false (and counts it) when it is not a verifiable lab VP8 packet. */
  bool receive(const std::uint8_t* rtp, std::size_t len, std::uint64_t nowNs);

  /** Packets received in [fromNs, toNs): per layer and per temporal id, and the first keyframe's time of `layer`
   *  (0 when none). */
  struct Window {
    std::uint64_t packets = 0;
    std::map<int, std::uint64_t> layers, tids;
  };
  Window window(std::uint64_t fromNs, std::uint64_t toNs) const;
  /** The time of the first packet at or after `fromNs` that starts a keyframe of `layer` (0: none yet). */
  std::uint64_t firstKeyframe(int layer, std::uint64_t fromNs) const;
  /** The time of the first packet at or after `fromNs` on `layer` whose frame has TID <= maxTid from which on every
   *  packet of the window [t, toNs) stays within layer/maxTid (0: never settled). */
  std::uint64_t settledAt(int layer, int maxTid, std::uint64_t fromNs, std::uint64_t toNs) const;

  /** Continuity over everything received. */
  nlohmann::json continuity() const;
  std::uint64_t packets() const;
  std::uint64_t unverified() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Sample> samples_;
  std::uint64_t unverified_ = 0;
};

}  // namespace portunus::lab
