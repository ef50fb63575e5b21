// One stream's SRTP state in the libsrtp2 engine: an srtp_t with a single ssrc-specific stream (session keys derived at
// creation, ROC, replay window, SRTCP index). Created on the control side; used by one worker lcore only.
#pragma once

#include <cstdint>

#include "dataplane/srtp/LibsrtpSession.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

class LibsrtpStreamContext final : public SrtpStreamContext {
 public:
  /** Throws std::runtime_error on bad keys/profile/window. */
  LibsrtpStreamContext(const SrtpKeyMaterial& keys, std::uint32_t ssrc, SrtpDirection direction,
                       const LibsrtpStreamOptions& options);

  std::uint32_t ssrc() const noexcept override { return ssrc_; }
  SrtpDirection direction() const noexcept override { return direction_; }
  SrtpProfile profile() const noexcept override { return profile_; }

  /** In place; `len` grows by the tag (and SRTCP index); needs `capacity` >= len + overhead. */
  SrtpStatus protect(std::uint8_t* data, std::uint32_t& len, std::uint32_t capacity, bool rtcp) noexcept;
  /** In place; `len` shrinks to the plain packet on success and is untouched otherwise. */
  SrtpStatus unprotect(std::uint8_t* data, std::uint32_t& len, bool rtcp) noexcept;

 private:
  LibsrtpSessionPtr session_;
  std::uint32_t ssrc_;
  SrtpDirection direction_;
  SrtpProfile profile_;
  std::uint32_t rtp_overhead_;
  std::uint32_t rtcp_overhead_;
};

}  // namespace portunus::dp
