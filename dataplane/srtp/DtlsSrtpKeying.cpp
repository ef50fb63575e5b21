#include "dataplane/srtp/DtlsSrtpKeying.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace portunus::dp {

std::size_t dtlsSrtpKeyingMaterialLength(SrtpProfile profile) noexcept {
  return 2 * (masterKeyLength(profile) + masterSaltLength(profile));
}

DtlsSrtpKeys splitDtlsSrtpKeyingMaterial(SrtpProfile profile, std::span<const std::uint8_t> material, DtlsRole role) {
  const std::size_t key_len = masterKeyLength(profile);
  const std::size_t salt_len = masterSaltLength(profile);
  if (key_len == 0 || material.size() != dtlsSrtpKeyingMaterialLength(profile)) {
    throw std::invalid_argument("DTLS-SRTP keying material for " + std::string(profileName(profile)) + " must be " +
                                std::to_string(dtlsSrtpKeyingMaterialLength(profile)) + " bytes, got " +
                                std::to_string(material.size()));
  }
  // RFC 5764 §4.2: the client's write key protects what the client sends.
  const auto client_key = material.subspan(0, key_len);
  const auto server_key = material.subspan(key_len, key_len);
  const auto client_salt = material.subspan(2 * key_len, salt_len);
  const auto server_salt = material.subspan(2 * key_len + salt_len, salt_len);

  auto make = [profile](std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt) {
    SrtpKeyMaterial keys;
    keys.profile = profile;
    std::copy(key.begin(), key.end(), keys.master_key.begin());
    std::copy(salt.begin(), salt.end(), keys.master_salt.begin());
    return keys;
  };
  SrtpKeyMaterial client = make(client_key, client_salt);
  SrtpKeyMaterial server = make(server_key, server_salt);
  if (role == DtlsRole::Client) return DtlsSrtpKeys{client, server};
  return DtlsSrtpKeys{server, client};
}

}  // namespace portunus::dp
