// HMAC-SHA1 (RFC 2104, SRTP's default authentication, RFC 3711 §4.2.1) as a libsrtp2 auth type, on OpenSSL's SHA-1
// block function. The inner and outer pad states are hashed once in init(); per packet start() copies the inner state
// (a plain struct copy) and compute() finishes inner then outer. Why not EVP_MAC or EVP_MD_CTX: in OpenSSL 3.0 every
// re-init of a keyed HMAC and every EVP_MD_CTX_copy_ex duplicates the provider's digest context (dupctx → malloc), i.e.
// one allocation per packet; the SHA_CTX API (deprecated in 3.0, still the same assembly incl. SHA-NI) does not.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <cstring>

#include "dataplane/srtp/OpensslTransforms.hpp"

namespace portunus::dp::openssl {
namespace {

constexpr int kBlockLength = SHA_CBLOCK;          // 64
constexpr int kDigestLength = SHA_DIGEST_LENGTH;  // 20

struct HmacState {
  SHA_CTX inner;  // H(K ^ ipad) absorbed
  SHA_CTX outer;  // H(K ^ opad) absorbed
  SHA_CTX work;
};

struct HmacAuth {
  srtp_auth_t auth;
  HmacState state;
};

srtp_err_status_t hmacAlloc(srtp_auth_t** a, int key_len, int out_len) {
  // SRTP uses a 160-bit key (RFC 3711 §4.2.1) and at most the full 20-byte digest.
  if (key_len < 0 || key_len > kDigestLength || out_len < 0 || out_len > kDigestLength) {
    return srtp_err_status_bad_param;
  }
  auto* block = static_cast<HmacAuth*>(std::calloc(1, sizeof(HmacAuth)));
  if (block == nullptr) return srtp_err_status_alloc_fail;
  block->auth.type = &kHmacSha1;
  block->auth.state = &block->state;
  block->auth.out_len = out_len;
  block->auth.key_len = key_len;
  block->auth.prefix_len = 0;
  *a = &block->auth;
  return srtp_err_status_ok;
}

srtp_err_status_t hmacDealloc(srtp_auth_t* a) {
  auto* block = reinterpret_cast<HmacAuth*>(a);
  OPENSSL_cleanse(block, sizeof(HmacAuth));
  std::free(block);
  return srtp_err_status_ok;
}

srtp_err_status_t hmacInit(void* state, const uint8_t* key, int key_len) {
  auto* s = static_cast<HmacState*>(state);
  if (key_len < 0 || key_len > kBlockLength) return srtp_err_status_bad_param;
  unsigned char ipad[kBlockLength];
  unsigned char opad[kBlockLength];
  std::memset(ipad, 0x36, sizeof(ipad));
  std::memset(opad, 0x5c, sizeof(opad));
  for (int i = 0; i < key_len; ++i) {
    ipad[i] ^= key[i];
    opad[i] ^= key[i];
  }
  const bool ok = SHA1_Init(&s->inner) == 1 && SHA1_Update(&s->inner, ipad, sizeof(ipad)) == 1 &&
                  SHA1_Init(&s->outer) == 1 && SHA1_Update(&s->outer, opad, sizeof(opad)) == 1;
  OPENSSL_cleanse(ipad, sizeof(ipad));
  OPENSSL_cleanse(opad, sizeof(opad));
  s->work = s->inner;
  return ok ? srtp_err_status_ok : srtp_err_status_init_fail;
}

srtp_err_status_t hmacStart(void* state) {
  auto* s = static_cast<HmacState*>(state);
  s->work = s->inner;
  return srtp_err_status_ok;
}

srtp_err_status_t hmacUpdate(void* state, const uint8_t* message, int octets) {
  auto* s = static_cast<HmacState*>(state);
  if (octets < 0) return srtp_err_status_bad_param;
  if (SHA1_Update(&s->work, message, static_cast<std::size_t>(octets)) != 1) return srtp_err_status_auth_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t hmacCompute(void* state, const uint8_t* message, int octets, int tag_len, uint8_t* result) {
  auto* s = static_cast<HmacState*>(state);
  if (octets < 0 || tag_len < 0 || tag_len > kDigestLength) return srtp_err_status_bad_param;
  unsigned char digest[kDigestLength];
  if (SHA1_Update(&s->work, message, static_cast<std::size_t>(octets)) != 1 || SHA1_Final(digest, &s->work) != 1) {
    return srtp_err_status_auth_fail;
  }
  s->work = s->outer;
  if (SHA1_Update(&s->work, digest, sizeof(digest)) != 1 || SHA1_Final(digest, &s->work) != 1) {
    return srtp_err_status_auth_fail;
  }
  std::memcpy(result, digest, static_cast<std::size_t>(tag_len));
  return srtp_err_status_ok;
}

// RFC 2202 §3 test cases 1-3 (HMAC-SHA1).
const uint8_t kKey1[20] = {0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
                           0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b};
const uint8_t kData1[8] = {'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'};
const uint8_t kTag1[20] = {0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
                           0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00};
const uint8_t kKey2[4] = {'J', 'e', 'f', 'e'};
const uint8_t kData2[28] = {'w', 'h', 'a', 't', ' ', 'd', 'o', ' ', 'y', 'a', ' ', 'w', 'a', 'n',
                            't', ' ', 'f', 'o', 'r', ' ', 'n', 'o', 't', 'h', 'i', 'n', 'g', '?'};
const uint8_t kTag2[20] = {0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
                           0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79};
const uint8_t kKey3[20] = {0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
                           0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa};
const uint8_t kData3[50] = {0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd,
                            0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd,
                            0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd,
                            0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd};
const uint8_t kTag3[20] = {0x12, 0x5d, 0x73, 0x42, 0xb9, 0xac, 0x11, 0xcd, 0x91, 0xa3,
                           0x9a, 0xf4, 0x8a, 0xa1, 0x7b, 0x4f, 0x63, 0xf1, 0x75, 0xd3};

const srtp_auth_test_case_t kRfc2202Case3 = {sizeof(kKey3), kKey3, sizeof(kData3), kData3,
                                             sizeof(kTag3), kTag3, nullptr};
const srtp_auth_test_case_t kRfc2202Case2 = {sizeof(kKey2), kKey2, sizeof(kData2), kData2,
                                             sizeof(kTag2), kTag2, &kRfc2202Case3};
const srtp_auth_test_case_t kRfc2202Case1 = {sizeof(kKey1), kKey1, sizeof(kData1), kData1,
                                             sizeof(kTag1), kTag1, &kRfc2202Case2};

}  // namespace

const srtp_auth_type_t kHmacSha1 = {hmacAlloc,
                                    hmacDealloc,
                                    hmacInit,
                                    hmacCompute,
                                    hmacUpdate,
                                    hmacStart,
                                    "HMAC-SHA1 using OpenSSL SHA-1 with precomputed pads",
                                    &kRfc2202Case1,
                                    SRTP_HMAC_SHA1};

}  // namespace portunus::dp::openssl
