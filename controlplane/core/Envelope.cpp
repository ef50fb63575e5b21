#include "controlplane/core/Envelope.hpp"

namespace portunus::cp {

bool isNonNegativeInteger(const json& value) {
  return value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

json parseRequest(std::string_view text, ParseStyle style) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann: "[json.exception.parse_error.101] parse error at line L, column C: <explanation>". Keep the line and
    // the explanation, worded like Janus's "JSON error: on line L: <explanation>".
    const std::string what = e.what();
    std::string line = "1";
    std::string explanation = what;
    if (const auto at = what.find("at line "); at != std::string::npos) {
      const auto comma = what.find(',', at);
      if (comma != std::string::npos) line = what.substr(at + 8, comma - at - 8);
    }
    if (const auto column = what.find("column "); column != std::string::npos) {
      if (const auto colon = what.find(": ", column); colon != std::string::npos) explanation = what.substr(colon + 2);
    } else if (const auto colon = what.rfind("] "); colon != std::string::npos) {
      explanation = what.substr(colon + 2);
    }
    if (style == ParseStyle::WebSocket)
      throw JanusError(ErrorCode::InvalidJson, "Invalid Janus API request - <string>(" + line + "," +
                                                   std::to_string(e.byte) + "): " + explanation);
    throw JanusError(ErrorCode::InvalidJson, "JSON error: on line " + line + ": " + explanation);
  }
}

namespace {
std::string requireString(const json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end() || it->is_null()) throw JanusError::missing(key);
  if (!it->is_string()) throw JanusError::badType(key, "a string");
  return it->get<std::string>();
}
}  // namespace

std::string requireTransaction(const json& request) {
  return requireString(request, "transaction");
}
std::string requireVerb(const json& request) {
  return requireString(request, "janus");
}

std::optional<std::string> optString(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw JanusError::badType(key, "a string");
  return it->get<std::string>();
}

std::optional<bool> optBool(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) throw JanusError::badType(key, "a boolean");
  return it->get<bool>();
}

std::optional<std::uint64_t> optPositive(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!isNonNegativeInteger(*it)) throw JanusError::badType(key, "a positive integer");
  return it->get<std::uint64_t>();
}

std::optional<std::vector<std::string>> optStringArray(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_array()) throw JanusError::badType(key, "an array");
  std::vector<std::string> out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

std::uint64_t idField(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !isNonNegativeInteger(*it)) return 0;
  return it->get<std::uint64_t>();
}

json errorReply(std::uint64_t sessionId, const std::optional<std::string>& transaction, const JanusError& error) {
  json reply = {{"janus", "error"}, {"error", {{"code", error.number()}, {"reason", error.what()}}}};
  if (sessionId > 0) reply["session_id"] = sessionId;
  if (transaction) reply["transaction"] = *transaction;
  return reply;
}

json basicReply(std::string_view verb, std::uint64_t sessionId, const std::string& transaction) {
  json reply = {{"janus", verb}, {"transaction", transaction}};
  if (sessionId > 0) reply["session_id"] = sessionId;
  return reply;
}

}  // namespace portunus::cp
