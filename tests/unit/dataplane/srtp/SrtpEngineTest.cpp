#define BOOST_TEST_MODULE dataplane_srtp_engine_helpers
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {
namespace {

struct ProfileRow {
  SrtpProfile profile;
  std::string_view name;
  std::string_view dtls_name;
  std::uint16_t id;
  std::size_t key, salt, rtp_tag, rtcp_tag;
};

// RFC 5764 §4.1.2 (CM profiles, ids 0x0001/0x0002) and RFC 7714 §14.2 (GCM profiles, ids 0x0007/0x0008).
constexpr ProfileRow kRows[] = {
    {SrtpProfile::Aes128CmSha1_80, "AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_80", 0x0001, 16, 14, 10, 10},
    {SrtpProfile::Aes128CmSha1_32, "AES128_CM_SHA1_32", "SRTP_AES128_CM_SHA1_32", 0x0002, 16, 14, 4, 10},
    {SrtpProfile::AeadAes128Gcm, "AEAD_AES_128_GCM", "SRTP_AEAD_AES_128_GCM", 0x0007, 16, 12, 16, 16},
    {SrtpProfile::AeadAes256Gcm, "AEAD_AES_256_GCM", "SRTP_AEAD_AES_256_GCM", 0x0008, 32, 12, 16, 16},
};

BOOST_AUTO_TEST_CASE(profile_tables_follow_the_rfcs) {
  for (const auto& row : kRows) {
    BOOST_TEST_CONTEXT(row.name) {
      BOOST_TEST(profileName(row.profile) == row.name);
      BOOST_TEST(dtlsProfileName(row.profile) == row.dtls_name);
      BOOST_TEST(masterKeyLength(row.profile) == row.key);
      BOOST_TEST(masterSaltLength(row.profile) == row.salt);
      BOOST_TEST(srtpTagLength(row.profile, false) == row.rtp_tag);
      BOOST_TEST(srtpTagLength(row.profile, true) == row.rtcp_tag);
      BOOST_TEST(srtpOverhead(row.profile, false) == row.rtp_tag);
      BOOST_TEST(srtpOverhead(row.profile, true) == row.rtcp_tag + 4);  // + E bit and SRTCP index
      BOOST_TEST((profileFromName(row.name) == row.profile));
      BOOST_TEST((profileFromName(row.dtls_name) == row.profile));
      BOOST_TEST((profileFromId(row.id) == row.profile));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_dtls_profile_list_names_every_profile_gcm_first) {
  const std::string_view list = dtlsSrtpProfileList();
  std::vector<std::string_view> names;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t end = std::min(list.find(':', start), list.size());
    names.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  BOOST_TEST_REQUIRE(names.size() == std::size(kRows));
  for (const auto& name : names)
    BOOST_TEST(profileFromName(name).has_value(), name);
  BOOST_TEST((profileFromName(names[0]) == SrtpProfile::AeadAes128Gcm));
  BOOST_TEST((profileFromName(names[1]) == SrtpProfile::AeadAes256Gcm));
}

BOOST_AUTO_TEST_CASE(unknown_profiles_are_refused) {
  for (std::string_view name : {"", "SRTP_NULL_SHA1_80", "srtp_aead_aes_128_gcm", "SRTP_AES256_CM_SHA1_80"}) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(!profileFromName(name).has_value());
    }
  }
  for (std::uint16_t id : {0x0000, 0x0005, 0x0006, 0x0009, 0xffff}) {
    BOOST_TEST_CONTEXT(id) {
      BOOST_TEST(!profileFromId(id).has_value());
    }
  }
  const auto bogus = static_cast<SrtpProfile>(42);
  BOOST_TEST(profileName(bogus) == "unknown");
  BOOST_TEST(masterKeyLength(bogus) == 0U);
  BOOST_TEST(srtpOverhead(bogus, true) == 4U);
}

BOOST_AUTO_TEST_CASE(every_status_has_a_distinct_counter_name) {
  const SrtpStatus all[] = {SrtpStatus::Ok,        SrtpStatus::AuthFail,  SrtpStatus::ReplayOld, SrtpStatus::ReplayDup,
                            SrtpStatus::BadLength, SrtpStatus::NoContext, SrtpStatus::CipherFail};
  const std::string_view expected[] = {"ok",         "auth_fail",  "replay_old", "replay_dup",
                                       "bad_length", "no_context", "cipher_fail"};
  BOOST_TEST_REQUIRE(std::size(all) == kSrtpStatusCount);
  for (std::size_t i = 0; i < std::size(all); ++i) {
    BOOST_TEST(static_cast<std::size_t>(all[i]) == i);  // dense: usable as a counter index
    BOOST_TEST(statusName(all[i]) == expected[i]);
  }
}

}  // namespace
}  // namespace portunus::dp
