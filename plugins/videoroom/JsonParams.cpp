#include "plugins/videoroom/JsonParams.hpp"

#include <string>

#include "plugins/videoroom/VideoRoomErrors.hpp"

namespace portunus::plugins::videoroom {
namespace {

bool valid(const nlohmann::json& v, const JsonParam& p) {
  switch (p.type) {
    case JsonType::Bool:
      return v.is_boolean();
    case JsonType::Integer:
      if (!v.is_number_integer()) return false;
      return !p.positive || v.is_number_unsigned() || v.get<std::int64_t>() >= 0;
    case JsonType::String:
      return v.is_string() && (!p.nonEmpty || !v.get_ref<const std::string&>().empty());
    case JsonType::Array:
      return v.is_array() && (!p.nonEmpty || !v.empty());
    case JsonType::Object:
      return v.is_object();
  }
  return false;
}

// janus_get_json_type_name(): "a positive integer", "a non-empty string", "an array", "a boolean"...
std::string typeName(const JsonParam& p) {
  std::string out;
  if (p.positive) {
    out = "a positive ";
  } else if (p.nonEmpty) {
    out = "a non-empty ";
  } else if (p.type == JsonType::Integer || p.type == JsonType::Array || p.type == JsonType::Object) {
    out = "an ";
  } else {
    out = "a ";
  }
  switch (p.type) {
    case JsonType::Bool:
      return out + "boolean";
    case JsonType::Integer:
      return out + "integer";
    case JsonType::String:
      return out + "string";
    case JsonType::Array:
      return out + "array";
    case JsonType::Object:
      return out + "object";
  }
  return out;
}

}  // namespace

void validateParams(const nlohmann::json& obj, std::initializer_list<JsonParam> params) {
  for (const auto& p : params) {
    auto it = obj.find(p.name);
    if (it == obj.end()) {
      if (p.required) throw VideoRoomError::missing(p.name);
      continue;
    }
    if (!valid(*it, p)) throw VideoRoomError::badType(p.name, typeName(p));
  }
}

JsonParam idParam(std::string_view name, bool stringIds, bool required) {
  if (stringIds) return {name, JsonType::String, required};
  return {name, JsonType::Integer, required, true};
}

void checkSecret(const std::string* expected, const nlohmann::json& obj, std::string_view name) {
  if (!expected) return;
  validateParams(obj, {{name, JsonType::String, true}});
  const auto& given = obj.at(name).get_ref<const std::string&>();
  // Constant time over the expected secret's length, as janus_strcmp_const_time.
  unsigned char diff = given.size() == expected->size() ? 0 : 1;
  for (std::size_t i = 0; i < expected->size(); ++i)
    diff |= static_cast<unsigned char>((*expected)[i] ^ (i < given.size() ? given[i] : 0));
  if (diff != 0) throw VideoRoomError::wrongSecret(name);
}

}  // namespace portunus::plugins::videoroom
