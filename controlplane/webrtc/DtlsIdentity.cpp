#include "controlplane/webrtc/DtlsIdentity.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstring>
#include <utility>

#include "controlplane/webrtc/WebRtcError.hpp"

namespace portunus::cp {
namespace {

std::string opensslError(const std::string& what) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return what + ": " + buf;
}

struct BioCloser {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioCloser>;

int passwordCallback(char* buf, int size, int, void* user) {
  const auto* password = static_cast<const std::string*>(user);
  const int len = static_cast<int>(password->size());
  if (len > size) return -1;
  std::memcpy(buf, password->data(), static_cast<std::size_t>(len));
  return len;
}

}  // namespace

std::string certificateFingerprint(X509* cert, const std::string& hash) {
  const EVP_MD* md = nullptr;
  if (hash == "sha-256") {
    md = EVP_sha256();
  } else if (hash == "sha-1") {
    md = EVP_sha1();
  } else if (hash == "sha-384") {
    md = EVP_sha384();
  } else if (hash == "sha-512") {
    md = EVP_sha512();
  } else {
    throw WebRtcError("DTLS: unsupported fingerprint hash '" + hash + "'");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert, md, digest, &len) != 1) throw WebRtcError(opensslError("DTLS: X509_digest"));
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(len * 3);
  for (unsigned int i = 0; i < len; ++i) {
    if (i) out += ':';
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

DtlsIdentity::DtlsIdentity(X509* cert, EVP_PKEY* key)
    : cert_(cert), key_(key), fingerprint_(certificateFingerprint(cert, "sha-256")) {}

DtlsIdentity::DtlsIdentity(DtlsIdentity&& other) noexcept
    : cert_(std::exchange(other.cert_, nullptr)),
      key_(std::exchange(other.key_, nullptr)),
      fingerprint_(std::move(other.fingerprint_)) {}

DtlsIdentity& DtlsIdentity::operator=(DtlsIdentity&& other) noexcept {
  if (this != &other) {
    X509_free(cert_);
    EVP_PKEY_free(key_);
    cert_ = std::exchange(other.cert_, nullptr);
    key_ = std::exchange(other.key_, nullptr);
    fingerprint_ = std::move(other.fingerprint_);
  }
  return *this;
}

DtlsIdentity::~DtlsIdentity() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

DtlsIdentity DtlsIdentity::generate(const std::string& common_name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (key == nullptr) throw WebRtcError(opensslError("DTLS: cannot generate a P-256 key"));
  X509* cert = X509_new();
  auto fail = [&](const char* what) {
    X509_free(cert);
    EVP_PKEY_free(key);
    throw WebRtcError(opensslError(std::string("DTLS: self-signed certificate: ") + what));
  };
  if (cert == nullptr) fail("X509_new");
  std::uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) fail("RAND_bytes");
  serial &= 0x7fffffffffffffffULL;  // a positive serial
  if (X509_set_version(cert, 2) != 1 || ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial) != 1)
    fail("serial");
  // Valid from a day ago: peers with a slightly wrong clock must not reject it.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert), -24L * 3600) ||
      !X509_gmtime_adj(X509_getm_notAfter(cert), 365L * 24 * 3600))
    fail("validity");
  X509_NAME* name = X509_get_subject_name(cert);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                 -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert, name) != 1 || X509_set_pubkey(cert, key) != 1)
    fail("name");
  if (X509_sign(cert, key, EVP_sha256()) == 0) fail("sign");
  return DtlsIdentity(cert, key);
}

DtlsIdentity DtlsIdentity::load(const std::string& cert_pem, const std::string& key_pem, const std::string& password) {
  BioPtr cert_bio(BIO_new_file(cert_pem.c_str(), "r"));
  if (!cert_bio) throw WebRtcError(opensslError("DTLS: cannot open certificate '" + cert_pem + "'"));
  X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) throw WebRtcError(opensslError("DTLS: no PEM certificate in '" + cert_pem + "'"));
  BioPtr key_bio(BIO_new_file(key_pem.c_str(), "r"));
  if (!key_bio) {
    X509_free(cert);
    throw WebRtcError(opensslError("DTLS: cannot open key '" + key_pem + "'"));
  }
  std::string pwd = password;
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, passwordCallback, &pwd);
  if (key == nullptr) {
    X509_free(cert);
    throw WebRtcError(opensslError("DTLS: cannot read the private key in '" + key_pem + "' (wrong password?)"));
  }
  if (X509_check_private_key(cert, key) != 1) {
    X509_free(cert);
    EVP_PKEY_free(key);
    throw WebRtcError(opensslError("DTLS: the key in '" + key_pem + "' does not match the certificate"));
  }
  return DtlsIdentity(cert, key);
}

DtlsIdentity DtlsIdentity::fromConfig(const config::CertificatesConfig& config) {
  if (config.cert_pem.empty()) return generate();
  return load(config.cert_pem, config.cert_key, config.cert_pwd);
}

void DtlsIdentity::writePem(const std::string& cert_pem, const std::string& key_pem,
                            const std::string& password) const {
  BioPtr cert_bio(BIO_new_file(cert_pem.c_str(), "w"));
  if (!cert_bio || PEM_write_bio_X509(cert_bio.get(), cert_) != 1)
    throw WebRtcError(opensslError("DTLS: cannot write '" + cert_pem + "'"));
  BioPtr key_bio(BIO_new_file(key_pem.c_str(), "w"));
  const EVP_CIPHER* cipher = password.empty() ? nullptr : EVP_aes_256_cbc();
  if (!key_bio || PEM_write_bio_PrivateKey(key_bio.get(), key_, cipher,
                                           cipher ? reinterpret_cast<const unsigned char*>(password.data()) : nullptr,
                                           static_cast<int>(password.size()), nullptr, nullptr) != 1)
    throw WebRtcError(opensslError("DTLS: cannot write '" + key_pem + "'"));
}

}  // namespace portunus::cp
