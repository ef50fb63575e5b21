#include "controlplane/core/Envelope.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

namespace portunus::cp {

bool isNonNegativeInteger(const json& value) {
  return value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

namespace {

/** Janus's parser (jansson) refuses documents nested deeper than this. */
constexpr std::size_t kMaxDepth = 2048;

/** A token Janus's parser refuses though nlohmann accepts it (or throws other than parse_error for it), with where
 *  it ends and jansson's wording. */
struct Refused {
  std::size_t end = 0;  // offset one past the token's last character
  std::string line;
  std::size_t column = 0;  // 1-based column of the token's last character, as jansson reports it
  std::string explanation;
};

/** jansson's context: the token quoted when it is at most 20 characters long. */
Refused refusal(std::string message, std::string_view token, std::size_t line, std::size_t lineStart, std::size_t end) {
  if (token.size() <= 20) message += " near '" + std::string(token) + "'";
  return Refused{end, std::to_string(line), end - lineStart, std::move(message)};
}

/** The message for a number token jansson refuses (an integer outside int64, a real that overflows a double), or
 *  empty. */
std::string refusedNumber(std::string_view token) {
  if (token.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t value = 0;
    if (std::from_chars(token.data(), token.data() + token.size(), value).ec == std::errc::result_out_of_range)
      return token[0] == '-' ? "too big negative integer" : "too big integer";
    return {};
  }
  const std::string copy(token);
  errno = 0;
  const double value = std::strtod(copy.c_str(), nullptr);
  return errno == ERANGE && std::isinf(value) ? "real number overflow" : "";
}

/** Where the string that opens at `open` (a '"') closes: the index of its closing quote, escapes skipped, or the
 *  text's size when it does not close. */
std::size_t stringEnd(std::string_view text, std::size_t open) {
  std::size_t i = open + 1;
  for (; i < text.size() && text[i] != '"'; ++i)
    if (text[i] == '\\') ++i;
  return std::min(i, text.size());
}

/** What is checked before the text is parsed into a tree. */
struct Prescan {
  std::size_t deepest = 0;         // deepest array/object nesting
  std::optional<Refused> refused;  // the first token jansson refuses
};

/** One pass over a JSON text for what nlohmann accepts and jansson does not: numbers (nlohmann keeps integers beyond
 *  int64 as unsigned or double and throws out_of_range for an overflowing real) and strings with a \u0000 escape
 *  (nlohmann decodes it into a NUL; jansson refuses it, in a key with its own message). Scanning past a syntax error
 *  is harmless: the caller only uses a token that ends before the parser's first error. */
Prescan prescan(std::string_view text) {
  Prescan out;
  std::vector<char> open;  // the containers around the current position: '[' or '{'
  char previous = 0;       // the last character outside strings that is not white space
  std::size_t line = 1;
  std::size_t lineStart = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t start = i;
      i = stringEnd(text, start);
      if (i == text.size()) break;  // unterminated: the parser says so
      const std::string_view body = text.substr(start + 1, i - start - 1);
      bool nul = false;
      for (std::size_t j = 0; j < body.size(); ++j) {
        if (body[j] != '\\') continue;
        nul = nul || body.substr(j + 1, 5) == "u0000";
        ++j;  // the escaped character
      }
      if (nul && !out.refused) {
        const bool key = !open.empty() && open.back() == '{' && (previous == '{' || previous == ',');
        out.refused =
            refusal(key ? "NUL byte in object key not supported" : "\\u0000 is not allowed without JSON_ALLOW_NUL",
                    text.substr(start, i + 1 - start), line, lineStart, i + 1);
      }
      previous = '"';
    } else if (c == '[' || c == '{') {
      open.push_back(c);
      out.deepest = std::max(out.deepest, open.size());
      previous = c;
    } else if (c == ']' || c == '}') {
      if (!open.empty()) open.pop_back();
      previous = c;
    } else if (c == '\n') {
      ++line;
      lineStart = i + 1;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                   std::string_view("+-.eE").find(text[end]) != std::string_view::npos))
        ++end;
      const std::string_view token = text.substr(i, end - i);
      if (!out.refused)
        if (std::string message = refusedNumber(token); !message.empty())
          out.refused = refusal(std::move(message), token, line, lineStart, end);
      i = end - 1;
      previous = '0';
    } else if (c != ' ' && c != '\t' && c != '\r') {
      previous = c;
    }
  }
  return out;
}

