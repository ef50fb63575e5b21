#include "controlplane/webrtc/DtlsSrtpKeys.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "controlplane/webrtc/WebRtcError.hpp"

namespace portunus::cp {
namespace {

constexpr std::array<SrtpProfileInfo, 4> kProfiles{{
    {dp::SrtpProfile::AeadAes128Gcm, "SRTP_AEAD_AES_128_GCM", 16, 12},
    {dp::SrtpProfile::AeadAes256Gcm, "SRTP_AEAD_AES_256_GCM", 32, 12},
    {dp::SrtpProfile::Aes128CmSha1_80, "SRTP_AES128_CM_SHA1_80", 16, 14},
    {dp::SrtpProfile::Aes128CmSha1_32, "SRTP_AES128_CM_SHA1_32", 16, 14},
}};

}  // namespace

std::span<const SrtpProfileInfo> supportedSrtpProfiles() noexcept {
  return kProfiles;
}

const SrtpProfileInfo& srtpProfileInfo(dp::SrtpProfile profile) noexcept {
  for (const auto& info : kProfiles)
    if (info.profile == profile) return info;
  return kProfiles[0];
}

std::optional<dp::SrtpProfile> srtpProfileFromId(unsigned long id) noexcept {
  // The enum's values are the IANA DTLS-SRTP protection profile ids.
  for (const auto& info : kProfiles)
    if (static_cast<unsigned long>(info.profile) == id) return info.profile;
  return std::nullopt;
}

std::size_t dtlsSrtpExportLength(dp::SrtpProfile profile) noexcept {
  const auto& info = srtpProfileInfo(profile);
  return 2 * (info.key_length + info.salt_length);
}

DtlsSrtpKeys splitDtlsSrtpKeys(dp::SrtpProfile profile, std::span<const std::uint8_t> exported, bool local_is_client) {
  const auto& info = srtpProfileInfo(profile);
  if (exported.size() != dtlsSrtpExportLength(profile))
    throw WebRtcError("DTLS-SRTP: exported " + std::to_string(exported.size()) + " bytes, " +
                      std::string(info.openssl_name) + " needs " + std::to_string(dtlsSrtpExportLength(profile)));
  const std::size_t k = info.key_length;
  const std::size_t s = info.salt_length;
  const auto client_key = exported.subspan(0, k);
  const auto server_key = exported.subspan(k, k);
  const auto client_salt = exported.subspan(2 * k, s);
  const auto server_salt = exported.subspan(2 * k + s, s);

  DtlsSrtpKeys keys;
  keys.local.profile = keys.remote.profile = profile;
  const auto& local_key = local_is_client ? client_key : server_key;
  const auto& remote_key = local_is_client ? server_key : client_key;
  const auto& local_salt = local_is_client ? client_salt : server_salt;
  const auto& remote_salt = local_is_client ? server_salt : client_salt;
  std::copy(local_key.begin(), local_key.end(), keys.local.master_key.begin());
  std::copy(remote_key.begin(), remote_key.end(), keys.remote.master_key.begin());
  std::copy(local_salt.begin(), local_salt.end(), keys.local.master_salt.begin());
  std::copy(remote_salt.begin(), remote_salt.end(), keys.remote.master_salt.begin());
  return keys;
}

}  // namespace portunus::cp
