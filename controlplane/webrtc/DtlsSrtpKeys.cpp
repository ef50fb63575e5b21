#include "controlplane/webrtc/DtlsSrtpKeys.hpp"

#include <array>
#include <stdexcept>
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
  return dp::dtlsSrtpKeyingMaterialLength(profile);
}

DtlsSrtpKeys splitDtlsSrtpKeys(dp::SrtpProfile profile, std::span<const std::uint8_t> exported, bool local_is_client) {
  try {
    return dp::splitDtlsSrtpKeyingMaterial(profile, exported,
                                           local_is_client ? dp::DtlsRole::Client : dp::DtlsRole::Server);
  } catch (const std::invalid_argument& e) {
    throw WebRtcError(std::string("DTLS-SRTP: ") + e.what());
  }
}

}  // namespace portunus::cp