bool isJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/** Where the token jansson lexes at `i` ends: a string, a number, a word, or one other printable character; npos for
 *  a string that does not end and for bytes that are no printable ASCII (left to the parser). */
std::size_t tokenEnd(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  if (c < 0x20 || c > 0x7e) return std::string_view::npos;
  std::size_t end = i + 1;
  if (c == '"') {
    end = stringEnd(text, i);
    return end == text.size() ? std::string_view::npos : end + 1;
  }
  if (c == '-' || std::isdigit(c)) {
    while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                 std::string_view("+-.eE").find(text[end]) != std::string_view::npos))
      ++end;
  } else if (std::isalpha(c)) {
    while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])))
      ++end;
  }
  return end;
}

std::size_t skipSpace(std::string_view text, std::size_t i) {
  while (i < text.size() && isJsonSpace(text[i]))
    ++i;
  return i;
}

/** Where the array or object that starts at `i` ends (its closing bracket, strings skipped), or npos. */
std::size_t valueEnd(std::string_view text, std::size_t i) {
  std::size_t depth = 0;
  for (std::size_t j = i; j < text.size(); ++j) {
    const char c = text[j];
    if (c == '"') {
      j = stringEnd(text, j);
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return j + 1;
    }
  }
  return std::string_view::npos;
}

/** jansson's context for a token that ends at `end`: its line and where that line starts. */
Refused refusalAt(std::string message, std::string_view text, std::size_t begin, std::size_t end) {
  const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + begin, '\n'));
  const std::size_t lineStart = text.rfind('\n', begin == 0 ? 0 : begin - 1);
  return refusal(std::move(message), text.substr(begin, end - begin), line,
                 lineStart == std::string_view::npos || begin == 0 ? 0 : lineStart + 1, end);
}

/** jansson reads the first token before anything else, and a document must start with '[' or '{': otherwise it is
 *  refused there, quoting that token (nothing at all is "end of file"), unless the token itself is refused first (a
 *  number out of range). */
std::optional<Refused> refusedRoot(std::string_view text) {
  const std::size_t i = skipSpace(text, 0);
  const std::string expected = "'[' or '{' expected";
  if (i == text.size()) {
    const auto line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    const std::size_t lineStart = text.rfind('\n');
    return Refused{i, std::to_string(line), i - (lineStart == std::string_view::npos ? 0 : lineStart + 1),
                   expected + " near end of file"};
  }
  if (text[i] == '[' || text[i] == '{') return std::nullopt;
  const std::size_t end = tokenEnd(text, i);
  if (end == std::string_view::npos) return std::nullopt;
  if (text[i] == '-' || std::isdigit(static_cast<unsigned char>(text[i])))
    if (std::string message = refusedNumber(text.substr(i, end - i)); !message.empty())
      return refusalAt(std::move(message), text, i, end);
  return refusalAt(expected, text, i, end);
}

/** A complete first value followed by more than white space: jansson says "end of file expected" near the token that
 *  follows. */
std::optional<Refused> refusedTrailer(std::string_view text) {
  const std::size_t end = valueEnd(text, skipSpace(text, 0));
  if (end == std::string_view::npos) return std::nullopt;
  const std::size_t next = skipSpace(text, end);
  if (next == text.size() || !json::accept(text.substr(0, end))) return std::nullopt;
  const std::size_t tokenStop = tokenEnd(text, next);
  if (tokenStop == std::string_view::npos) return std::nullopt;
  return refusalAt("end of file expected", text, next, tokenStop);
}

/** The parser's message may quote invalid UTF-8 from the input: keep it printable ASCII so that the reply can be
 *  serialised. */
std::string printable(std::string text) {
  for (auto& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return text;
}

/** A 454 worded as Janus words it per transport. `explanation` is made printable ASCII unless it is known to be
 *  valid UTF-8 (`verbatim`). */
JanusError syntaxError(ParseStyle style, const std::string& line, std::size_t column, const std::string& explanation,
                       bool verbatim = false) {
  const std::string said = verbatim ? explanation : printable(explanation);
  if (style == ParseStyle::WebSocket)
    return {ErrorCode::InvalidJson,
            "Invalid Janus API request - <string>(" + line + "," + std::to_string(column) + "): " + said};
  return {ErrorCode::InvalidJson, "JSON error: on line " + line + ": " + said};
}

}  // namespace

