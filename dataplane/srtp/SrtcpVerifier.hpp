// Authenticates an SRTCP packet with a transport's inbound SRTCP session keys whatever its sender SSRC, without a
// stream context for that SSRC and without touching any replay state. The worker asks it before it reports an
// unknown RTCP sender SSRC to the control plane (which then creates a context for it), so only a peer holding the
// transport's keys can make the control plane spend one of the transport's kMaxRtcpContexts extra contexts; forged
// packets are counted as SRTP authentication drops. The session keys do not depend on the SSRC (RFC 3711 §4.3), only
// the IV does, so one set of keys per transport checks every sender.
//
// CM-SHA1 profiles: HMAC-SHA1-80 over header | ciphertext | E || index (RFC 3711 §3.4); nothing is decrypted.
// AEAD profiles: AES-GCM with the RTCP header and E || index as AAD (RFC 7714 §9); the body is decrypted in place, so
// the caller must not use the packet afterwards (the worker drops it either way). Packets with E = 0 fail, as they do
// in the engines. Built on the control side (allocates, throws); verify() is worker-side: no allocation (the OpenSSL
// context and the SHA-1 pad states are prepared at construction), no lock, no syscall.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

class SrtcpVerifier {
 public:
  /** Derives the SRTCP session keys of `keys` (the direction the peer sends in). Throws std::runtime_error. */
  explicit SrtcpVerifier(const SrtpKeyMaterial& keys);
  ~SrtcpVerifier();
  SrtcpVerifier(const SrtcpVerifier&) = delete;
  SrtcpVerifier& operator=(const SrtcpVerifier&) = delete;

  /** Ok if `data` (an SRTCP packet of `len` bytes) carries a valid tag; AuthFail or BadLength otherwise. */
  SrtpStatus verify(std::uint8_t* data, std::uint32_t len) noexcept;

 private:
  struct HmacPads;  // CM-SHA1: SHA-1 states with K ^ ipad and K ^ opad absorbed (SrtcpVerifier.cpp)
  bool aead_;
  EVP_CIPHER_CTX* gcm_ = nullptr;  // AEAD: key scheduled once; each verify() loads an IV
  std::unique_ptr<HmacPads> pads_;
  std::uint8_t salt_[14]{};
};

}  // namespace portunus::dp
