#define BOOST_TEST_MODULE dataplane_srtp_dtls_keying
#include <boost/test/unit_test.hpp>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "dataplane/srtp/DtlsSrtpKeying.hpp"

namespace portunus::dp {
namespace {

// Exported material 0, 1, 2, ... so every byte's origin is visible: client_key | server_key | client_salt |
// server_salt (RFC 5764 §4.2).
std::vector<std::uint8_t> countingMaterial(std::size_t length) {
  std::vector<std::uint8_t> material(length);
  std::iota(material.begin(), material.end(), std::uint8_t{0});
  return material;
}

void checkBytes(const std::uint8_t* actual, std::size_t offset, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i)
    BOOST_TEST(actual[i] == static_cast<std::uint8_t>(offset + i));
}

struct Row {
  SrtpProfile profile;
  std::size_t expected_length;  // 2 * (key + salt)
};
constexpr Row kRows[] = {{SrtpProfile::Aes128CmSha1_80, 60},
                         {SrtpProfile::Aes128CmSha1_32, 60},
                         {SrtpProfile::AeadAes128Gcm, 56},
                         {SrtpProfile::AeadAes256Gcm, 88}};

BOOST_AUTO_TEST_CASE(material_is_split_by_role) {
  for (const auto& row : kRows) {
    BOOST_TEST_CONTEXT(profileName(row.profile)) {
      BOOST_TEST(dtlsSrtpKeyingMaterialLength(row.profile) == row.expected_length);
      const std::size_t key = masterKeyLength(row.profile);
      const std::size_t salt = masterSaltLength(row.profile);
      const auto material = countingMaterial(row.expected_length);

      const auto as_client = splitDtlsSrtpKeyingMaterial(row.profile, material, DtlsRole::Client);
      BOOST_TEST((as_client.local.profile == row.profile && as_client.remote.profile == row.profile));
      checkBytes(as_client.local.master_key.data(), 0, key);  // we send with the client write key
      checkBytes(as_client.remote.master_key.data(), key, key);
      checkBytes(as_client.local.master_salt.data(), 2 * key, salt);
      checkBytes(as_client.remote.master_salt.data(), 2 * key + salt, salt);

      const auto as_server = splitDtlsSrtpKeyingMaterial(row.profile, material, DtlsRole::Server);
      BOOST_TEST(as_server.local.master_key == as_client.remote.master_key);
      BOOST_TEST(as_server.local.master_salt == as_client.remote.master_salt);
      BOOST_TEST(as_server.remote.master_key == as_client.local.master_key);
      BOOST_TEST(as_server.remote.master_salt == as_client.local.master_salt);

      // Bytes past a profile's key/salt length stay zero.
      for (std::size_t i = key; i < as_client.local.master_key.size(); ++i)
        BOOST_TEST(as_client.local.master_key[i] == 0);
      for (std::size_t i = salt; i < as_client.local.master_salt.size(); ++i) {
        BOOST_TEST(as_client.local.master_salt[i] == 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(material_of_the_wrong_length_is_refused) {
  for (const auto& row : kRows) {
    for (std::size_t length : {std::size_t{0}, row.expected_length - 1, row.expected_length + 1}) {
      const auto material = countingMaterial(length);
      BOOST_CHECK_THROW(splitDtlsSrtpKeyingMaterial(row.profile, material, DtlsRole::Server), std::invalid_argument);
    }
  }
  const auto material = countingMaterial(60);
  BOOST_CHECK_THROW(splitDtlsSrtpKeyingMaterial(static_cast<SrtpProfile>(3), material, DtlsRole::Client),
                    std::invalid_argument);
}

}  // namespace
}  // namespace portunus::dp
