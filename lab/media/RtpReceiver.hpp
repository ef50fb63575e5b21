// Receives decrypted RTP packets, finds the payload behind the RTP header (CSRCs, header extension, padding),
// verifies it and accounts it to the stream its payload names.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <span>

#include "lab/media/MediaPayload.hpp"
#include "lab/media/StreamStats.hpp"

namespace portunus::lab {

enum class RtpParseStatus : std::uint8_t { Ok, NotRtp, Truncated };

/** Locates the payload of an RTP packet (RFC 3550 §5.1, §5.3.1); `payload` is set on Ok. */
RtpParseStatus rtpPayload(std::span<const std::uint8_t> packet, std::span<const std::uint8_t>& payload) noexcept;

class RtpReceiver {
 public:
  /** Accounts one cleartext RTP packet that arrived at `arrivalNs`. Thread-safe. */
  PayloadStatus receive(std::span<const std::uint8_t> packet, std::uint64_t arrivalNs);

  StreamReport report(std::uint32_t streamId, std::uint64_t sent, std::uint64_t firstMeasured) const;
  std::uint64_t received(std::uint32_t streamId) const;
  std::uint64_t badPackets() const;  // not RTP, truncated, or a payload that failed verification

 private:
  mutable std::mutex mutex_;
  std::map<std::uint32_t, StreamStats> streams_;
  std::uint64_t bad_packets_ = 0;
};

}  // namespace portunus::lab
