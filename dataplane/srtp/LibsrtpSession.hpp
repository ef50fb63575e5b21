// Building a libsrtp2 session for one stream (one SSRC, one direction) from our key material and profile, and mapping
// libsrtp2's status codes to our drop reasons. Shared by LibsrtpStreamContext and LibsrtpReferenceSession.
#pragma once

#include <srtp2/srtp.h>

#include <cstdint>
#include <memory>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

struct LibsrtpSessionDeleter {
  void operator()(srtp_ctx_t_* session) const noexcept { srtp_dealloc(session); }
};
using LibsrtpSessionPtr = std::unique_ptr<srtp_ctx_t_, LibsrtpSessionDeleter>;

struct LibsrtpStreamOptions {
  std::uint32_t replay_window = 1024;  // RTP replay window in packets (libsrtp accepts 64..32767)
  bool allow_repeat_tx = false;        // let an outbound stream protect a sequence number again (NACK resend)
};

/** Control side: an srtp_t holding exactly one ssrc-specific stream, so libsrtp2 never clones a template stream (and
 *  never allocates) on the packet path. Uses whatever transforms the crypto kernel holds right now.
 *  Throws std::runtime_error (bad profile, key or window). */
LibsrtpSessionPtr createLibsrtpSession(const SrtpKeyMaterial& keys, std::uint32_t ssrc, SrtpDirection direction,
                                       const LibsrtpStreamOptions& options);

/** libsrtp2 status → our per-packet drop reason. */
SrtpStatus toSrtpStatus(srtp_err_status_t status) noexcept;

}  // namespace portunus::dp
