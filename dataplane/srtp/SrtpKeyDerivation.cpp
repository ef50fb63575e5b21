#include "dataplane/srtp/SrtpKeyDerivation.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>
#include <vector>

namespace portunus::dp {

void deriveSrtpKey(const SrtpKeyMaterial& keys, SrtpKdfLabel label, std::uint8_t* out, std::size_t length) {
  const std::size_t key_len = masterKeyLength(keys.profile);
  const EVP_CIPHER* cipher = key_len == 16 ? EVP_aes_128_ctr() : key_len == 32 ? EVP_aes_256_ctr() : nullptr;
  if (cipher == nullptr) throw std::runtime_error("SRTP key derivation: unsupported profile");
  std::array<std::uint8_t, 16> iv{};
  for (std::size_t i = 0; i < masterSaltLength(keys.profile); ++i)
    iv[i] = keys.master_salt[i];
  iv[7] ^= static_cast<std::uint8_t>(label);  // key_id = label || index DIV kdr (0), right-aligned in 112 bits

  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::vector<std::uint8_t> zeros(length, 0);
  int produced = 0;
  if (ctx == nullptr || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, keys.master_key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out, &produced, zeros.data(), static_cast<int>(length)) != 1 ||
      static_cast<std::size_t>(produced) != length) {
    throw std::runtime_error("SRTP key derivation: OpenSSL AES-CTR failed");
  }
}

SrtpSessionSecrets deriveSessionSecrets(const SrtpKeyMaterial& keys, bool rtcp) {
  SrtpSessionSecrets secrets;
  const auto base = static_cast<std::uint8_t>(rtcp ? 3 : 0);
  deriveSrtpKey(keys, static_cast<SrtpKdfLabel>(base), secrets.cipher_key.data(), masterKeyLength(keys.profile));
  deriveSrtpKey(keys, static_cast<SrtpKdfLabel>(base + 2), secrets.salt.data(), masterSaltLength(keys.profile));
  if (keys.profile == SrtpProfile::Aes128CmSha1_80 || keys.profile == SrtpProfile::Aes128CmSha1_32) {
    deriveSrtpKey(keys, static_cast<SrtpKdfLabel>(base + 1), secrets.auth_key.data(), secrets.auth_key.size());
  }
  return secrets;
}

}  // namespace portunus::dp
