// Stock libsrtp2 — its built-in transforms, NSS-backed on Debian — for one stream: the reference every SRTP engine is
// tested against and the baseline of the crypto-floor benchmark (DESIGN §5). Never used by the appliance itself.
//
// Why this works with our transforms installed process-wide: libsrtp2 binds a transform to a session when the session
// is created (srtp_cipher_t::type / srtp_auth_t::type point at the type object), and the kernel's table is consulted
// only then. So we put libsrtp's own exported type objects back into the kernel, create the session, and put ours back
// (if they were there); sessions created before or after keep whatever they were built with. Not thread-safe against
// concurrent stream creation: tests and benchmarks only.
#pragma once

#include <cstdint>

#include "dataplane/srtp/LibsrtpSession.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

class LibsrtpReferenceSession {
 public:
  /** Throws std::runtime_error. Outbound sessions allow repeated sequence numbers like LibsrtpEngine's. */
  LibsrtpReferenceSession(const SrtpKeyMaterial& keys, std::uint32_t ssrc, SrtpDirection direction,
                          std::uint32_t replay_window = 1024);

  /** Plain libsrtp2 calls: `len` in/out; the buffer must have room for the trailer. */
  srtp_err_status_t protect(std::uint8_t* data, int& len, bool rtcp) noexcept;
  srtp_err_status_t unprotect(std::uint8_t* data, int& len, bool rtcp) noexcept;

  /** True if this session's transforms are libsrtp2's built-in ones (checked at creation). */
  bool stock() const noexcept { return stock_; }

 private:
  LibsrtpSessionPtr session_;
  bool stock_ = false;
};

/** The description of the cipher libsrtp's kernel currently hands out for a profile's RTP cipher (e.g. "AES-128 GCM
 *  using OpenSSL EVP" or libsrtp's own "AES-128 GCM using NSS"); for reports and tests. */
const char* currentLibsrtpCipherDescription(SrtpProfile profile) noexcept;

}  // namespace portunus::dp
