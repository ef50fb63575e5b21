#include <boost/test/unit_test.hpp>
#include <vector>

#include "lab/media/MediaPayload.hpp"
#include "lab/media/RtpSender.hpp"
#include "lab/media/SrtpSession.hpp"

using namespace portunus::lab;
using portunus::dp::SrtpKeyMaterial;
using portunus::dp::SrtpProfile;

namespace {

SrtpKeyMaterial keys(SrtpProfile profile, std::uint8_t seed) {
  SrtpKeyMaterial k;
  k.profile = profile;
  for (std::size_t i = 0; i < k.master_key.size(); ++i)
    k.master_key[i] = static_cast<std::uint8_t>(seed + i);
  for (std::size_t i = 0; i < k.master_salt.size(); ++i)
    k.master_salt[i] = static_cast<std::uint8_t>(seed * 3 + i);
  return k;
}

}  // namespace

// Stock libsrtp2, both directions, every profile the lab offers: what one side protects the other unprotects, a
// flipped bit fails authentication, a replay is refused, and the overhead is the profile's tag.
BOOST_AUTO_TEST_CASE(protect_unprotect_every_profile) {
  struct Row {
    SrtpProfile profile;
    std::size_t rtpTag;
  };
  const Row rows[] = {{SrtpProfile::Aes128CmSha1_80, 10},
                      {SrtpProfile::Aes128CmSha1_32, 4},
                      {SrtpProfile::AeadAes128Gcm, 16},
                      {SrtpProfile::AeadAes256Gcm, 16}};
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(SrtpSession::opensslName(row.profile)) {
      SrtpSession out(keys(row.profile, 1), SrtpSession::Direction::Outbound);
      SrtpSession in(keys(row.profile, 1), SrtpSession::Direction::Inbound);
      SrtpSession wrongKey(keys(row.profile, 2), SrtpSession::Direction::Inbound);
      RtpSender sender(RtpSenderConfig{MediaKind::Audio, 4, 0xfeed, 111});
      for (int i = 0; i < 3; ++i) {
        std::vector<std::uint8_t> clear;
        std::vector<std::uint8_t> buf(400);
        std::size_t len = 0;
        sender.sendNext([&](std::span<std::uint8_t> p) {
          clear.assign(p.begin(), p.end());
          std::copy(p.begin(), p.end(), buf.begin());
          len = p.size();
        });
        BOOST_TEST(out.protect(buf.data(), len, buf.size(), false) == 0);
        BOOST_TEST(len == clear.size() + row.rtpTag);
        std::vector<std::uint8_t> tampered(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
        tampered[30] ^= 1;
        std::size_t tlen = tampered.size();
        BOOST_TEST(in.unprotect(tampered.data(), tlen, false) != 0);
        std::vector<std::uint8_t> copy(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
        std::size_t wlen = copy.size();
        BOOST_TEST(wrongKey.unprotect(copy.data(), wlen, false) != 0);
        std::vector<std::uint8_t> replay(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len));
        BOOST_TEST(in.unprotect(buf.data(), len, false) == 0);
        BOOST_TEST(len == clear.size());
        BOOST_TEST(std::equal(clear.begin(), clear.end(), buf.begin()));
        std::size_t rlen = replay.size();
        BOOST_TEST(in.unprotect(replay.data(), rlen, false) != 0);
      }
      // SRTCP: a receiver report (RFC 3550 §6.4.2) with no report blocks.
      std::vector<std::uint8_t> rtcp = {0x80, 201, 0, 1, 0, 0, 0xfe, 0xed};
      const std::vector<std::uint8_t> rtcpClear = rtcp;
      rtcp.resize(300);
      std::size_t rlen = 8;
      BOOST_TEST(out.protect(rtcp.data(), rlen, rtcp.size(), true) == 0);
      BOOST_TEST(rlen > 8u);
      BOOST_TEST(in.unprotect(rtcp.data(), rlen, true) == 0);
      BOOST_TEST(rlen == 8u);
      BOOST_TEST(std::equal(rtcpClear.begin(), rtcpClear.end(), rtcp.begin()));
    }
  }
}

BOOST_AUTO_TEST_CASE(profile_names) {
  BOOST_TEST((SrtpSession::parseProfile("SRTP_AEAD_AES_128_GCM") == SrtpProfile::AeadAes128Gcm));
  BOOST_TEST((SrtpSession::parseProfile("cm32") == SrtpProfile::Aes128CmSha1_32));
  BOOST_TEST((SrtpSession::parseProfile("AES_CM_128_HMAC_SHA1_80") == SrtpProfile::Aes128CmSha1_80));
  BOOST_TEST((SrtpSession::parseProfile("gcm256") == SrtpProfile::AeadAes256Gcm));
  BOOST_CHECK_THROW(SrtpSession::parseProfile("NULL_NULL"), std::invalid_argument);
  BOOST_TEST(SrtpSession::keyLength(SrtpProfile::AeadAes256Gcm) == 32u);
  BOOST_TEST(SrtpSession::saltLength(SrtpProfile::AeadAes128Gcm) == 12u);
  BOOST_TEST(SrtpSession::saltLength(SrtpProfile::Aes128CmSha1_32) == 14u);
}
