// SHA_CTX (deprecated in OpenSSL 3.0, kept for the same reason as in OpensslHmacSha1.cpp: a keyed EVP HMAC allocates
// on every re-init).
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "dataplane/srtp/SrtcpVerifier.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>
#include <stdexcept>

#include "common/proto/ByteOrder.hpp"
#include "dataplane/srtp/OpensslCipherCache.hpp"
#include "dataplane/srtp/SrtpKeyDerivation.hpp"

namespace portunus::dp {
namespace {

constexpr std::uint32_t kHeader = 8;      // V/P/RC, PT, length, sender SSRC (RFC 3550 §6.4.1)
constexpr std::uint32_t kIndex = 4;       // E bit + 31-bit SRTCP index
constexpr std::uint32_t kCmTag = 10;      // SRTCP's HMAC-SHA1 tag is 80 bits in both CM profiles (RFC 3711 §5.2)
constexpr std::uint32_t kGcmTag = 16;     // RFC 7714 §9
constexpr std::uint32_t kSha1Block = 64;  // HMAC-SHA1 pad length
constexpr std::uint32_t kSha1Digest = 20;
constexpr std::uint32_t kMaxLength = 65535;

}  // namespace

struct SrtcpVerifier::HmacPads {
  SHA_CTX inner;
  SHA_CTX outer;
};

SrtcpVerifier::SrtcpVerifier(const SrtpKeyMaterial& keys)
    : aead_(keys.profile == SrtpProfile::AeadAes128Gcm || keys.profile == SrtpProfile::AeadAes256Gcm) {
  SrtpSessionSecrets secrets = deriveSessionSecrets(keys, true);
  std::memcpy(salt_, secrets.salt.data(), sizeof(salt_));
  bool ok = true;
  if (aead_) {
    const EVP_CIPHER* cipher = openssl::fetchedCipher(
        keys.profile == SrtpProfile::AeadAes128Gcm ? openssl::CipherId::AesGcm128 : openssl::CipherId::AesGcm256);
    gcm_ = EVP_CIPHER_CTX_new();
    ok = cipher != nullptr && gcm_ != nullptr &&
         EVP_CipherInit_ex2(gcm_, cipher, secrets.cipher_key.data(), nullptr, 0, nullptr) == 1;
  } else {
    std::uint8_t ipad[kSha1Block];
    std::uint8_t opad[kSha1Block];
    std::memset(ipad, 0x36, sizeof(ipad));
    std::memset(opad, 0x5c, sizeof(opad));
    for (std::size_t i = 0; i < secrets.auth_key.size(); ++i) {
      ipad[i] ^= secrets.auth_key[i];
      opad[i] ^= secrets.auth_key[i];
    }
    pads_ = std::make_unique<HmacPads>();
    ok = SHA1_Init(&pads_->inner) == 1 && SHA1_Update(&pads_->inner, ipad, sizeof(ipad)) == 1 &&
         SHA1_Init(&pads_->outer) == 1 && SHA1_Update(&pads_->outer, opad, sizeof(opad)) == 1;
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
  }
  OPENSSL_cleanse(&secrets, sizeof(secrets));
  if (!ok) {
    EVP_CIPHER_CTX_free(gcm_);
    throw std::runtime_error("SRTCP verifier: OpenSSL key setup failed");
  }
}

SrtcpVerifier::~SrtcpVerifier() {
  EVP_CIPHER_CTX_free(gcm_);
  if (pads_) OPENSSL_cleanse(pads_.get(), sizeof(HmacPads));
  OPENSSL_cleanse(salt_, sizeof(salt_));
}

SrtpStatus SrtcpVerifier::verify(std::uint8_t* data, std::uint32_t len) noexcept {
  if (data == nullptr || len > kMaxLength) return SrtpStatus::BadLength;
  if (!aead_) {
    // header | ciphertext | E || index | tag; the tag covers everything before it.
    if (len < kHeader + kIndex + kCmTag) return SrtpStatus::BadLength;
    const std::uint32_t tag_at = len - kCmTag;
    if ((proto::load32(data + tag_at - kIndex) & 0x80000000U) == 0) return SrtpStatus::AuthFail;
    std::uint8_t digest[kSha1Digest];
    SHA_CTX work = pads_->inner;
    bool ok = SHA1_Update(&work, data, tag_at) == 1 && SHA1_Final(digest, &work) == 1;
    work = pads_->outer;
    ok = ok && SHA1_Update(&work, digest, sizeof(digest)) == 1 && SHA1_Final(digest, &work) == 1;
    const bool equal = ok && CRYPTO_memcmp(digest, data + tag_at, kCmTag) == 0;
    OPENSSL_cleanse(&work, sizeof(work));
    return equal ? SrtpStatus::Ok : SrtpStatus::AuthFail;
  }
  // header | ciphertext | tag | E || index (RFC 7714 §9.2); IV = salt XOR (0 0 | SSRC | 0 0 | index) (§9.1).
  if (len < kHeader + kGcmTag + kIndex) return SrtpStatus::BadLength;
  const std::uint8_t* e_index = data + len - kIndex;
  if ((proto::load32(e_index) & 0x80000000U) == 0) return SrtpStatus::AuthFail;
  std::uint8_t iv[12];
  std::memcpy(iv, salt_, sizeof(iv));
  for (int i = 0; i < 4; ++i) {
    iv[2 + i] ^= data[4 + i];  // sender SSRC
    iv[8 + i] ^= static_cast<std::uint8_t>(e_index[i] & (i == 0 ? 0x7f : 0xff));
  }
  std::uint8_t aad[kHeader + kIndex];
  std::memcpy(aad, data, kHeader);
  std::memcpy(aad + kHeader, e_index, kIndex);
  const std::uint32_t body = len - kHeader - kGcmTag - kIndex;
  std::uint8_t* tag = data + kHeader + body;
  int out = 0;
  std::uint8_t unused[16];
  if (EVP_CipherInit_ex2(gcm_, nullptr, nullptr, iv, 0, nullptr) != 1 ||
      EVP_CipherUpdate(gcm_, nullptr, &out, aad, sizeof(aad)) != 1 ||
      (body > 0 && EVP_CipherUpdate(gcm_, data + kHeader, &out, data + kHeader, static_cast<int>(body)) != 1) ||
      EVP_CIPHER_CTX_ctrl(gcm_, EVP_CTRL_AEAD_SET_TAG, kGcmTag, tag) != 1) {
    return SrtpStatus::CipherFail;
  }
  return EVP_CipherFinal_ex(gcm_, unused, &out) == 1 ? SrtpStatus::Ok : SrtpStatus::AuthFail;
}

}  // namespace portunus::dp
