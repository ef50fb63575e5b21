// The payload every lab RTP packet carries, so the receiver can verify the echo byte for byte and measure it:
//   magic "PLAB" | stream id (u32) | sender sequence (u32) | send time (u64, CLOCK_MONOTONIC ns) |
//   length (u16, whole payload) | reserved (u16) | checksum (u32, FNV-1a of the payload with this field zero) |
//   fill bytes derived from (stream id, sequence).
// The send time is comparable on receipt because the echo returns to the process that sent it. Big-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace portunus::lab {

struct PayloadHeader {
  std::uint32_t stream_id = 0;
  std::uint32_t sequence = 0;
  std::uint64_t send_time_ns = 0;
  std::uint16_t length = 0;
};

enum class PayloadStatus : std::uint8_t { Ok, TooShort, BadMagic, BadLength, BadChecksum };
std::string_view payloadStatusName(PayloadStatus status) noexcept;

class MediaPayload {
 public:
  static constexpr std::uint32_t kMagic = 0x504C4142;  // "PLAB"
  static constexpr std::size_t kHeaderSize = 28;

  /** Writes a payload of `out.size()` bytes (>= kHeaderSize); `header.length` is set from the span. */
  static void encode(const PayloadHeader& header, std::span<std::uint8_t> out) noexcept;
  /** Checks magic, length and checksum; fills `header` when the magic and length are readable. */
  static PayloadStatus verify(std::span<const std::uint8_t> payload, PayloadHeader& header) noexcept;
};

/** Nanoseconds of CLOCK_MONOTONIC. */
std::uint64_t monotonicNowNs() noexcept;

}  // namespace portunus::lab
