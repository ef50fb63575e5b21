#include "plugins/echotest/EchoTestRequest.hpp"

namespace portunus::plugins {
namespace {

enum class Kind { Bool, String, Integer, Positive };

[[noreturn]] void badType(const char* key, Kind kind) {
  const char* expected = kind == Kind::Bool       ? "a boolean"
                         : kind == Kind::String   ? "a string"
                         : kind == Kind::Positive ? "a positive integer"
                                                  : "an integer";
  throw EchoTestError(EchoTestErrorCode::InvalidElement,
                      std::string("Invalid element type (") + key + " should be " + expected + ")");
}

const nlohmann::json* field(const nlohmann::json& body, const char* key, Kind kind) {
  auto it = body.find(key);
  if (it == body.end()) return nullptr;
  const nlohmann::json& v = *it;
  const bool ok = kind == Kind::Bool     ? v.is_boolean()
                  : kind == Kind::String ? v.is_string()
                  : kind == Kind::Positive
                      ? (v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0))
                      : v.is_number_integer();
  if (!ok) badType(key, kind);
  return &v;
}

template <typename T>
void read(const nlohmann::json& body, const char* key, Kind kind, std::optional<T>& out) {
  if (const auto* v = field(body, key, kind)) out = v->get<T>();
}

}  // namespace

EchoTestRequest parseEchoTestRequest(const nlohmann::json* body, bool hasJsep) {
  if (body == nullptr || body->is_null()) throw EchoTestError(EchoTestErrorCode::NoMessage, "No message??");
  if (!body->is_object()) throw EchoTestError(EchoTestErrorCode::InvalidJson, "JSON error: not an object");
  EchoTestRequest r;
  // Checked in the order of Janus's parameter table, so the first offending key is the one named.
  read(*body, "audio", Kind::Bool, r.audio);
  read(*body, "video", Kind::Bool, r.video);
  read(*body, "bitrate", Kind::Positive, r.bitrate);
  read(*body, "record", Kind::Bool, r.record);
  read(*body, "filename", Kind::String, r.filename);
  read(*body, "substream", Kind::Positive, r.substream);
  read(*body, "temporal", Kind::Positive, r.temporal);
  read(*body, "fallback", Kind::Positive, r.fallback);
  read(*body, "audiocodec", Kind::String, r.audiocodec);
  read(*body, "videocodec", Kind::String, r.videocodec);
  read(*body, "videoprofile", Kind::String, r.videoprofile);
  read(*body, "opusred", Kind::Bool, r.opusred);
  read(*body, "min_delay", Kind::Integer, r.minDelay);
  read(*body, "max_delay", Kind::Integer, r.maxDelay);
  if (r.substream && *r.substream > 2)
    throw EchoTestError(EchoTestErrorCode::InvalidElement, "Invalid value (substream should be 0, 1 or 2)");
  if (r.temporal && *r.temporal > 2)
    throw EchoTestError(EchoTestErrorCode::InvalidElement, "Invalid value (temporal should be 0, 1 or 2)");
  // audiocodec alone does not count, as in Janus.
  const bool any = r.audio || r.video || r.videocodec || r.videoprofile || r.opusred || r.bitrate || r.substream ||
                   r.temporal || r.fallback || r.record || r.minDelay || r.maxDelay || hasJsep;
  if (!any) throw EchoTestError(EchoTestErrorCode::InvalidElement, "Message error: no supported attributes found");
  return r;
}

}  // namespace portunus::plugins
