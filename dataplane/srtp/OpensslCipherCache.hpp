// The OpenSSL cipher implementations our libsrtp2 transforms use, fetched from the default provider once per process
// (an explicit fetch, so no per-context implicit fetch/lookup) and kept for the process's lifetime.
#pragma once

#include <openssl/evp.h>

#include <cstdint>

namespace portunus::dp::openssl {

enum class CipherId : std::uint8_t { AesCtr128, AesCtr192, AesCtr256, AesGcm128, AesGcm256 };

/** The fetched cipher, or nullptr if the provider lacks it. Thread-safe; the first call fetches. */
const EVP_CIPHER* fetchedCipher(CipherId id) noexcept;

}  // namespace portunus::dp::openssl
