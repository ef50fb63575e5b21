#include "dataplane/DataplaneTypes.hpp"

#include <arpa/inet.h>

namespace portunus::dp {

std::string_view apiStatusName(ApiStatus s) noexcept {
  switch (s) {
    case ApiStatus::Ok:
      return "ok";
    case ApiStatus::NotRunning:
      return "not_running";
    case ApiStatus::InvalidArgument:
      return "invalid_argument";
    case ApiStatus::NotFound:
      return "not_found";
    case ApiStatus::Exists:
      return "exists";
    case ApiStatus::TableFull:
      return "table_full";
    case ApiStatus::RingFull:
      return "ring_full";
    case ApiStatus::WrongWorker:
      return "wrong_worker";
  }
  return "invalid";
}

std::string_view eventName(EventType t) noexcept {
  switch (t) {
    case EventType::FirstPacket:
      return "first_packet";
    case EventType::MediaStopped:
      return "media_stopped";
    case EventType::KeyframeWanted:
      return "keyframe_wanted";
    case EventType::UnknownRtcpSsrc:
      return "unknown_rtcp_ssrc";
    case EventType::Trace:
      return "trace";
    case EventType::SubstreamChanged:
      return "substream_changed";
    case EventType::TemporalChanged:
      return "temporal_changed";
  }
  return "invalid";
}

std::uint32_t parseIpv4(std::string_view text) noexcept {
  char buf[16];
  if (text.size() >= sizeof buf) return 0;
  text.copy(buf, text.size());
  buf[text.size()] = 0;
  in_addr a{};
  if (inet_pton(AF_INET, buf, &a) != 1) return 0;
  return ntohl(a.s_addr);
}

std::uint64_t StatsSnapshot::punt(std::string_view reason) const {
  std::uint64_t sum = 0;
  for (const auto& w : workers)
    if (auto it = w.punts.find(std::string(reason)); it != w.punts.end()) sum += it->second;
  return sum;
}

std::uint64_t StatsSnapshot::drop(std::string_view reason) const {
  std::uint64_t sum = 0;
  for (const auto& w : workers)
    if (auto it = w.drops.find(std::string(reason)); it != w.drops.end()) sum += it->second;
  return sum;
}

}  // namespace portunus::dp
