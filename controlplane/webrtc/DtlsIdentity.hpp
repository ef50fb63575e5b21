// Our DTLS identity: an ECDSA P-256 self-signed certificate generated at start (what browsers do), or one loaded
// from `certificates.cert_pem/cert_key/cert_pwd`. Its SHA-256 fingerprint is what `a=fingerprint:sha-256` carries.
// Immutable after construction, so one identity serves every DTLS transport on every loop.
#pragma once

#include <memory>
#include <string>

#include "common/config/MediaConfig.hpp"

using X509 = struct x509_st;
using EVP_PKEY = struct evp_pkey_st;

namespace portunus::cp {

class DtlsIdentity {
 public:
  /** A fresh key pair and a self-signed certificate (CN `common_name`, valid from a day ago for a year). */
  static DtlsIdentity generate(const std::string& common_name = "portunus");
  /** PEM files; the key may be encrypted with `password`. Throws WebRtcError. */
  static DtlsIdentity load(const std::string& cert_pem, const std::string& key_pem, const std::string& password = "");
  /** load() when the config names files, generate() when it does not. */
  static DtlsIdentity fromConfig(const config::CertificatesConfig& config);

  DtlsIdentity(DtlsIdentity&&) noexcept;
  DtlsIdentity& operator=(DtlsIdentity&&) noexcept;
  ~DtlsIdentity();

  X509* certificate() const noexcept { return cert_; }
  EVP_PKEY* privateKey() const noexcept { return key_; }
  /** Upper-case hex pairs separated by colons (RFC 8122 §5), e.g. "AB:01:...". */
  const std::string& fingerprintSha256() const noexcept { return fingerprint_; }
  /** The SDP attribute value: "sha-256 AB:01:...". */
  std::string fingerprintAttribute() const { return "sha-256 " + fingerprint_; }

  /** Writes the certificate and the key (encrypted with AES-256-CBC when `password` is not empty). */
  void writePem(const std::string& cert_pem, const std::string& key_pem, const std::string& password = "") const;

 private:
  DtlsIdentity(X509* cert, EVP_PKEY* key);
  X509* cert_ = nullptr;
  EVP_PKEY* key_ = nullptr;
  std::string fingerprint_;
};

/** The fingerprint of a certificate with a named hash ("sha-256", "sha-1", "sha-384", "sha-512"), formatted as
 *  above. Throws WebRtcError for an unknown hash. */
std::string certificateFingerprint(X509* cert, const std::string& hash);

}  // namespace portunus::cp
