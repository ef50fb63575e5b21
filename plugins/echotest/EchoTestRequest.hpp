// The EchoTest plugin's one request (no `request` name: every message is a configure), validated as Janus's
// janus_echotest.c does: 411 no message, 412 not an object, 413 a wrong type / bad value / nothing supported,
// 414 an offer that cannot be answered.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace portunus::plugins {

enum class EchoTestErrorCode : int { NoMessage = 411, InvalidJson = 412, InvalidElement = 413, InvalidSdp = 414 };

/** A plugin-level error; it travels inside an `event` as `{"echotest":"event","error_code","error"}`. */
class EchoTestError : public std::runtime_error {
 public:
  EchoTestError(EchoTestErrorCode code, const std::string& reason) : std::runtime_error(reason), code_(code) {}
  int number() const noexcept { return static_cast<int>(code_); }

 private:
  EchoTestErrorCode code_;
};

struct EchoTestRequest {
  std::optional<bool> audio;
  std::optional<bool> video;
  std::optional<std::uint64_t> bitrate;
  std::optional<bool> record;
  std::optional<std::string> filename;
  std::optional<std::uint64_t> substream;
  std::optional<std::uint64_t> temporal;
  std::optional<std::uint64_t> fallback;
  std::optional<std::string> audiocodec;
  std::optional<std::string> videocodec;
  std::optional<std::string> videoprofile;
  std::optional<bool> opusred;
  std::optional<std::int64_t> minDelay;
  std::optional<std::int64_t> maxDelay;
};

/** Validates a message body. `hasJsep` counts as a supported attribute (an offer alone is a valid request). */
EchoTestRequest parseEchoTestRequest(const nlohmann::json* body, bool hasJsep);

}  // namespace portunus::plugins
