// Send side of RFC 4585 NACK / RFC 4588 RTX for the lab's own streams: keeps the last packets sent on each
// registered SSRC (cleartext, as they left the sender) and rebuilds one the server asks for, either on the stream's
// RTX SSRC (RTX payload type, RTX sequence numbers, the original sequence number in the first two payload bytes) or,
// without RTX negotiated, as a plain copy. Not thread-safe: the owner serialises store() and rebuild().
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace portunus::lab {

class RetransmitHistory {
 public:
  static constexpr std::size_t kPackets = 1024;  // per SSRC (~1.5 s of a 1 Mbit/s stream of 1200-byte packets)
  static constexpr std::size_t kMaxPacket = 1500;

  /** Keep what `ssrc` sends; `rtxSsrc` 0 means no RTX negotiated (plain resends). */
  void addStream(std::uint32_t ssrc, std::uint32_t rtxSsrc, std::uint8_t rtxPayloadType, std::uint16_t firstRtxSeq);
  /** One cleartext RTP packet as sent (ignored if its SSRC is not registered or it is too large). */
  void store(std::span<const std::uint8_t> packet);
  /** Writes packet `seq` of `ssrc` into `out` as it must be resent; 0 if it is not (any longer) kept or does not
   *  fit. `rtx` tells whether it went out as RTX. */
  std::size_t rebuild(std::uint32_t ssrc, std::uint16_t seq, std::uint8_t* out, std::size_t cap, bool& rtx);

 private:
  struct Slot {
    bool valid = false;
    std::uint16_t seq = 0;
    std::vector<std::uint8_t> bytes;
  };
  struct Stream {
    std::uint32_t rtx_ssrc = 0;
    std::uint8_t rtx_pt = 0;
    std::uint16_t rtx_seq = 0;
    std::vector<Slot> slots = std::vector<Slot>(kPackets);
  };
  std::map<std::uint32_t, Stream> streams_;
};

/** RFC 4588 §4: turns the cleartext RTX packet in `packet[0, len)` back into the original one in place: payload
 *  type `apt`, sequence number from the OSN, SSRC `mediaSsrc`. The result starts at `packet + offset` (2); false
 *  if it is too short to hold an OSN. */
bool unwrapRtx(std::uint8_t* packet, std::size_t len, std::uint8_t apt, std::uint32_t mediaSsrc, std::size_t& offset,
               std::size_t& outLen) noexcept;

}  // namespace portunus::lab
