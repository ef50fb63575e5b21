#include "plugins/videoroom/Room.hpp"

namespace portunus::plugins::videoroom {

nlohmann::json Room::idJson(const std::string& id) const {
  if (stringIds_) return id;
  return std::stoull(id);
}

std::shared_ptr<Publisher> Room::participant(const std::string& id) const {
  auto it = participants_.find(id);
  return it == participants_.end() ? nullptr : it->second;
}

std::size_t Room::activePublishers() const {
  std::size_t n = 0;
  for (const auto& [id, p] : participants_)
    if (p->published) ++n;
  return n;
}

nlohmann::json Room::publisherJson(const Publisher& p) const {
  nlohmann::json e = {{"id", idJson(p.id)}};
  if (p.display) e["display"] = *p.display;
  if (p.audioCodec) e["audio_codec"] = *p.audioCodec;
  if (p.videoCodec) e["video_codec"] = *p.videoCodec;
  e["streams"] = p.streamsJson();
  return e;
}

nlohmann::json Room::publishersJson(const std::string& except) const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : participants_)
    if (id != except && p->published) out.push_back(publisherJson(*p));
  return out;
}

nlohmann::json Room::attendeesJson(const std::string& except) const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : participants_) {
    if (id == except || p->published) continue;
    nlohmann::json a = {{"id", idJson(id)}};
    if (p->display) a["display"] = *p->display;
    out.push_back(std::move(a));
  }
  return out;
}

nlohmann::json Room::participantsJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [id, p] : participants_) {
    nlohmann::json e = {{"id", idJson(id)}};
    if (p->display) e["display"] = *p->display;
    e["publisher"] = p->published;
    out.push_back(std::move(e));
  }
  return out;
}

nlohmann::json Room::listJson() const {
  nlohmann::json e = listEntry(options_);
  e["room"] = roomJson();
  e["num_participants"] = participants_.size();
  return e;
}

bool Room::allows(const std::string* token) const {
  if (!options_.checkAllowed) return true;
  return token && options_.allowed.count(*token) > 0;
}

}  // namespace portunus::plugins::videoroom
