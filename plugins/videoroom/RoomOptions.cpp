#include "plugins/videoroom/RoomOptions.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "plugins/videoroom/JsonParams.hpp"
#include "plugins/videoroom/VideoRoomErrors.hpp"

namespace portunus::plugins::videoroom {
namespace {

constexpr std::array kAudioCodecs = {"opus", "g722", "pcmu", "pcma"};
constexpr std::array kVideoCodecs = {"vp8", "vp9", "h264", "av1"};
// Names Janus 1.1.2 accepts; those we do not forward are refused with their own reason.
constexpr std::array kJanusAudioCodecs = {"opus", "multiopus", "isac32", "isac16", "pcmu",
                                          "pcma", "g722",      "l16-48", "l16"};
constexpr std::array kJanusVideoCodecs = {"vp8", "vp9", "h264", "av1", "h265"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

template <typename List>
bool contains(const List& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool flag(const nlohmann::json& r, const char* key, bool fallback) {
  auto it = r.find(key);
  return it == r.end() ? fallback : it->get<bool>();
}

std::optional<std::string> text(const nlohmann::json& r, const char* key) {
  auto it = r.find(key);
  if (it == r.end()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

bool isAudioCodec(const std::string& name) {
  return contains(kAudioCodecs, name);
}

bool isVideoCodec(const std::string& name) {
  return contains(kVideoCodecs, name);
}

std::vector<std::string> parseCodecList(const std::string& list, bool audio, std::vector<std::string> fallback) {
  const char* key = audio ? "audiocodec" : "videocodec";
  std::vector<std::string> out;
  // As Janus: up to 5 comma-separated names, each one known (case-insensitive, no blanks), duplicates kept;
  // anything after the fifth is ignored; an empty list keeps the default.
  std::size_t start = 0;
  while (!list.empty() && start <= list.size() && out.size() < kMaxRoomCodecs) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = lower(list.substr(start, comma - start));
    if (!(audio ? contains(kJanusAudioCodecs, name) : contains(kJanusVideoCodecs, name)))
      throw VideoRoomError(ErrorCode::InvalidElement,
                           std::string("Invalid element (") + key +
                               (audio ? " can only be or contain opus, isac32, isac16, pcmu, pcma or g722)"
                                      : " can only be or contain vp8, vp9, av1, h264 or h265)"));
    if (!(audio ? isAudioCodec(name) : isVideoCodec(name)))
      throw VideoRoomError(ErrorCode::InvalidElement,
                           std::string("Invalid element (") + key + " " + name + " is not supported by Portunus)");
    out.push_back(name);
    start = comma + 1;
  }
  return out.empty() ? fallback : out;
}

std::string joinCodecs(const std::vector<std::string>& codecs) {
  std::string out;
  for (const auto& c : codecs)
    out += (out.empty() ? "" : ",") + c;
  return out;
}

void RoomOptions::defaultDescription() {
  if (description.empty()) description = "Room " + id;
}

RoomOptions parseCreateOptions(const nlohmann::json& r) {
  // The order of Janus's create_parameters table: the first bad element is the one reported.
  validateParams(r, {{"description", JsonType::String},
                     {"is_private", JsonType::Bool},
                     {"allowed", JsonType::Array},
                     {"secret", JsonType::String},
                     {"pin", JsonType::String},
                     {"require_pvtid", JsonType::Bool},
                     {"signed_tokens", JsonType::Bool},
                     {"bitrate", JsonType::Integer, false, true},
                     {"bitrate_cap", JsonType::Bool},
                     {"fir_freq", JsonType::Integer, false, true},
                     {"publishers", JsonType::Integer, false, true},
                     {"audiocodec", JsonType::String},
                     {"videocodec", JsonType::String},
                     {"vp9_profile", JsonType::String},
                     {"h264_profile", JsonType::String},
                     {"opus_fec", JsonType::Bool},
                     {"opus_dtx", JsonType::Bool},
                     {"video_svc", JsonType::Bool},
                     {"audiolevel_ext", JsonType::Bool},
                     {"audiolevel_event", JsonType::Bool},
                     {"audio_active_packets", JsonType::Integer, false, true},
                     {"audio_level_average", JsonType::Integer, false, true},
                     {"videoorient_ext", JsonType::Bool},
                     {"playoutdelay_ext", JsonType::Bool},
                     {"transport_wide_cc_ext", JsonType::Bool},
                     {"record", JsonType::Bool},
                     {"rec_dir", JsonType::String},
                     {"lock_record", JsonType::Bool},
                     {"permanent", JsonType::Bool},
                     {"notify_joining", JsonType::Bool},
                     {"require_e2ee", JsonType::Bool},
                     {"dummy_publisher", JsonType::Bool},
                     {"dummy_streams", JsonType::Array}});
  RoomOptions o;
  if (auto it = r.find("allowed"); it != r.end()) {
    for (const auto& token : *it)
      if (!token.is_string())
        throw VideoRoomError(ErrorCode::InvalidElement, "Invalid element in the allowed array (not a string)");
    for (const auto& token : *it)
      o.allowed.insert(token.get<std::string>());
    o.checkAllowed = true;
  }
  o.description = text(r, "description").value_or("");
  o.secret = text(r, "secret");
  o.pin = text(r, "pin");
  o.isPrivate = flag(r, "is_private", false);
  o.requirePvtid = flag(r, "require_pvtid", false);
  o.signedTokens = flag(r, "signed_tokens", false);
  o.requireE2ee = flag(r, "require_e2ee", false);
  if (auto it = r.find("publishers"); it != r.end()) o.publishers = it->get<std::int64_t>();
  if (auto it = r.find("bitrate"); it != r.end()) o.setBitrate(it->get<std::uint64_t>());
  o.bitrateCap = flag(r, "bitrate_cap", false);
  if (auto it = r.find("fir_freq"); it != r.end()) o.firFreq = it->get<std::uint64_t>();
  if (auto s = text(r, "audiocodec")) o.audiocodec = parseCodecList(*s, true, o.audiocodec);
  if (auto s = text(r, "videocodec")) o.videocodec = parseCodecList(*s, false, o.videocodec);
  o.vp9Profile = text(r, "vp9_profile");
  o.h264Profile = text(r, "h264_profile");
  o.opusFec = flag(r, "opus_fec", true);
  o.opusDtx = flag(r, "opus_dtx", false);
  o.videoSvc = flag(r, "video_svc", false);
  o.audiolevelExt = flag(r, "audiolevel_ext", true);
  o.audiolevelEvent = flag(r, "audiolevel_event", false);
  if (auto it = r.find("audio_active_packets"); it != r.end() && it->get<std::uint64_t>() > 0)
    o.audioActivePackets = it->get<std::uint64_t>();
  if (auto it = r.find("audio_level_average"); it != r.end() && it->get<std::uint64_t>() > 0)
    o.audioLevelAverage = it->get<std::uint64_t>();
  o.videoorientExt = flag(r, "videoorient_ext", true);
  o.playoutdelayExt = flag(r, "playoutdelay_ext", true);
  o.transportWideCcExt = flag(r, "transport_wide_cc_ext", true);
  o.record = flag(r, "record", false);
  o.recDir = text(r, "rec_dir");
  o.lockRecord = flag(r, "lock_record", false);
  o.notifyJoining = flag(r, "notify_joining", false);
  o.dummyPublisher = flag(r, "dummy_publisher", false);
  return o;
}

void applyEdit(RoomOptions& o, const nlohmann::json& r) {
  validateParams(r, {{"secret", JsonType::String},
                     {"new_description", JsonType::String},
                     {"new_secret", JsonType::String},
                     {"new_pin", JsonType::String},
                     {"new_is_private", JsonType::Bool},
                     {"new_require_pvtid", JsonType::Bool},
                     {"new_bitrate", JsonType::Integer, false, true},
                     {"new_fir_freq", JsonType::Integer, false, true},
                     {"new_publishers", JsonType::Integer, false, true},
                     {"new_lock_record", JsonType::Bool},
                     {"new_rec_dir", JsonType::String},
                     {"permanent", JsonType::Bool}});
  // As Janus: empty strings leave description, secret and pin unchanged.
  if (auto s = text(r, "new_description"); s && !s->empty()) o.description = *s;
  if (auto it = r.find("new_is_private"); it != r.end()) o.isPrivate = it->get<bool>();
  if (auto it = r.find("new_require_pvtid"); it != r.end()) o.requirePvtid = it->get<bool>();
  if (auto it = r.find("new_publishers"); it != r.end()) o.publishers = it->get<std::int64_t>();
  if (auto it = r.find("new_bitrate"); it != r.end()) o.setBitrate(it->get<std::uint64_t>());
  if (auto it = r.find("new_fir_freq"); it != r.end()) o.firFreq = it->get<std::uint64_t>();
  if (auto s = text(r, "new_secret"); s && !s->empty()) o.secret = *s;
  if (auto s = text(r, "new_pin"); s && !s->empty()) o.pin = *s;
  if (auto it = r.find("new_lock_record"); it != r.end()) o.lockRecord = it->get<bool>();
  if (auto s = text(r, "new_rec_dir")) o.recDir = *s;
}

nlohmann::json listEntry(const RoomOptions& o) {
  nlohmann::json e = {{"description", o.description},
                      {"pin_required", o.pin.has_value()},
                      {"is_private", o.isPrivate},
                      {"max_publishers", o.publishers},
                      {"bitrate", o.bitrate},
                      {"fir_freq", o.firFreq},
                      {"require_pvtid", o.requirePvtid},
                      {"require_e2ee", o.requireE2ee},
                      {"dummy_publisher", o.dummyPublisher},
                      {"notify_joining", o.notifyJoining},
                      {"audiocodec", joinCodecs(o.audiocodec)},
                      {"videocodec", joinCodecs(o.videocodec)},
                      {"record", o.record},
                      {"lock_record", o.lockRecord},
                      {"audiolevel_ext", o.audiolevelExt},
                      {"audiolevel_event", o.audiolevelEvent},
                      {"videoorient_ext", o.videoorientExt},
                      {"playoutdelay_ext", o.playoutdelayExt},
                      {"transport_wide_cc_ext", o.transportWideCcExt}};
  if (o.bitrateCap) e["bitrate_cap"] = true;
  if (o.opusFec) e["opus_fec"] = true;
  if (o.opusDtx) e["opus_dtx"] = true;
  if (o.videoSvc) e["video_svc"] = true;
  if (o.recDir) e["rec_dir"] = *o.recDir;
  if (o.audiolevelEvent) {
    e["audio_active_packets"] = o.audioActivePackets;
    e["audio_level_average"] = o.audioLevelAverage;
  }
  return e;
}

}  // namespace portunus::plugins::videoroom
