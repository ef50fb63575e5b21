// AES-GCM for SRTP/SRTCP (RFC 7714) on OpenSSL EVP, as a libsrtp2 cipher type. libsrtp forms the 12-byte IV itself
// (salt XOR SSRC/ROC/SEQ, §8.1) and hands it to set_iv(); AAD is the RTP header, or the SRTCP header plus E||index.
// In-place: encrypt() leaves the length alone and get_tag() appends the tag; decrypt() takes ciphertext || tag and
// returns the plaintext length. The key schedule (and GHASH key) is done once in init(); set_iv() only loads the IV.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>

#include "dataplane/srtp/OpensslCipherCache.hpp"
#include "dataplane/srtp/OpensslTransforms.hpp"

namespace portunus::dp::openssl {
namespace {

constexpr int kFullTag = 16;
constexpr int kShortTag = 8;  // libsrtp's *_8_auth policies

struct GcmState {
  EVP_CIPHER_CTX* ctx = nullptr;
  const EVP_CIPHER* evp = nullptr;
  int tag_length = kFullTag;
  srtp_cipher_direction_t direction = srtp_direction_any;
};

struct GcmCipher {
  srtp_cipher_t cipher;
  GcmState state;
};

srtp_err_status_t gcmAlloc(srtp_cipher_t** c, int key_len, int tag_len) {
  const srtp_cipher_type_t* type = nullptr;
  CipherId id{};
  switch (key_len) {  // libsrtp passes key + 12-byte salt; the salt is its business (IV formation)
    case SRTP_AES_GCM_128_KEY_LEN_WSALT:
      type = &kAesGcm128, id = CipherId::AesGcm128;
      break;
    case SRTP_AES_GCM_256_KEY_LEN_WSALT:
      type = &kAesGcm256, id = CipherId::AesGcm256;
      break;
    default:
      return srtp_err_status_bad_param;
  }
  if (tag_len != kFullTag && tag_len != kShortTag) return srtp_err_status_bad_param;
  const EVP_CIPHER* evp = fetchedCipher(id);
  if (evp == nullptr) return srtp_err_status_cipher_fail;
  auto* block = static_cast<GcmCipher*>(std::calloc(1, sizeof(GcmCipher)));
  if (block == nullptr) return srtp_err_status_alloc_fail;
  block->state.ctx = EVP_CIPHER_CTX_new();
  if (block->state.ctx == nullptr) {
    std::free(block);
    return srtp_err_status_alloc_fail;
  }
  block->state.evp = evp;
  block->state.tag_length = tag_len;
  block->state.direction = srtp_direction_any;
  block->cipher.type = type;
  block->cipher.state = &block->state;
  block->cipher.key_len = key_len;
  block->cipher.algorithm = type->id;  // srtp.c takes its AEAD path on this
  *c = &block->cipher;
  return srtp_err_status_ok;
}

srtp_err_status_t gcmDealloc(srtp_cipher_t* c) {
  auto* block = reinterpret_cast<GcmCipher*>(c);
  EVP_CIPHER_CTX_free(block->state.ctx);
  OPENSSL_cleanse(block, sizeof(GcmCipher));
  std::free(block);
  return srtp_err_status_ok;
}

srtp_err_status_t gcmInit(void* state, const uint8_t* key) {
  auto* s = static_cast<GcmState*>(state);
  s->direction = srtp_direction_any;
  if (EVP_CipherInit_ex2(s->ctx, s->evp, key, nullptr, 1, nullptr) != 1) return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t gcmSetIv(void* state, uint8_t* iv, srtp_cipher_direction_t direction) {
  auto* s = static_cast<GcmState*>(state);
  if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
  s->direction = direction;
  // Key stays scheduled; this loads the 12-byte IV (the default GCM IV length) and starts a new message.
  if (EVP_CipherInit_ex2(s->ctx, nullptr, nullptr, iv, direction == srtp_direction_encrypt ? 1 : 0, nullptr) != 1) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcmSetAad(void* state, const uint8_t* aad, uint32_t aad_len) {
  auto* s = static_cast<GcmState*>(state);
  int out_len = 0;
  if (EVP_CipherUpdate(s->ctx, nullptr, &out_len, aad, static_cast<int>(aad_len)) != 1) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcmEncrypt(void* state, uint8_t* buffer, unsigned int* octets) {
  auto* s = static_cast<GcmState*>(state);
  if (s->direction != srtp_direction_encrypt) return srtp_err_status_bad_param;
  int out_len = 0;
  if (EVP_CipherUpdate(s->ctx, buffer, &out_len, buffer, static_cast<int>(*octets)) != 1) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

srtp_err_status_t gcmGetTag(void* state, uint8_t* tag, uint32_t* len) {
  auto* s = static_cast<GcmState*>(state);
  unsigned char unused[16];  // GCM's final produces no bytes
  int out_len = 0;
  if (EVP_CipherFinal_ex(s->ctx, unused, &out_len) != 1) return srtp_err_status_cipher_fail;
  if (EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_AEAD_GET_TAG, s->tag_length, tag) != 1) {
    return srtp_err_status_cipher_fail;
  }
  *len = static_cast<uint32_t>(s->tag_length);
  return srtp_err_status_ok;
}

srtp_err_status_t gcmDecrypt(void* state, uint8_t* buffer, unsigned int* octets) {
  auto* s = static_cast<GcmState*>(state);
  if (s->direction != srtp_direction_decrypt) return srtp_err_status_bad_param;
  const auto tag_length = static_cast<unsigned int>(s->tag_length);
  if (*octets < tag_length) return srtp_err_status_bad_param;
  const unsigned int text_length = *octets - tag_length;
  if (EVP_CIPHER_CTX_ctrl(s->ctx, EVP_CTRL_AEAD_SET_TAG, s->tag_length, buffer + text_length) != 1) {
    return srtp_err_status_cipher_fail;
  }
  int out_len = 0;
  if (EVP_CipherUpdate(s->ctx, buffer, &out_len, buffer, static_cast<int>(text_length)) != 1) {
    return srtp_err_status_cipher_fail;
  }
  unsigned char unused[16];
  if (EVP_CipherFinal_ex(s->ctx, unused, &out_len) != 1) return srtp_err_status_auth_fail;
  *octets = text_length;
  return srtp_err_status_ok;
}

// RFC 7714 §16.1.1 / §16.2.1: session key 00..0f (00..1f), IV 51753c65..., AAD = the RTP header, payload "Gallia est
// omnis divisa in partes tres"; ciphertext || tag. libsrtp's test harness reads key_len bytes (key + salt) from `key`.
const uint8_t kKeys[SRTP_AES_GCM_256_KEY_LEN_WSALT] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
    0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
    0x1e, 0x1f, 0x51, 0x75, 0x69, 0x64, 0x20, 0x70, 0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f};
uint8_t kIv[12] = {0x51, 0x75, 0x3c, 0x65, 0x80, 0xc2, 0x72, 0x6f, 0x20, 0x71, 0x84, 0x14};
const uint8_t kAad[12] = {0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3, 0x55, 0x01, 0xa0, 0xb2};
const uint8_t kPlaintext[38] = {0x47, 0x61, 0x6c, 0x6c, 0x69, 0x61, 0x20, 0x65, 0x73, 0x74, 0x20, 0x6f, 0x6d,
                                0x6e, 0x69, 0x73, 0x20, 0x64, 0x69, 0x76, 0x69, 0x73, 0x61, 0x20, 0x69, 0x6e,
                                0x20, 0x70, 0x61, 0x72, 0x74, 0x65, 0x73, 0x20, 0x74, 0x72, 0x65, 0x73};
const uint8_t kCiphertext128[54] = {0xf2, 0x4d, 0xe3, 0xa3, 0xfb, 0x34, 0xde, 0x6c, 0xac, 0xba, 0x86, 0x1c, 0x9d, 0x7e,
                                    0x4b, 0xca, 0xbe, 0x63, 0x3b, 0xd5, 0x0d, 0x29, 0x4e, 0x6f, 0x42, 0xa5, 0xf4, 0x7a,
                                    0x51, 0xc7, 0xd1, 0x9b, 0x36, 0xde, 0x3a, 0xdf, 0x88, 0x33, 0x89, 0x9d, 0x7f, 0x27,
                                    0xbe, 0xb1, 0x6a, 0x91, 0x52, 0xcf, 0x76, 0x5e, 0xe4, 0x39, 0x0c, 0xce};
const uint8_t kCiphertext256[54] = {0x32, 0xb1, 0xde, 0x78, 0xa8, 0x22, 0xfe, 0x12, 0xef, 0x9f, 0x78, 0xfa, 0x33, 0x2e,
                                    0x33, 0xaa, 0xb1, 0x80, 0x12, 0x38, 0x9a, 0x58, 0xe2, 0xf3, 0xb5, 0x0b, 0x2a, 0x02,
                                    0x76, 0xff, 0xae, 0x0f, 0x1b, 0xa6, 0x37, 0x99, 0xb8, 0x7b, 0x7a, 0xa3, 0xdb, 0x36,
                                    0xdf, 0xff, 0xd6, 0xb0, 0xf9, 0xbb, 0x78, 0x78, 0xd7, 0xa7, 0x6c, 0x13};

// The 128-bit vector takes key 00..0f followed by the salt; build that layout from the same bytes.
const uint8_t kKey128WithSalt[SRTP_AES_GCM_128_KEY_LEN_WSALT] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
    0x0e, 0x0f, 0x51, 0x75, 0x69, 0x64, 0x20, 0x70, 0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f};

const srtp_cipher_test_case_t kRfc7714_16_1 = {SRTP_AES_GCM_128_KEY_LEN_WSALT,
                                               kKey128WithSalt,
                                               kIv,
                                               sizeof(kPlaintext),
                                               kPlaintext,
                                               sizeof(kCiphertext128),
                                               kCiphertext128,
                                               sizeof(kAad),
                                               kAad,
                                               kFullTag,
                                               nullptr};
const srtp_cipher_test_case_t kRfc7714_16_2 = {SRTP_AES_GCM_256_KEY_LEN_WSALT,
                                               kKeys,
                                               kIv,
                                               sizeof(kPlaintext),
                                               kPlaintext,
                                               sizeof(kCiphertext256),
                                               kCiphertext256,
                                               sizeof(kAad),
                                               kAad,
                                               kFullTag,
                                               nullptr};

}  // namespace

const srtp_cipher_type_t kAesGcm128 = {gcmAlloc,       gcmDealloc,      gcmInit,
                                       gcmSetAad,      gcmEncrypt,      gcmDecrypt,
                                       gcmSetIv,       gcmGetTag,       "AES-128 GCM using OpenSSL EVP",
                                       &kRfc7714_16_1, SRTP_AES_GCM_128};
const srtp_cipher_type_t kAesGcm256 = {gcmAlloc,       gcmDealloc,      gcmInit,
                                       gcmSetAad,      gcmEncrypt,      gcmDecrypt,
                                       gcmSetIv,       gcmGetTag,       "AES-256 GCM using OpenSSL EVP",
                                       &kRfc7714_16_2, SRTP_AES_GCM_256};

}  // namespace portunus::dp::openssl
