// libsrtp2 transforms backed by OpenSSL 3 (DESIGN §5): AES-ICM (128/192/256, also libsrtp's KDF), AES-GCM (128/256)
// and HMAC-SHA1, registered in place of the built-in (NSS on Debian) ones with srtp_replace_cipher_type() /
// srtp_replace_auth_type(). Keys are scheduled once in init(); per packet only the IV/nonce is set; nothing allocates
// after init.
#pragma once

#include <srtp2/auth.h>
#include <srtp2/cipher.h>

namespace portunus::dp::openssl {

// One type object per libsrtp id: the crypto kernel refuses one object registered under two ids.
extern const srtp_cipher_type_t kAesIcm128;
extern const srtp_cipher_type_t kAesIcm192;
extern const srtp_cipher_type_t kAesIcm256;
extern const srtp_cipher_type_t kAesGcm128;
extern const srtp_cipher_type_t kAesGcm256;
extern const srtp_auth_type_t kHmacSha1;

/** Registers the types above with libsrtp's crypto kernel (which self-tests each against our RFC vectors and against
 *  the replaced type's own test data). Requires srtp_init(); idempotent; control side only, not thread-safe;
 *  throws std::runtime_error naming the type that failed. */
void registerOpensslTransforms();

/** True if the crypto kernel currently hands out our types for every id above. */
bool opensslTransformsRegistered() noexcept;

}  // namespace portunus::dp::openssl
