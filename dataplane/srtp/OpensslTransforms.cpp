#include "dataplane/srtp/OpensslTransforms.hpp"

#include <stdexcept>
#include <string>

// Exported by libsrtp2 (crypto_kernel.h is not installed): the types the kernel currently hands out per id.
extern "C" const srtp_cipher_type_t* srtp_crypto_kernel_get_cipher_type(srtp_cipher_type_id_t id);
extern "C" const srtp_auth_type_t* srtp_crypto_kernel_get_auth_type(srtp_auth_type_id_t id);

namespace portunus::dp::openssl {
namespace {

const srtp_cipher_type_t* const kCipherTypes[] = {&kAesIcm128, &kAesIcm192, &kAesIcm256, &kAesGcm128, &kAesGcm256};

}  // namespace

void registerOpensslTransforms() {
  for (const auto* type : kCipherTypes) {
    if (const auto status = srtp_replace_cipher_type(type, type->id); status != srtp_err_status_ok) {
      throw std::runtime_error(std::string("libsrtp2 refused cipher '") + type->description + "' (srtp_err_status " +
                               std::to_string(static_cast<int>(status)) + ")");
    }
  }
  if (const auto status = srtp_replace_auth_type(&kHmacSha1, kHmacSha1.id); status != srtp_err_status_ok) {
    throw std::runtime_error(std::string("libsrtp2 refused auth '") + kHmacSha1.description + "' (srtp_err_status " +
                             std::to_string(static_cast<int>(status)) + ")");
  }
}

bool opensslTransformsRegistered() noexcept {
  for (const auto* type : kCipherTypes) {
    if (srtp_crypto_kernel_get_cipher_type(type->id) != type) return false;
  }
  return srtp_crypto_kernel_get_auth_type(kHmacSha1.id) == &kHmacSha1;
}

}  // namespace portunus::dp::openssl