json parseRequest(std::string_view text, ParseStyle style) {
  // A byte order mark is no '[' or '{' to jansson (nlohmann would skip it); Janus quotes it as it came.
  if (text.starts_with("\xEF\xBB\xBF"))
    throw syntaxError(style, "1", 1, "'[' or '{' expected near '\xEF\xBB\xBF'", true);
  if (const auto root = refusedRoot(text)) throw syntaxError(style, root->line, root->column, root->explanation);
  const Prescan scan = prescan(text);
  if (scan.deepest > kMaxDepth) throw syntaxError(style, "1", 0, "maximum parsing depth reached");
  const std::optional<Refused>& refused = scan.refused;
  const auto refuse = [&](const Refused& r) { return syntaxError(style, r.line, r.column, r.explanation); };
  json parsed;
  try {
    parsed = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    if (refused && refused->end < e.byte) throw refuse(*refused);
    if (const auto trailer = refusedTrailer(text)) throw refuse(*trailer);
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
    throw syntaxError(style, line, e.byte, explanation);
  } catch (const json::exception&) {
    // out_of_range 406: a real that overflows, which the prescan has found.
    if (refused) throw refuse(*refused);
    throw syntaxError(style, "1", 0, "invalid number");
  }
  if (refused) throw refuse(*refused);
  // Like Janus, a request text must be an array or an object: a bare scalar is a syntax error.
  if (!parsed.is_object() && !parsed.is_array()) throw syntaxError(style, "1", 0, "'[' or '{' expected");
  return parsed;
}

std::vector<std::string_view> splitJsonSequence(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const std::size_t i = skipSpace(text, from);
    if (i == text.size() || (text[i] != '{' && text[i] != '[')) break;
    const std::size_t end = valueEnd(text, i);
    if (end == std::string_view::npos) break;
    parts.push_back(text.substr(from, end - from));
    from = end;
    if (from == text.size()) return parts;
  }
  parts.push_back(text.substr(from));  // what does not read as a value: its parse says why
  return parts;
}

namespace {
std::string requireString(const json& request, const char* key) {
  auto it = request.find(key);
  if (it == request.end()) throw JanusError::missing(key);
  if (!it->is_string()) throw JanusError::badType(key, "a string");  // null too (467, as Janus)
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
  if (it == object.end()) return std::nullopt;
  if (!it->is_string()) throw JanusError::badType(key, "a string");
  return it->get<std::string>();
}

std::optional<bool> optBool(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!it->is_boolean()) throw JanusError::badType(key, "a boolean");
  return it->get<bool>();
}

std::optional<std::uint64_t> optPositive(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (!isNonNegativeInteger(*it)) throw JanusError::badType(key, "a positive integer");
  return it->get<std::uint64_t>();
}

std::optional<std::vector<std::string>> optStringArray(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
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

IdField pathId(const IdField& body, const std::optional<std::uint64_t>& path, std::string_view what) {
  if (!path) return body;
  if (body.value != 0 && body.value != *path)
    throw JanusError(ErrorCode::InvalidRequestPath, "Conflicting " + std::string(what) + " ID (payload and path)");
  if (*path == 0) return body;  // a path segment that reads as 0 names nothing (Janus keeps the body's)
  return {true, *path};
}

json errorReply(std::uint64_t sessionId, const std::optional<std::string>& transaction, const JanusError& error) {
  json reply = {{"janus", "error"}, {"error", {{"code", error.number()}, {"reason", error.what()}}}};
  // Signed, as Janus echoes it: a session_id of -1 in a request is "No such session 18446744073709551615", -1.
  if (sessionId > 0) reply["session_id"] = static_cast<std::int64_t>(sessionId);
  if (transaction) reply["transaction"] = *transaction;
  return reply;
}

json basicReply(std::string_view verb, std::uint64_t sessionId, const std::string& transaction) {
  json reply = {{"janus", verb}, {"transaction", transaction}};
  if (sessionId > 0) reply["session_id"] = sessionId;
  return reply;
}

}  // namespace portunus::cp
