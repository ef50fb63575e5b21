#include "dataplane/srtp/OpensslCipherCache.hpp"

#include <array>

namespace portunus::dp::openssl {

const EVP_CIPHER* fetchedCipher(CipherId id) noexcept {
  // Function-local static: fetched once, thread-safe; never freed (process lifetime, like the provider itself).
  static const std::array<EVP_CIPHER*, 5> ciphers = {
      EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr), EVP_CIPHER_fetch(nullptr, "AES-192-CTR", nullptr),
      EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr), EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr),
      EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)};
  return ciphers[static_cast<std::size_t>(id)];
}

}  // namespace portunus::dp::openssl
