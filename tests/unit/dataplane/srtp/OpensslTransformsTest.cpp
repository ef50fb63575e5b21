// The OpenSSL-backed libsrtp2 transforms against published vectors, byte for byte: RFC 3711 B.2 (AES-CM keystream) and
// B.3 (key derivation, which libsrtp runs on our AES-ICM), RFC 7714 §16 (SRTP) and §17 (SRTCP) for AES-GCM-128/256,
// RFC 2202 for HMAC-SHA1; AES-ICM-192/256 (no RFC vector) against libsrtp2's own built-in transform.
#define BOOST_TEST_MODULE dataplane_srtp_openssl_transforms
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <random>
#include <vector>

#include "dataplane/srtp/LibsrtpRuntime.hpp"
#include "dataplane/srtp/OpensslTransforms.hpp"
#include "tests/unit/dataplane/srtp/SrtpTestPackets.hpp"

extern "C" const srtp_cipher_type_t srtp_aes_icm_192;  // libsrtp2's built-in (NSS) transforms, exported
extern "C" const srtp_cipher_type_t srtp_aes_icm_256;

namespace portunus::dp::openssl {
namespace {

using test::hex;
using Bytes = std::vector<std::uint8_t>;

class Cipher {
 public:
  Cipher(const srtp_cipher_type_t& type, int key_len, int tag_len, const Bytes& key) {
    BOOST_REQUIRE(srtp_cipher_type_alloc(&type, &cipher_, key_len, tag_len) == srtp_err_status_ok);
    BOOST_REQUIRE(srtp_cipher_init(cipher_, key.data()) == srtp_err_status_ok);
  }
  ~Cipher() { srtp_cipher_dealloc(cipher_); }
  Cipher(const Cipher&) = delete;
  Cipher& operator=(const Cipher&) = delete;
  srtp_cipher_t* get() const { return cipher_; }

