// The one place libsrtp2 is initialised and its transforms are chosen (STYLE lesson 9): srtp_init() followed by the
// OpenSSL-backed transforms replacing the built-in ones. Process-global, done once, on the control side.
#pragma once

namespace portunus::dp {

/** srtp_init() + OpenSSL transform registration, once per process (thread-safe; a failed attempt is retried on the
 *  next call). Throws std::runtime_error if libsrtp2 cannot be initialised or refuses a transform. */
void ensureLibsrtpInitialized();

}  // namespace portunus::dp
