// An id field as Janus reads it: the one rule of the core (session_id, handle_id), the Admin API and the plugins
// (a VideoRoom kick's room).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

namespace portunus {

/** Absent or null is no id; an integer is the id (a negative one wraps to its unsigned 64-bit value, as Janus's
 *  guint64 does); any other value is present but 0. */
struct IdField {
  bool present = false;
  std::uint64_t value = 0;
};

inline IdField readId(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_number_unsigned()) return {true, it->get<std::uint64_t>()};
  if (it->is_number_integer()) return {true, static_cast<std::uint64_t>(it->get<std::int64_t>())};
  return {true, 0};
}

}  // namespace portunus
