// Profile tables and status names of the SRTP engine interface (RFC 3711 §8.2, RFC 5764 §4.1.2, RFC 7714 §12/§14.2).
#include "dataplane/srtp/SrtpEngine.hpp"

#include <cstring>

namespace portunus::dp {
namespace {

struct ProfileInfo {
  SrtpProfile profile;
  std::string_view name;
  std::string_view dtls_name;
  std::size_t key_length;
  std::size_t salt_length;
  std::size_t rtp_tag_length;
  std::size_t rtcp_tag_length;
};

// RFC 5764 §4.1.2: SRTCP keeps the 80-bit tag even for the _32 profile.
constexpr ProfileInfo kProfiles[] = {
    {SrtpProfile::Aes128CmSha1_80, "AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_80", 16, 14, 10, 10},
    {SrtpProfile::Aes128CmSha1_32, "AES128_CM_SHA1_32", "SRTP_AES128_CM_SHA1_32", 16, 14, 4, 10},
    {SrtpProfile::AeadAes128Gcm, "AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM", 16, 12, 16, 16},
    {SrtpProfile::AeadAes256Gcm, "AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM", 32, 12, 16, 16},
};

constexpr std::size_t kSrtcpIndexLength = 4;  // E bit + 31-bit SRTCP index (RFC 3711 §3.4)

const ProfileInfo* find(SrtpProfile profile) noexcept {
  for (const auto& info : kProfiles) {
    if (info.profile == profile) return &info;
  }
  return nullptr;
}

}  // namespace

std::string_view profileName(SrtpProfile profile) noexcept {
  const auto* info = find(profile);
  return info != nullptr ? info->name : std::string_view{"unknown"};
}

std::string_view dtlsProfileName(SrtpProfile profile) noexcept {
  const auto* info = find(profile);
  return info != nullptr ? info->dtls_name : std::string_view{"unknown"};
}

std::optional<SrtpProfile> profileFromName(std::string_view name) noexcept {
  for (const auto& info : kProfiles) {
    if (name == info.name || name == info.dtls_name) return info.profile;
  }
  return std::nullopt;
}

std::optional<SrtpProfile> profileFromId(std::uint16_t id) noexcept {
  for (const auto& info : kProfiles) {
    if (id == static_cast<std::uint16_t>(info.profile)) return info.profile;
  }
  return std::nullopt;
}

std::string_view dtlsSrtpProfileList() noexcept {
  return "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32";
}

std::size_t masterKeyLength(SrtpProfile profile) noexcept {
  const auto* info = find(profile);
  return info != nullptr ? info->key_length : 0;
}

std::size_t masterSaltLength(SrtpProfile profile) noexcept {
  const auto* info = find(profile);
  return info != nullptr ? info->salt_length : 0;
}

std::size_t srtpTagLength(SrtpProfile profile, bool rtcp) noexcept {
  const auto* info = find(profile);
  if (info == nullptr) return 0;
  return rtcp ? info->rtcp_tag_length : info->rtp_tag_length;
}

std::size_t srtpOverhead(SrtpProfile profile, bool rtcp) noexcept {
  return srtpTagLength(profile, rtcp) + (rtcp ? kSrtcpIndexLength : 0);
}

std::string_view statusName(SrtpStatus status) noexcept {
  switch (status) {
    case SrtpStatus::Ok:
      return "ok";
    case SrtpStatus::AuthFail:
      return "auth_fail";
    case SrtpStatus::ReplayOld:
      return "replay_old";
    case SrtpStatus::ReplayDup:
      return "replay_dup";
    case SrtpStatus::BadLength:
      return "bad_length";
    case SrtpStatus::NoContext:
      return "no_context";
    case SrtpStatus::CipherFail:
      return "cipher_fail";
  }
  return "unknown";
}

void SrtpEngine::protectFrom(SrtpOp* ops, const std::uint8_t* const* sources, std::uint16_t count) noexcept {
  for (std::uint16_t i = 0; i < count; ++i) {
    if (sources[i] == nullptr || ops[i].rtcp) continue;
    const std::uint32_t header = rtpHeaderLength(ops[i].data, ops[i].len);
    if (header != 0) std::memcpy(ops[i].data + header, sources[i] + header, ops[i].len - header);
  }
  protect(ops, count);
}

void SrtpEngine::unprotectInto(SrtpOp* ops, std::uint8_t* const* outs, std::uint16_t count) noexcept {
  for (std::uint16_t i = 0; i < count; ++i) {
    if (outs[i] == nullptr || ops[i].rtcp) continue;
    std::memcpy(outs[i], ops[i].data, ops[i].len);
    ops[i].data = outs[i];
    ops[i].capacity = ops[i].len;
  }
  unprotect(ops, count);
}

}  // namespace portunus::dp
