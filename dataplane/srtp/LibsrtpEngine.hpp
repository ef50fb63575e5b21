// The reference/fallback SRTP engine (DESIGN §5): libsrtp2 for the protocol (KDF, ROC, replay, SRTCP index, RFC 7714
// framing) with OpenSSL EVP-backed transforms. Per packet: no allocation, lock, log or syscall.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "dataplane/srtp/LibsrtpSession.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

class LibsrtpEngine final : public SrtpEngine {
 public:
  struct Options {
    /** RTP replay window (packets). 1024, not libsrtp's 128: at 2–3k packets/s of HD video, 128 packets are ~50 ms,
     *  shorter than the RTT after which NACK-driven retransmissions (same SSRC/seq, RFC 4585) and bursty reordering
     *  arrive; 1024 covers ~0.3–0.5 s at that rate for 128 bytes of bitmap per stream. libwebrtc uses 1024 too.
     *  The SRTCP window is libsrtp's fixed 128. */
    std::uint32_t replay_window = 1024;
  };

  /** Initialises libsrtp2 and installs the OpenSSL transforms if not done yet (control side; throws on failure). */
  LibsrtpEngine();
  explicit LibsrtpEngine(Options options);

  std::string_view name() const noexcept override { return "libsrtp2-openssl"; }

  /** Outbound streams allow repeated sequence numbers (NACK retransmissions within the window). */
  std::unique_ptr<SrtpStreamContext> createStream(const SrtpKeyMaterial& keys, std::uint32_t ssrc,
                                                  SrtpDirection direction) override;

  /** Each op's ctx must come from this engine's createStream(); protect needs an Outbound context, unprotect an
   *  Inbound one (else NoContext). */
  void protect(SrtpOp* ops, std::uint16_t count) noexcept override;
  void unprotect(SrtpOp* ops, std::uint16_t count) noexcept override;

 private:
  Options options_;
};

}  // namespace portunus::dp
