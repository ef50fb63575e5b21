#include "dataplane/srtp/LibsrtpSession.hpp"

#include <openssl/crypto.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace portunus::dp {
namespace {

void setCryptoPolicies(SrtpProfile profile, srtp_policy_t& policy) {
  switch (profile) {
    case SrtpProfile::Aes128CmSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      return;
    case SrtpProfile::Aes128CmSha1_32:
      // RFC 5764 §4.1.2: the 32-bit tag applies to SRTP only; SRTCP keeps 80 bits.
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      return;
    case SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      return;
    case SrtpProfile::AeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      return;
  }
  throw std::runtime_error("unsupported SRTP profile " + std::to_string(static_cast<int>(profile)));
}

}  // namespace

LibsrtpSessionPtr createLibsrtpSession(const SrtpKeyMaterial& keys, std::uint32_t ssrc, SrtpDirection direction,
                                       const LibsrtpStreamOptions& options) {
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  setCryptoPolicies(keys.profile, policy);

  // libsrtp2 wants master key || master salt in one buffer (12-byte salt for the AEAD profiles, RFC 7714 §12).
  const std::size_t key_len = masterKeyLength(keys.profile);
  const std::size_t salt_len = masterSaltLength(keys.profile);
  unsigned char key[SRTP_MAX_KEY_LEN] = {};
  std::memcpy(key, keys.master_key.data(), key_len);
  std::memcpy(key + key_len, keys.master_salt.data(), salt_len);

  policy.ssrc.type = ssrc_specific;
  policy.ssrc.value = ssrc;
  policy.key = key;
  policy.window_size = options.replay_window;
  policy.allow_repeat_tx = (direction == SrtpDirection::Outbound && options.allow_repeat_tx) ? 1 : 0;
  policy.next = nullptr;

  srtp_t session = nullptr;
  const srtp_err_status_t status = srtp_create(&session, &policy);
  OPENSSL_cleanse(key, sizeof(key));
  if (status != srtp_err_status_ok) {
    throw std::runtime_error("srtp_create failed for " + std::string(profileName(keys.profile)) + " ssrc " +
                             std::to_string(ssrc) + " (srtp_err_status " + std::to_string(static_cast<int>(status)) +
                             ")");
  }
  return LibsrtpSessionPtr(session);
}

SrtpStatus toSrtpStatus(srtp_err_status_t status) noexcept {
  switch (status) {
    case srtp_err_status_ok:
      return SrtpStatus::Ok;
    case srtp_err_status_auth_fail:
    // SRTCP with the E bit clear on a stream that requires encryption: libsrtp refuses to check it (RFC 3711 §3.4
    // lets the E bit choose, our policy does not), so for us it is a packet that cannot be authenticated.
    case srtp_err_status_cant_check:
      return SrtpStatus::AuthFail;
    case srtp_err_status_replay_fail:
      return SrtpStatus::ReplayDup;
    case srtp_err_status_replay_old:
      return SrtpStatus::ReplayOld;
    case srtp_err_status_no_ctx:
      return SrtpStatus::NoContext;
    case srtp_err_status_bad_param:  // header longer than the packet (CSRC count, extension length)
    case srtp_err_status_parse_err:
    case srtp_err_status_bad_mki:
      return SrtpStatus::BadLength;
    default:
      return SrtpStatus::CipherFail;
  }
}

}  // namespace portunus::dp
