#include "lab/media/RtpReceiver.hpp"

#include "lab/media/Vp8Payload.hpp"

namespace portunus::lab {

RtpParseStatus rtpPayload(std::span<const std::uint8_t> packet, std::span<const std::uint8_t>& payload) noexcept {
  if (packet.size() < 12) return RtpParseStatus::Truncated;
  if ((packet[0] >> 6) != 2) return RtpParseStatus::NotRtp;
  std::size_t offset = 12 + 4u * (packet[0] & 0x0f);
  if (packet[0] & 0x10) {  // header extension: 4-byte header + length in 32-bit words
    if (packet.size() < offset + 4) return RtpParseStatus::Truncated;
    offset += 4 + 4u * (static_cast<std::size_t>(packet[offset + 2]) << 8 | packet[offset + 3]);
  }
  std::size_t end = packet.size();
  if (packet[0] & 0x20) {  // padding: the last byte counts the padding bytes
    const std::size_t pad = packet.back();
    if (pad == 0 || pad > end) return RtpParseStatus::Truncated;
    end -= pad;
  }
  if (offset > end) return RtpParseStatus::Truncated;
  payload = packet.subspan(offset, end - offset);
  return RtpParseStatus::Ok;
}

PayloadStatus RtpReceiver::receive(std::span<const std::uint8_t> packet, std::uint64_t arrivalNs) {
  std::span<const std::uint8_t> payload;
  std::lock_guard lock(mutex_);
  if (rtpPayload(packet, payload) != RtpParseStatus::Ok) {
    ++bad_packets_;
    return PayloadStatus::TooShort;
  }
  PayloadHeader header;
  PayloadStatus status = MediaPayload::verify(payload, header);
  if (status == PayloadStatus::BadMagic) {
    // A lab simulcast VP8 packet: descriptor, frame tag and layer tag before the MediaPayload (Vp8Payload).
    if (const auto vp8 = Vp8Payload::parse(payload)) {
      header = vp8->payload;
      status = PayloadStatus::Ok;
    }
  }
  if (status != PayloadStatus::Ok) {
    ++bad_packets_;
    if (status != PayloadStatus::BadMagic && status != PayloadStatus::TooShort) {
      streams_[header.stream_id].recordBadPayload();
    }
    return status;
  }
  streams_[header.stream_id].record(header.sequence, header.send_time_ns, arrivalNs);
  return PayloadStatus::Ok;
}

StreamReport RtpReceiver::report(std::uint32_t streamId, std::uint64_t sent, std::uint64_t firstMeasured) const {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(streamId);
  StreamReport r =
      it == streams_.end() ? StreamStats().report(sent, firstMeasured) : it->second.report(sent, firstMeasured);
  return r;
}

std::uint64_t RtpReceiver::received(std::uint32_t streamId) const {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(streamId);
  return it == streams_.end() ? 0 : it->second.received();
}

std::uint64_t RtpReceiver::badPackets() const {
  std::lock_guard lock(mutex_);
  return bad_packets_;
}

}  // namespace portunus::lab
