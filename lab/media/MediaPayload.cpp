#include "lab/media/MediaPayload.hpp"

#include <ctime>

namespace portunus::lab {

namespace {

void put16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
void put64(std::uint8_t* p, std::uint64_t v) noexcept {
  for (int i = 0; i < 8; ++i)
    p[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
std::uint16_t get16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t get32(const std::uint8_t* p) noexcept {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
std::uint64_t get64(const std::uint8_t* p) noexcept {
  return std::uint64_t{get32(p)} << 32 | get32(p + 4);
}

constexpr std::size_t kChecksumOffset = 24;

std::uint32_t checksum(std::span<const std::uint8_t> payload) noexcept {
  std::uint32_t hash = 2166136261u;  // FNV-1a
  for (std::size_t i = 0; i < payload.size(); ++i) {
    const std::uint8_t byte = (i >= kChecksumOffset && i < kChecksumOffset + 4) ? 0 : payload[i];
    hash = (hash ^ byte) * 16777619u;
  }
  return hash;
}

}  // namespace

void MediaPayload::encode(const PayloadHeader& header, std::span<std::uint8_t> out) noexcept {
  std::uint8_t* p = out.data();
  put32(p, kMagic);
  put32(p + 4, header.stream_id);
  put32(p + 8, header.sequence);
  put64(p + 12, header.send_time_ns);
  put16(p + 20, static_cast<std::uint16_t>(out.size()));
  put16(p + 22, 0);
  put32(p + kChecksumOffset, 0);
  std::uint32_t x = header.stream_id * 2654435761u ^ header.sequence;
  for (std::size_t i = kHeaderSize; i < out.size(); ++i) {
    x = x * 1103515245u + 12345u;
    p[i] = static_cast<std::uint8_t>(x >> 16);
  }
  put32(p + kChecksumOffset, checksum(out));
}

PayloadStatus MediaPayload::verify(std::span<const std::uint8_t> payload, PayloadHeader& header) noexcept {
  if (payload.size() < kHeaderSize) return PayloadStatus::TooShort;
  const std::uint8_t* p = payload.data();
  if (get32(p) != kMagic) return PayloadStatus::BadMagic;
  header.stream_id = get32(p + 4);
  header.sequence = get32(p + 8);
  header.send_time_ns = get64(p + 12);
  header.length = get16(p + 20);
  if (header.length != payload.size()) return PayloadStatus::BadLength;
  if (get32(p + kChecksumOffset) != checksum(payload)) return PayloadStatus::BadChecksum;
  return PayloadStatus::Ok;
}

std::string_view payloadStatusName(PayloadStatus status) noexcept {
  switch (status) {
    case PayloadStatus::Ok:
      return "ok";
    case PayloadStatus::TooShort:
      return "too-short";
    case PayloadStatus::BadMagic:
      return "bad-magic";
    case PayloadStatus::BadLength:
      return "bad-length";
    case PayloadStatus::BadChecksum:
      return "bad-checksum";
  }
  return "?";
}

std::uint64_t monotonicNowNs() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace portunus::lab
