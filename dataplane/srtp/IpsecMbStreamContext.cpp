#include "dataplane/srtp/IpsecMbStreamContext.hpp"

#include <cstring>
#include <stdexcept>

namespace portunus::dp {
namespace {

void scheduleKeys(IMB_MGR* mgr, SrtpProfile profile, const SrtpSessionSecrets& secrets, IpsecMbSessionKeys& keys) {
  std::memset(&keys, 0, sizeof(keys));
  std::memcpy(keys.salt, secrets.salt.data(), sizeof(keys.salt));
  switch (profile) {
    case SrtpProfile::AeadAes128Gcm:
      IMB_AES128_GCM_PRE(mgr, secrets.cipher_key.data(), &keys.gcm);
      return;
    case SrtpProfile::AeadAes256Gcm:
      IMB_AES256_GCM_PRE(mgr, secrets.cipher_key.data(), &keys.gcm);
      return;
    case SrtpProfile::Aes128CmSha1_80:
    case SrtpProfile::Aes128CmSha1_32: {
      IMB_AES_KEYEXP_128(mgr, secrets.cipher_key.data(), keys.enc_keys, keys.dec_keys);
      // HMAC (RFC 2104) with a 20-byte key: one SHA-1 block of key XOR pad each, hashed once here.
      alignas(16) std::uint8_t block[64];
      for (const auto& [pad, out] :
           {std::pair{std::uint8_t{0x36}, keys.ipad}, std::pair{std::uint8_t{0x5c}, keys.opad}}) {
        std::memset(block, pad, sizeof(block));
        for (std::size_t i = 0; i < secrets.auth_key.size(); ++i)
          block[i] ^= secrets.auth_key[i];
        IMB_SHA1_ONE_BLOCK(mgr, block, out);
      }
      std::memset(block, 0, sizeof(block));
      return;
    }
  }
  throw std::runtime_error("ipsec-mb SRTP: unsupported profile");
}

}  // namespace

IpsecMbStreamContext::IpsecMbStreamContext(IMB_MGR* mgr, SrtpProfile profile, const SrtpSessionSecrets& rtp,
                                           const SrtpSessionSecrets& rtcp, std::uint32_t ssrc, SrtpDirection direction,
                                           std::uint32_t replay_window)
    : rtp_window_(replay_window),
      ssrc_(ssrc),
      direction_(direction),
      profile_(profile),
      aead_(profile == SrtpProfile::AeadAes128Gcm || profile == SrtpProfile::AeadAes256Gcm),
      rtp_tag_(static_cast<std::uint32_t>(srtpTagLength(profile, false))),
      key_length_(masterKeyLength(profile)) {
  scheduleKeys(mgr, profile, rtp, rtp_keys);
  scheduleKeys(mgr, profile, rtcp, rtcp_keys);
}

}  // namespace portunus::dp
