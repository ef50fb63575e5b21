// SRTP session keys from the master key and salt (RFC 3711 §4.3, key derivation rate 0): the AES-CM PRF keyed with the
// master key, IV = (master salt XOR label << 48) << 16. The AEAD profiles' 96-bit master salt is zero-padded on the
// right to 112 bits (RFC 7714 §11, as libsrtp2 does). Control side only (OpenSSL EVP, may allocate, throws).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

/** One of SRTP's or SRTCP's session secrets; only the first masterKeyLength()/salt/20 bytes are meaningful. */
struct SrtpSessionSecrets {
  std::array<std::uint8_t, 32> cipher_key{};
  std::array<std::uint8_t, 14> salt{};
  std::array<std::uint8_t, 20> auth_key{};  // HMAC-SHA1 key (AES-CM profiles only)
};

/** RFC 3711 labels: 0/1/2 SRTP cipher/auth/salt, 3/4/5 SRTCP cipher/auth/salt. */
enum class SrtpKdfLabel : std::uint8_t {
  RtpCipher = 0,
  RtpAuth = 1,
  RtpSalt = 2,
  RtcpCipher = 3,
  RtcpAuth = 4,
  RtcpSalt = 5
};

/** `length` bytes of the PRF output for `label` (throws std::runtime_error on a bad profile or OpenSSL failure). */
void deriveSrtpKey(const SrtpKeyMaterial& keys, SrtpKdfLabel label, std::uint8_t* out, std::size_t length);

/** The SRTP (rtcp = false) or SRTCP session secrets of a profile. */
SrtpSessionSecrets deriveSessionSecrets(const SrtpKeyMaterial& keys, bool rtcp);

}  // namespace portunus::dp
