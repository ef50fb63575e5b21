// The Janus API envelope shared by the client API and the Admin API: parsing a request text, the mandatory
// `transaction`/`janus` strings, typed optional fields, and the error reply shape.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json/JanusId.hpp"
#include "controlplane/core/JanusError.hpp"

namespace portunus::cp {

using json = nlohmann::json;

/** How a transport words a JSON syntax error (REST and WebSocket differ in Janus). */
enum class ParseStyle { Rest, WebSocket };

/** An integer >= 0, whether JSON parsing stored it signed or unsigned. */
bool isNonNegativeInteger(const json& value);

/** Parses a request text: 454 on bad JSON. (455 for a non-object is checked by the router.) */
json parseRequest(std::string_view text, ParseStyle style);

/** `transaction` (456/467), then `janus` (456/467); neither error echoes the transaction. */
std::string requireTransaction(const json& request);
std::string requireVerb(const json& request);

/** Optional typed fields: nullopt when absent, JanusError 467 when of the wrong type (null too: Janus's validation
 *  takes a present null for a value of the wrong type). */
std::optional<std::string> optString(const json& object, const char* key);
std::optional<bool> optBool(const json& object, const char* key);
/** Integers >= 0 ("a positive integer" in Janus's words). */
std::optional<std::uint64_t> optPositive(const json& object, const char* key);
/** A list of strings (467 "should be an array" otherwise). */
std::optional<std::vector<std::string>> optStringArray(const json& object, const char* key);

/** An id field as Janus reads it: a non-integer counts as 0 (absent). */
std::uint64_t idField(const json& object, const char* key);

/** `session_id` or `handle_id` as Janus's core reads it (common/json/JanusId.hpp). */
using portunus::IdField;
using portunus::readId;

/** REST: the id in the path (if any) is the one used; a non-zero integer in the body that differs from it is 457
 *  "Conflicting <what> ID (payload and path)", as Janus's HTTP transport answers. */
IdField pathId(const IdField& body, const std::optional<std::uint64_t>& path, std::string_view what);

/** A WebSocket message as Janus's WebSocket transport reads it: a sequence of JSON texts, each ending at its closing
 *  bracket (jansson without its end-of-input check). The parts in order; when the message is no such sequence, the
 *  last part is the rest from where it stops being one (its parse gives the error Janus reports, and Janus then
 *  processes none of the message). */
std::vector<std::string_view> splitJsonSequence(std::string_view text);

/** `{"janus":"error","session_id"?,"transaction"?,"error":{"code","reason"}}`. */
json errorReply(std::uint64_t sessionId, const std::optional<std::string>& transaction, const JanusError& error);

/** `{"janus":verb,"session_id"?,"transaction"}`. */
json basicReply(std::string_view verb, std::uint64_t sessionId, const std::string& transaction);

}  // namespace portunus::cp
