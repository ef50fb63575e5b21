// One direction of SRTP/SRTCP with Debian's stock libsrtp2 (srtp_protect/srtp_unprotect), keyed from the DTLS-SRTP
// key export. The lab peer deliberately uses the reference library, never the dataplane's engines, so a bug in
// an engine cannot hide behind the same bug in the peer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "dataplane/srtp/SrtpEngine.hpp"

struct srtp_ctx_t_;

namespace portunus::lab {

class SrtpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SrtpSession {
 public:
  enum class Direction : std::uint8_t { Inbound, Outbound };

  /** Throws SrtpError if libsrtp2 refuses the policy (unsupported profile, bad key). */
  SrtpSession(const dp::SrtpKeyMaterial& keys, Direction direction);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  /** In place; `len` grows by the tag (capacity must allow it). Returns libsrtp2's status (0 = ok). */
  int protect(std::uint8_t* packet, std::size_t& len, std::size_t capacity, bool rtcp) noexcept;
  /** In place; `len` shrinks. Returns libsrtp2's status (0 = ok; 2 auth fail, 9/10 replay). */
  int unprotect(std::uint8_t* packet, std::size_t& len, bool rtcp) noexcept;

  /** Parses "AES_CM_128_HMAC_SHA1_80"/"SRTP_AES128_CM_SHA1_80"-style names (and the short forms of the CLI). */
  static dp::SrtpProfile parseProfile(const std::string& name);
  static const char* opensslName(dp::SrtpProfile profile) noexcept;  // "SRTP_AEAD_AES_128_GCM", ...
  static std::size_t keyLength(dp::SrtpProfile profile) noexcept;
  static std::size_t saltLength(dp::SrtpProfile profile) noexcept;

 private:
  srtp_ctx_t_* ctx_ = nullptr;
};

}  // namespace portunus::lab
