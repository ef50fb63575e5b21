// AES in Integer Counter Mode (RFC 3711 §4.1.1) on OpenSSL EVP AES-CTR, as a libsrtp2 cipher type. libsrtp passes
// key || 14-byte salt to init() and a 16-byte nonce (SSRC and packet index already placed) to set_iv(); the counter
// block is salt XOR nonce. The AES key schedule is done once in init(); set_iv() only loads the counter.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>

#include "dataplane/srtp/OpensslCipherCache.hpp"
#include "dataplane/srtp/OpensslTransforms.hpp"

namespace portunus::dp::openssl {
namespace {

constexpr int kSaltLength = SRTP_SALT_LEN;  // 14
constexpr int kBlockLength = 16;

struct IcmState {
  EVP_CIPHER_CTX* ctx = nullptr;
  const EVP_CIPHER* evp = nullptr;
  int key_length = 0;                       // AES key bytes: 16, 24 or 32
  unsigned char offset[kBlockLength] = {};  // salt, shifted left 16 bits (RFC 3711 §4.1.1)
};

struct IcmCipher {
  srtp_cipher_t cipher;
  IcmState state;
};

srtp_err_status_t icmAlloc(srtp_cipher_t** c, int key_len, int /*tag_len*/) {
  const srtp_cipher_type_t* type = nullptr;
  CipherId id{};
  switch (key_len) {
    case SRTP_AES_ICM_128_KEY_LEN_WSALT:
      type = &kAesIcm128, id = CipherId::AesCtr128;
      break;
    case SRTP_AES_ICM_192_KEY_LEN_WSALT:
      type = &kAesIcm192, id = CipherId::AesCtr192;
      break;
    case SRTP_AES_ICM_256_KEY_LEN_WSALT:
      type = &kAesIcm256, id = CipherId::AesCtr256;
      break;
    default:
      return srtp_err_status_bad_param;
  }
  const EVP_CIPHER* evp = fetchedCipher(id);
  if (evp == nullptr) return srtp_err_status_cipher_fail;
  auto* block = static_cast<IcmCipher*>(std::calloc(1, sizeof(IcmCipher)));
  if (block == nullptr) return srtp_err_status_alloc_fail;
  block->state.ctx = EVP_CIPHER_CTX_new();
  if (block->state.ctx == nullptr) {
    std::free(block);
    return srtp_err_status_alloc_fail;
  }
  block->state.evp = evp;
  block->state.key_length = key_len - kSaltLength;
  block->cipher.type = type;
  block->cipher.state = &block->state;
  block->cipher.key_len = key_len;
  block->cipher.algorithm = type->id;
  *c = &block->cipher;
  return srtp_err_status_ok;
}

srtp_err_status_t icmDealloc(srtp_cipher_t* c) {
  auto* block = reinterpret_cast<IcmCipher*>(c);
  EVP_CIPHER_CTX_free(block->state.ctx);
  OPENSSL_cleanse(block, sizeof(IcmCipher));
  std::free(block);
  return srtp_err_status_ok;
}

srtp_err_status_t icmInit(void* state, const uint8_t* key) {
  auto* s = static_cast<IcmState*>(state);
  std::memset(s->offset, 0, sizeof(s->offset));
  std::memcpy(s->offset, key + s->key_length, kSaltLength);
  if (EVP_EncryptInit_ex2(s->ctx, s->evp, key, nullptr, nullptr) != 1) return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t icmSetIv(void* state, uint8_t* iv, srtp_cipher_direction_t /*direction*/) {
  auto* s = static_cast<IcmState*>(state);
  unsigned char counter[kBlockLength];
  for (int i = 0; i < kBlockLength; ++i)
    counter[i] = static_cast<unsigned char>(s->offset[i] ^ iv[i]);
  // Cipher and key stay as scheduled; this only loads the counter block and resets the keystream position.
  if (EVP_EncryptInit_ex2(s->ctx, nullptr, nullptr, counter, nullptr) != 1) return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

// Encryption and decryption are the same keystream XOR; successive calls continue the keystream.
srtp_err_status_t icmCrypt(void* state, uint8_t* buffer, unsigned int* octets) {
  auto* s = static_cast<IcmState*>(state);
  int out_len = 0;
  if (EVP_EncryptUpdate(s->ctx, buffer, &out_len, buffer, static_cast<int>(*octets)) != 1) {
    return srtp_err_status_cipher_fail;
  }
  return srtp_err_status_ok;
}

// RFC 3711 Appendix B.2: session key, already-shifted salt, SSRC = index = 0; 48 octets of zeros encrypt to the
// keystream.
const uint8_t kB2KeyAndSalt[SRTP_AES_ICM_128_KEY_LEN_WSALT] = {
    0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f,
    0x3c, 0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd};
uint8_t kB2Nonce[16] = {};
const uint8_t kB2Zeros[48] = {};
const uint8_t kB2Keystream[48] = {0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1, 0x6d,
                                  0xd9, 0x2b, 0x4e, 0xb4, 0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02, 0xd0, 0xf7,
                                  0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab, 0x41, 0xe9, 0x5b, 0x3b,
                                  0xb0, 0xa2, 0xe8, 0xdd, 0x47, 0x79, 0x01, 0xe4, 0xfc, 0xa8, 0x94, 0xc0};

const srtp_cipher_test_case_t kRfc3711B2 = {SRTP_AES_ICM_128_KEY_LEN_WSALT,
                                            kB2KeyAndSalt,
                                            kB2Nonce,
                                            sizeof(kB2Zeros),
                                            kB2Zeros,
                                            sizeof(kB2Keystream),
                                            kB2Keystream,
                                            0,
                                            nullptr,
                                            0,
                                            nullptr};

}  // namespace

// libsrtp's own AES-ICM-192/256 vectors (exported by libsrtp2); RFC 3711 has none for the longer keys.
extern "C" const srtp_cipher_test_case_t srtp_aes_icm_192_test_case_0;
extern "C" const srtp_cipher_test_case_t srtp_aes_icm_256_test_case_0;

const srtp_cipher_type_t kAesIcm128 = {icmAlloc,    icmDealloc,      icmInit,
                                       nullptr,     icmCrypt,        icmCrypt,
                                       icmSetIv,    nullptr,         "AES-128 ICM using OpenSSL EVP",
                                       &kRfc3711B2, SRTP_AES_ICM_128};
const srtp_cipher_type_t kAesIcm192 = {icmAlloc,
                                       icmDealloc,
                                       icmInit,
                                       nullptr,
                                       icmCrypt,
                                       icmCrypt,
                                       icmSetIv,
                                       nullptr,
                                       "AES-192 ICM using OpenSSL EVP",
                                       &srtp_aes_icm_192_test_case_0,
                                       SRTP_AES_ICM_192};
const srtp_cipher_type_t kAesIcm256 = {icmAlloc,
                                       icmDealloc,
                                       icmInit,
                                       nullptr,
                                       icmCrypt,
                                       icmCrypt,
                                       icmSetIv,
                                       nullptr,
                                       "AES-256 ICM using OpenSSL EVP",
                                       &srtp_aes_icm_256_test_case_0,
                                       SRTP_AES_ICM_256};

}  // namespace portunus::dp::openssl
