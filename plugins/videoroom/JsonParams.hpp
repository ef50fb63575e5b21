// Janus's request validation (JANUS_VALIDATE_JSON_OBJECT with its parameter tables), so that every request reports
// the same first offending element with the same words: 429 "Missing mandatory element (x)" and
// 430 "Invalid element type (x should be a positive integer)".
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

namespace portunus::plugins::videoroom {

enum class JsonType { Bool, Integer, String, Array, Object };

/** One row of a parameter table. */
struct JsonParam {
  std::string_view name;
  JsonType type;
  bool required = false;
  bool positive = false;  // integers: >= 0
  bool nonEmpty = false;  // strings, arrays
};

/** Checks `obj` against the table in order; throws VideoRoomError 429/430 on the first bad row. */
void validateParams(const nlohmann::json& obj, std::initializer_list<JsonParam> params);

/** The room / participant id parameter: a positive integer, or a string when the plugin uses string_ids. */
JsonParam idParam(std::string_view name, bool stringIds, bool required);

/** The secret-style check (JANUS_CHECK_SECRET): when `expected` is set, `obj[name]` must be a string equal to it
 *  (429 missing, 430 not a string, 433 wrong). Compared in constant time. */
void checkSecret(const std::string* expected, const nlohmann::json& obj, std::string_view name);

}  // namespace portunus::plugins::videoroom
