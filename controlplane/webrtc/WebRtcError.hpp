// The WebRTC layer's typed error (control plane regime): thrown for invalid input (a malformed candidate, a bad
// certificate file, a fingerprint that does not parse) and for library failures at setup time. Runtime failures of
// a live transport (ICE failed, DTLS alert) are not exceptions: they reach the owner through callbacks.
#pragma once

#include <stdexcept>
#include <string>

namespace portunus::cp {

class WebRtcError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace portunus::cp
