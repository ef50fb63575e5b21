#include "lab/media/SrtpSession.hpp"

#include <srtp2/srtp.h>

#include <cstring>
#include <mutex>
#include <vector>

namespace portunus::lab {

namespace {

void initLibrary() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (srtp_init() != srtp_err_status_ok) throw SrtpError("srtp_init failed");
  });
}

}  // namespace

std::size_t SrtpSession::keyLength(dp::SrtpProfile profile) noexcept {
  return profile == dp::SrtpProfile::AeadAes256Gcm ? 32 : 16;
}

std::size_t SrtpSession::saltLength(dp::SrtpProfile profile) noexcept {
  return profile == dp::SrtpProfile::AeadAes128Gcm || profile == dp::SrtpProfile::AeadAes256Gcm ? 12 : 14;
}

const char* SrtpSession::opensslName(dp::SrtpProfile profile) noexcept {
  switch (profile) {
    case dp::SrtpProfile::Aes128CmSha1_80:
      return "SRTP_AES128_CM_SHA1_80";
    case dp::SrtpProfile::Aes128CmSha1_32:
      return "SRTP_AES128_CM_SHA1_32";
    case dp::SrtpProfile::AeadAes128Gcm:
      return "SRTP_AEAD_AES_128_GCM";
    case dp::SrtpProfile::AeadAes256Gcm:
      return "SRTP_AEAD_AES_256_GCM";
  }
  return "";
}

dp::SrtpProfile SrtpSession::parseProfile(const std::string& name) {
  struct Alias {
    const char* name;
    dp::SrtpProfile profile;
  };
  static constexpr Alias kAliases[] = {
      {"SRTP_AES128_CM_SHA1_80", dp::SrtpProfile::Aes128CmSha1_80},
      {"AES_CM_128_HMAC_SHA1_80", dp::SrtpProfile::Aes128CmSha1_80},
      {"cm80", dp::SrtpProfile::Aes128CmSha1_80},
      {"SRTP_AES128_CM_SHA1_32", dp::SrtpProfile::Aes128CmSha1_32},
      {"AES_CM_128_HMAC_SHA1_32", dp::SrtpProfile::Aes128CmSha1_32},
      {"cm32", dp::SrtpProfile::Aes128CmSha1_32},
      {"SRTP_AEAD_AES_128_GCM", dp::SrtpProfile::AeadAes128Gcm},
      {"AEAD_AES_128_GCM", dp::SrtpProfile::AeadAes128Gcm},
      {"gcm128", dp::SrtpProfile::AeadAes128Gcm},
      {"SRTP_AEAD_AES_256_GCM", dp::SrtpProfile::AeadAes256Gcm},
      {"AEAD_AES_256_GCM", dp::SrtpProfile::AeadAes256Gcm},
      {"gcm256", dp::SrtpProfile::AeadAes256Gcm},
  };
  for (const auto& alias : kAliases) {
    if (name == alias.name) return alias.profile;
  }
  throw std::invalid_argument("unknown SRTP profile: " + name);
}

SrtpSession::SrtpSession(const dp::SrtpKeyMaterial& keys, Direction direction) {
  initLibrary();
  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  switch (keys.profile) {
    case dp::SrtpProfile::Aes128CmSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case dp::SrtpProfile::Aes128CmSha1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);  // RFC 5764 §4.1.2: SRTCP keeps 80 bits
      break;
    case dp::SrtpProfile::AeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case dp::SrtpProfile::AeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      break;
  }
  const std::size_t keyLen = keyLength(keys.profile), saltLen = saltLength(keys.profile);
  std::vector<unsigned char> key(keyLen + saltLen);
  std::memcpy(key.data(), keys.master_key.data(), keyLen);
  std::memcpy(key.data() + keyLen, keys.master_salt.data(), saltLen);
  policy.key = key.data();
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.window_size = 1024;
  policy.allow_repeat_tx = 1;
  policy.next = nullptr;
  srtp_t session = nullptr;
  const srtp_err_status_t status = srtp_create(&session, &policy);
  if (status != srtp_err_status_ok) {
    throw SrtpError("srtp_create failed for " + std::string(opensslName(keys.profile)) + ": status " +
                    std::to_string(static_cast<int>(status)));
  }
  ctx_ = reinterpret_cast<srtp_ctx_t_*>(session);
}

SrtpSession::~SrtpSession() {
  if (ctx_) srtp_dealloc(reinterpret_cast<srtp_t>(ctx_));
}

int SrtpSession::protect(std::uint8_t* packet, std::size_t& len, std::size_t capacity, bool rtcp) noexcept {
  if (capacity < len + SRTP_MAX_TRAILER_LEN) return static_cast<int>(srtp_err_status_bad_param);
  int length = static_cast<int>(len);
  const srtp_err_status_t status = rtcp ? srtp_protect_rtcp(reinterpret_cast<srtp_t>(ctx_), packet, &length)
                                        : srtp_protect(reinterpret_cast<srtp_t>(ctx_), packet, &length);
  if (status == srtp_err_status_ok) len = static_cast<std::size_t>(length);
  return static_cast<int>(status);
}

int SrtpSession::unprotect(std::uint8_t* packet, std::size_t& len, bool rtcp) noexcept {
  int length = static_cast<int>(len);
  const srtp_err_status_t status = rtcp ? srtp_unprotect_rtcp(reinterpret_cast<srtp_t>(ctx_), packet, &length)
                                        : srtp_unprotect(reinterpret_cast<srtp_t>(ctx_), packet, &length);
  if (status == srtp_err_status_ok) len = static_cast<std::size_t>(length);
  return static_cast<int>(status);
}

}  // namespace portunus::lab