 private:
  srtp_cipher_t* cipher_ = nullptr;
};

Bytes keystream(srtp_cipher_t* cipher, Bytes nonce, std::size_t length) {
  BOOST_REQUIRE(srtp_cipher_set_iv(cipher, nonce.data(), srtp_direction_encrypt) == srtp_err_status_ok);
  Bytes out(length, 0);
  auto octets = static_cast<uint32_t>(length);
  BOOST_REQUIRE(srtp_cipher_encrypt(cipher, out.data(), &octets) == srtp_err_status_ok);
  return out;
}

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

BOOST_AUTO_TEST_CASE(rfc3711_b2_aes_cm_keystream) {
  // Session key, session salt (SSRC = 0, index = 0, so the counter is the salt followed by 0000).
  Cipher cipher(kAesIcm128, SRTP_AES_ICM_128_KEY_LEN_WSALT, 0,
                hex("2B7E151628AED2A6ABF7158809CF4F3C F0F1F2F3F4F5F6F7F8F9FAFBFCFD"));
  const Bytes stream = keystream(cipher.get(), Bytes(16, 0), 1044512);  // the full 65282-block segment
  const Bytes head(stream.begin(), stream.begin() + 48);
  const Bytes tail(stream.end() - 48, stream.end());
  BOOST_TEST(head == hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                         "41E95B3BB0A2E8DD477901E4FCA894C0"),
             boost::test_tools::per_element());
  BOOST_TEST(tail == hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
                         "6A2CC3787889374FBEB4C81B17BA6C44"),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rfc3711_b3_key_derivation) {
  // libsrtp2's KDF (RFC 3711 §4.3.1) is AES-ICM keyed with the master key, with the label XORed into byte 7 of the
  // 14-byte salt (key_id = label || r with r = 0); that is exactly this cipher with nonce[7] = label.
  Cipher kdf(kAesIcm128, SRTP_AES_ICM_128_KEY_LEN_WSALT, 0,
             hex("E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6"));
  struct Row {
    std::uint8_t label;
    Bytes expected;
  };
  const Row rows[] = {
      {0x00, hex("C61E7A93744F39EE10734AFE3FF7A087")},  // cipher key
      {0x02, hex("30CBBC08863D8C85D49DB34A9AE1")},      // cipher salt
      {0x01, hex("CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
                 "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
                 "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2")},  // auth key, 94 octets
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT("label " << int(row.label)) {
      Bytes nonce(16, 0);
      nonce[7] = row.label;
      BOOST_TEST(keystream(kdf.get(), nonce, row.expected.size()) == row.expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(aes_icm_192_and_256_match_libsrtp_builtin) {
  std::mt19937 rng(7);
  struct Row {
    const srtp_cipher_type_t* ours;
    const srtp_cipher_type_t* stock;
    int key_len;
  };
  const Row rows[] = {{&kAesIcm192, &srtp_aes_icm_192, SRTP_AES_ICM_192_KEY_LEN_WSALT},
                      {&kAesIcm256, &srtp_aes_icm_256, SRTP_AES_ICM_256_KEY_LEN_WSALT}};
  for (const auto& row : rows) {
    for (int trial = 0; trial < 20; ++trial) {
      Bytes key(static_cast<std::size_t>(row.key_len));
      Bytes nonce(16);
      for (auto& b : key)
        b = static_cast<std::uint8_t>(rng());
      for (auto& b : nonce)
        b = static_cast<std::uint8_t>(rng());
      const std::size_t length = 1 + rng() % 1500;
      Cipher ours(*row.ours, row.key_len, 0, key);
      Cipher stock(*row.stock, row.key_len, 0, key);
      BOOST_TEST(keystream(ours.get(), nonce, length) == keystream(stock.get(), nonce, length));
    }
  }
}

// RFC 7714 §16/§17 vectors use session keys directly (below the KDF): key 00..0f or 00..1f, salt "Quid pro quo".
const Bytes kSalt = hex("517569642070726f2071756f");
const Bytes kKey128 = hex("000102030405060708090a0b0c0d0e0f");
const Bytes kKey256 = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

Bytes gcmIv(std::uint32_t ssrc, std::uint64_t index_or_roc_seq, bool rtcp) {
  // RFC 7714 §8.1 (SRTP: 00 00 | SSRC | ROC | SEQ) and §9.1 (SRTCP: 00 00 | SSRC | 00 00 | 0 | index), XOR salt.
  Bytes iv(12, 0);
  for (int i = 0; i < 4; ++i)
    iv[2 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  const int index_bytes = rtcp ? 4 : 6;
  for (int i = 0; i < index_bytes; ++i) {
    iv[12 - index_bytes + i] = static_cast<std::uint8_t>(index_or_roc_seq >> (8 * (index_bytes - 1 - i)));
  }
  for (std::size_t i = 0; i < 12; ++i)
    iv[i] ^= kSalt[i];
  return iv;
}

struct GcmRow {
  const char* name;
  const srtp_cipher_type_t* type;
  int key_len;
  Bytes key;
  Bytes aad;        // AAD pieces, fed in order
  Bytes aad_tail;   // SRTCP: E || index trailer (second set_aad call, as libsrtp does)
  Bytes plaintext;  // what gets encrypted (empty for the tag-only vector)
  Bytes iv;
  Bytes expected;  // ciphertext || tag
};

void checkGcm(const GcmRow& row) {
  BOOST_TEST_CONTEXT(row.name) {
    const Bytes key_with_salt = concat(row.key, kSalt);
    Cipher cipher(*row.type, row.key_len, 16, key_with_salt);

    Bytes buffer = row.plaintext;
    buffer.resize(row.plaintext.size() + 16);
    Bytes iv = row.iv;
    BOOST_REQUIRE(srtp_cipher_set_iv(cipher.get(), iv.data(), srtp_direction_encrypt) == srtp_err_status_ok);
    BOOST_REQUIRE(srtp_cipher_set_aad(cipher.get(), row.aad.data(), static_cast<uint32_t>(row.aad.size())) ==
                  srtp_err_status_ok);
    if (!row.aad_tail.empty()) {
      BOOST_REQUIRE(srtp_cipher_set_aad(cipher.get(), row.aad_tail.data(),
                                        static_cast<uint32_t>(row.aad_tail.size())) == srtp_err_status_ok);
    }
    auto length = static_cast<uint32_t>(row.plaintext.size());
    BOOST_REQUIRE(srtp_cipher_encrypt(cipher.get(), buffer.data(), &length) == srtp_err_status_ok);
    BOOST_TEST(length == row.plaintext.size());
    uint32_t tag_length = 0;
    BOOST_REQUIRE(srtp_cipher_get_tag(cipher.get(), buffer.data() + length, &tag_length) == srtp_err_status_ok);
    BOOST_TEST(tag_length == 16U);
    BOOST_TEST(buffer == row.expected, boost::test_tools::per_element());

    // Decrypt (ciphertext || tag in, plaintext out), then a flipped bit anywhere must fail authentication.
    for (std::size_t flip = 0; flip <= row.expected.size(); ++flip) {
      Bytes input = row.expected;
      if (flip < input.size()) input[flip] ^= 0x01;
      iv = row.iv;
      BOOST_REQUIRE(srtp_cipher_set_iv(cipher.get(), iv.data(), srtp_direction_decrypt) == srtp_err_status_ok);
      BOOST_REQUIRE(srtp_cipher_set_aad(cipher.get(), row.aad.data(), static_cast<uint32_t>(row.aad.size())) ==
                    srtp_err_status_ok);
      if (!row.aad_tail.empty()) {
        BOOST_REQUIRE(srtp_cipher_set_aad(cipher.get(), row.aad_tail.data(),
                                          static_cast<uint32_t>(row.aad_tail.size())) == srtp_err_status_ok);
      }
      auto in_length = static_cast<uint32_t>(input.size());
      const auto status = srtp_cipher_decrypt(cipher.get(), input.data(), &in_length);
      if (flip == input.size()) {
        BOOST_TEST(status == srtp_err_status_ok);
        BOOST_TEST(in_length == row.plaintext.size());
        input.resize(in_length);
        BOOST_TEST(input == row.plaintext, boost::test_tools::per_element());
      } else {
        BOOST_TEST(status == srtp_err_status_auth_fail, "flipped byte " << flip);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(rfc7714_16_srtp_aead_vectors) {
  const Bytes header = hex("8040f17b8041f8d35501a0b2");
  const Bytes payload = hex("47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
  const Bytes iv = gcmIv(0x5501a0b2, 0xf17b, false);
  BOOST_TEST(iv == hex("51753c6580c2726f20718414"), boost::test_tools::per_element());  // §16.1.1's IV
  checkGcm({"16.1.1 AEAD_AES_128_GCM",
            &kAesGcm128,
            SRTP_AES_GCM_128_KEY_LEN_WSALT,
            kKey128,
            header,
            {},
            payload,
            iv,
            hex("f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
                "899d7f27beb16a9152cf765ee4390cce")});
  checkGcm({"16.2.1 AEAD_AES_256_GCM",
            &kAesGcm256,
            SRTP_AES_GCM_256_KEY_LEN_WSALT,
            kKey256,
            header,
            {},
            payload,
            iv,
            hex("32b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b"
                "7aa3db36dfffd6b0f9bb7878d7a76c13")});
}

BOOST_AUTO_TEST_CASE(rfc7714_17_srtcp_aead_vectors) {
  // The SRTCP packet of §17.1-17.3 (sender SSRC "Mars"), SRTCP index 0x5d4.
  const Bytes rtcp =
      hex("81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
          "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef");
  const Bytes header(rtcp.begin(), rtcp.begin() + 8);
  const Bytes body(rtcp.begin() + 8, rtcp.end());
  const Bytes iv = gcmIv(0x4d617273, 0x5d4, true);
  // Protected packets as printed: header | ciphertext | tag | E||index.
  const Bytes srtcp128 =
      hex("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda"
          "4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
  const Bytes srtcp256 =
      hex("81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be"
          "8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4");
  const Bytes tag_only128 = hex("841dd9683dd78ec92ae58790125f62b3");  // §17.3: E = 0, whole packet is AAD
  auto middle = [](const Bytes& packet) { return Bytes(packet.begin() + 8, packet.end() - 4); };
  BOOST_TEST(Bytes(srtcp128.end() - 4, srtcp128.end()) == hex("800005d4"), boost::test_tools::per_element());

  checkGcm({"17.1 AEAD_AES_128_GCM", &kAesGcm128, SRTP_AES_GCM_128_KEY_LEN_WSALT, kKey128, header, hex("800005d4"),
            body, iv, middle(srtcp128)});
  checkGcm({"17.2 AEAD_AES_256_GCM", &kAesGcm256, SRTP_AES_GCM_256_KEY_LEN_WSALT, kKey256, header, hex("800005d4"),
            body, iv, middle(srtcp256)});
  checkGcm({"17.3 AEAD_AES_128_GCM tag only", &kAesGcm128, SRTP_AES_GCM_128_KEY_LEN_WSALT, kKey128, rtcp,
            hex("000005d4"), Bytes{}, iv, tag_only128});
}

BOOST_AUTO_TEST_CASE(rfc2202_hmac_sha1) {
  struct Row {
    Bytes key;
    Bytes data;
    Bytes digest;
  };
  const Row rows[] = {
      {Bytes(20, 0x0b), hex("4869205468657265"), hex("b617318655057264e28bc0b6fb378c8ef146be00")},
      {hex("4a656665"), hex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
       hex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")},
      {Bytes(20, 0xaa), Bytes(50, 0xdd), hex("125d7342b9ac11cd91a39af48aa17b4f63f175d3")},
      {hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
       Bytes(50, 0xcd),  // case 4: 25-byte key is too long
       {}},              // for SRTP; refused below
  };
  for (const auto& row : rows) {
    srtp_auth_t* auth = nullptr;
    const auto key_len = static_cast<int>(row.key.size());
    if (row.digest.empty()) {
      BOOST_TEST(kHmacSha1.alloc(&auth, key_len, 20) == srtp_err_status_bad_param);
      continue;
    }
    for (int tag_len : {20, 10, 4}) {  // full digest, SHA1_80, SHA1_32
      BOOST_REQUIRE(kHmacSha1.alloc(&auth, key_len, tag_len) == srtp_err_status_ok);
      BOOST_REQUIRE(srtp_auth_init(auth, row.key.data()) == srtp_err_status_ok);
      for (int round = 0; round < 2; ++round) {  // start() resets: the same tag twice, split across update()
        Bytes tag(static_cast<std::size_t>(tag_len));
        BOOST_REQUIRE(srtp_auth_start(auth) == srtp_err_status_ok);
        const int split = round == 0 ? 0 : static_cast<int>(row.data.size() / 3);
        BOOST_REQUIRE(srtp_auth_update(auth, row.data.data(), split) == srtp_err_status_ok);
        BOOST_REQUIRE(srtp_auth_compute(auth, row.data.data() + split, static_cast<int>(row.data.size()) - split,
                                        tag.data()) == srtp_err_status_ok);
        BOOST_TEST(tag == Bytes(row.digest.begin(), row.digest.begin() + tag_len), boost::test_tools::per_element());
      }
      BOOST_TEST(srtp_auth_dealloc(auth) == srtp_err_status_ok);
    }
  }
}

BOOST_AUTO_TEST_CASE(libsrtp_self_tests_pass_and_our_types_are_installed) {
  // libsrtp2's own harness: each type's test vectors plus its randomized encrypt/decrypt round trips.
  for (const auto* type : {&kAesIcm128, &kAesIcm192, &kAesIcm256, &kAesGcm128, &kAesGcm256}) {
    BOOST_TEST_CONTEXT(type->description) {
      BOOST_TEST(srtp_cipher_type_self_test(type) == srtp_err_status_ok);
    }
  }
  BOOST_TEST(srtp_auth_type_self_test(&kHmacSha1) == srtp_err_status_ok);

  ensureLibsrtpInitialized();
  BOOST_TEST(opensslTransformsRegistered());
  registerOpensslTransforms();  // idempotent
  BOOST_TEST(opensslTransformsRegistered());
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_refused) {
  srtp_cipher_t* cipher = nullptr;
  BOOST_TEST(kAesIcm128.alloc(&cipher, 16, 0) == srtp_err_status_bad_param);  // key without salt
  BOOST_TEST(kAesGcm128.alloc(&cipher, SRTP_AES_GCM_128_KEY_LEN_WSALT, 12) == srtp_err_status_bad_param);
  BOOST_TEST(kAesGcm256.alloc(&cipher, SRTP_AES_ICM_256_KEY_LEN_WSALT, 16) == srtp_err_status_bad_param);

  // GCM: decrypting with an encrypt IV, or less than a tag, is a parameter error, not a crash.
  Cipher gcm(kAesGcm128, SRTP_AES_GCM_128_KEY_LEN_WSALT, 16, concat(kKey128, kSalt));
  Bytes iv(12, 0);
  Bytes buffer(8, 0);
  uint32_t length = 8;
  BOOST_REQUIRE(srtp_cipher_set_iv(gcm.get(), iv.data(), srtp_direction_encrypt) == srtp_err_status_ok);
  BOOST_TEST(srtp_cipher_decrypt(gcm.get(), buffer.data(), &length) == srtp_err_status_bad_param);
  BOOST_REQUIRE(srtp_cipher_set_iv(gcm.get(), iv.data(), srtp_direction_decrypt) == srtp_err_status_ok);
  BOOST_TEST(srtp_cipher_decrypt(gcm.get(), buffer.data(), &length) == srtp_err_status_bad_param);
  BOOST_TEST(srtp_cipher_set_iv(gcm.get(), iv.data(), srtp_direction_any) == srtp_err_status_bad_param);
}

}  // namespace
}  // namespace portunus::dp::openssl
