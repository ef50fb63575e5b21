#define BOOST_TEST_MODULE controlplane_webrtc_dtls_srtp_keys
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <numeric>
#include <vector>

#include "controlplane/webrtc/DtlsSrtpKeys.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

using namespace portunus::cp;
using portunus::dp::SrtpProfile;

namespace {

struct Case {
  SrtpProfile profile;
  std::size_t key;
  std::size_t salt;
  unsigned iana_id;
};
std::ostream& operator<<(std::ostream& os, const Case& c) {
  return os << srtpProfileInfo(c.profile).openssl_name;
}

// RFC 5764 §4.1.2 and RFC 7714 §14.2 ids; key/salt lengths from RFC 3711 and RFC 7714.
const Case kCases[] = {
    {SrtpProfile::Aes128CmSha1_80, 16, 14, 0x0001},
    {SrtpProfile::Aes128CmSha1_32, 16, 14, 0x0002},
    {SrtpProfile::AeadAes128Gcm, 16, 12, 0x0007},
    {SrtpProfile::AeadAes256Gcm, 32, 12, 0x0008},
};

}  // namespace

BOOST_DATA_TEST_CASE(layout_is_client_key_server_key_client_salt_server_salt, boost::unit_test::data::make(kCases), c) {
  BOOST_TEST(dtlsSrtpExportLength(c.profile) == 2 * (c.key + c.salt));
  BOOST_TEST((srtpProfileFromId(c.iana_id) == c.profile));
  // Byte i of the export holds the value i, so every byte's origin is visible.
  std::vector<std::uint8_t> exported(dtlsSrtpExportLength(c.profile));
  std::iota(exported.begin(), exported.end(), std::uint8_t{0});
  const auto as_client = splitDtlsSrtpKeys(c.profile, exported, true);
  const auto as_server = splitDtlsSrtpKeys(c.profile, exported, false);
  for (std::size_t i = 0; i < c.key; ++i) {
    BOOST_TEST(as_client.local.master_key[i] == i);           // client_write_key
    BOOST_TEST(as_client.remote.master_key[i] == c.key + i);  // server_write_key
  }
  for (std::size_t i = 0; i < c.salt; ++i) {
    BOOST_TEST(as_client.local.master_salt[i] == 2 * c.key + i);            // client_write_salt
    BOOST_TEST(as_client.remote.master_salt[i] == 2 * c.key + c.salt + i);  // server_write_salt
  }
  // The server's view is the mirror image, and every field carries the profile.
  BOOST_TEST(as_server.local.master_key == as_client.remote.master_key);
  BOOST_TEST(as_server.remote.master_key == as_client.local.master_key);
  BOOST_TEST(as_server.local.master_salt == as_client.remote.master_salt);
  BOOST_TEST(as_server.remote.master_salt == as_client.local.master_salt);
  BOOST_TEST((as_client.local.profile == c.profile && as_server.remote.profile == c.profile));
  // Bytes beyond the profile's lengths stay zero.
  for (std::size_t i = c.key; i < as_client.local.master_key.size(); ++i)
    BOOST_TEST(as_client.local.master_key[i] == 0);
  for (std::size_t i = c.salt; i < as_client.local.master_salt.size(); ++i)
    BOOST_TEST(as_client.local.master_salt[i] == 0);
}

BOOST_AUTO_TEST_CASE(profiles_are_listed_gcm_first_and_unknown_ids_refused) {
  const auto all = supportedSrtpProfiles();
  BOOST_REQUIRE(all.size() == 4u);
  BOOST_TEST((all[0].profile == SrtpProfile::AeadAes128Gcm));
  BOOST_TEST((all[1].profile == SrtpProfile::AeadAes256Gcm));
  BOOST_TEST(!srtpProfileFromId(0x0005).has_value());  // SRTP_NULL_HMAC_SHA1_80: never
  BOOST_TEST(!srtpProfileFromId(0).has_value());
}

BOOST_AUTO_TEST_CASE(wrong_length_is_refused) {
  std::vector<std::uint8_t> exported(59);
  BOOST_CHECK_THROW(splitDtlsSrtpKeys(SrtpProfile::Aes128CmSha1_80, exported, true), WebRtcError);
}
