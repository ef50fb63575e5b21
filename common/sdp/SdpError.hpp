// The one error the SDP parser throws: the 1-based line number (0 when the problem is not tied to a line, e.g. a
// missing mandatory line) and a short reason. The control plane maps it to Janus 465 (JSEP_INVALID_SDP).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace portunus::sdp {

class SdpError : public std::runtime_error {
 public:
  SdpError(std::size_t line, std::string reason)
      : std::runtime_error(line == 0 ? reason : "line " + std::to_string(line) + ": " + reason),
        line_(line),
        reason_(std::move(reason)) {}

  /** 1-based line of the offending text, 0 when the error concerns the description as a whole. */
  std::size_t line() const noexcept { return line_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::size_t line_;
  std::string reason_;
};

}  // namespace portunus::sdp
