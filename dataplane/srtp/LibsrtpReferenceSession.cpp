#include "dataplane/srtp/LibsrtpReferenceSession.hpp"

#include <srtp2/auth.h>
#include <srtp2/cipher.h>

#include <stdexcept>
#include <string>

#include "dataplane/srtp/LibsrtpRuntime.hpp"
#include "dataplane/srtp/OpensslTransforms.hpp"

// libsrtp2's built-in transform objects (exported by libsrtp2.so; cipher_types.h is not installed).
extern "C" const srtp_cipher_type_t srtp_aes_icm_128;
extern "C" const srtp_cipher_type_t srtp_aes_icm_192;
extern "C" const srtp_cipher_type_t srtp_aes_icm_256;
extern "C" const srtp_cipher_type_t srtp_aes_gcm_128;
extern "C" const srtp_cipher_type_t srtp_aes_gcm_256;
extern "C" const srtp_auth_type_t srtp_hmac;
extern "C" const srtp_cipher_type_t* srtp_crypto_kernel_get_cipher_type(srtp_cipher_type_id_t id);

namespace portunus::dp {
namespace {

const srtp_cipher_type_t* const kStockCiphers[] = {&srtp_aes_icm_128, &srtp_aes_icm_192, &srtp_aes_icm_256,
                                                   &srtp_aes_gcm_128, &srtp_aes_gcm_256};

void installStockTransforms() {
  for (const auto* type : kStockCiphers) {
    if (srtp_replace_cipher_type(type, type->id) != srtp_err_status_ok) {
      throw std::runtime_error(std::string("libsrtp2 refused its own cipher '") + type->description + "'");
    }
  }
  if (srtp_replace_auth_type(&srtp_hmac, srtp_hmac.id) != srtp_err_status_ok) {
    throw std::runtime_error("libsrtp2 refused its own HMAC-SHA1");
  }
}

bool stockTransformsInstalled() noexcept {
  for (const auto* type : kStockCiphers) {
    if (srtp_crypto_kernel_get_cipher_type(type->id) != type) return false;
  }
  return true;
}

}  // namespace

LibsrtpReferenceSession::LibsrtpReferenceSession(const SrtpKeyMaterial& keys, std::uint32_t ssrc,
                                                 SrtpDirection direction, std::uint32_t replay_window) {
  ensureLibsrtpInitialized();
  const bool ours_were_installed = openssl::opensslTransformsRegistered();
  installStockTransforms();
  stock_ = stockTransformsInstalled();
  try {
    LibsrtpStreamOptions options;
    options.replay_window = replay_window;
    options.allow_repeat_tx = direction == SrtpDirection::Outbound;
    session_ = createLibsrtpSession(keys, ssrc, direction, options);
  } catch (...) {
    if (ours_were_installed) openssl::registerOpensslTransforms();
    throw;
  }
  if (ours_were_installed) openssl::registerOpensslTransforms();
}

srtp_err_status_t LibsrtpReferenceSession::protect(std::uint8_t* data, int& len, bool rtcp) noexcept {
  return rtcp ? srtp_protect_rtcp(session_.get(), data, &len) : srtp_protect(session_.get(), data, &len);
}

srtp_err_status_t LibsrtpReferenceSession::unprotect(std::uint8_t* data, int& len, bool rtcp) noexcept {
  return rtcp ? srtp_unprotect_rtcp(session_.get(), data, &len) : srtp_unprotect(session_.get(), data, &len);
}

const char* currentLibsrtpCipherDescription(SrtpProfile profile) noexcept {
  srtp_cipher_type_id_t id = SRTP_AES_ICM_128;
  if (profile == SrtpProfile::AeadAes128Gcm) id = SRTP_AES_GCM_128;
  if (profile == SrtpProfile::AeadAes256Gcm) id = SRTP_AES_GCM_256;
  const srtp_cipher_type_t* type = srtp_crypto_kernel_get_cipher_type(id);
  return type != nullptr ? type->description : "none";
}

}  // namespace portunus::dp
