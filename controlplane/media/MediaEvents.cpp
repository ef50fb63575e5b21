#include "controlplane/media/MediaEvents.hpp"

namespace portunus::cp {
namespace {
const char* kindName(dp::MediaKind kind) {
  return kind == dp::MediaKind::Audio ? "audio" : "video";
}
}  // namespace

std::optional<nlohmann::json> mediaEvent(const dp::Event& event, const std::string& mid, dp::MediaKind kind,
                                         int noMediaTimer) {
  if (event.type != dp::EventType::FirstPacket && event.type != dp::EventType::MediaStopped) return std::nullopt;
  const bool receiving = event.type == dp::EventType::FirstPacket;
  nlohmann::json json = {{"janus", "media"}, {"mid", mid}, {"type", kindName(kind)}, {"receiving", receiving}};
  if (!receiving && noMediaTimer > 1) json["seconds"] = event.value / 1000;
  return json;
}

nlohmann::json slowLinkEvent(const std::string& mid, dp::MediaKind kind, bool uplink, std::uint64_t lost) {
  return {{"janus", "slowlink"}, {"mid", mid}, {"media", kindName(kind)}, {"uplink", uplink}, {"lost", lost}};
}

}  // namespace portunus::cp
