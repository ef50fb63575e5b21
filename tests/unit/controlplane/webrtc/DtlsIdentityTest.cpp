#define BOOST_TEST_MODULE controlplane_webrtc_dtls_identity
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <filesystem>

#include "controlplane/webrtc/DtlsIdentity.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

using namespace portunus::cp;
namespace fs = std::filesystem;

namespace {

bool isFingerprint(const std::string& f, std::size_t bytes) {
  if (f.size() != bytes * 3 - 1) return false;
  for (std::size_t i = 0; i < f.size(); ++i) {
    const char c = f[i];
    if (i % 3 == 2 ? c != ':' : !(std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("portunus-dtls-identity-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(generated_identity_is_ecdsa_p256_self_signed) {
  const DtlsIdentity id = DtlsIdentity::generate();
  BOOST_TEST(isFingerprint(id.fingerprintSha256(), 32));
  BOOST_TEST(id.fingerprintAttribute() == "sha-256 " + id.fingerprintSha256());
  BOOST_TEST(EVP_PKEY_is_a(id.privateKey(), "EC"));
  char group[32] = {};
  std::size_t len = 0;
  BOOST_TEST(EVP_PKEY_get_utf8_string_param(id.privateKey(), "group", group, sizeof group, &len) == 1);
  BOOST_TEST(std::string(group) == "prime256v1");
  BOOST_TEST(X509_check_issued(id.certificate(), id.certificate()) == X509_V_OK);  // self-signed
  BOOST_TEST(X509_verify(id.certificate(), id.privateKey()) == 1);
  // Every start makes a new one.
  BOOST_TEST(DtlsIdentity::generate().fingerprintSha256() != id.fingerprintSha256());
  BOOST_TEST(isFingerprint(certificateFingerprint(id.certificate(), "sha-1"), 20));
  BOOST_TEST(isFingerprint(certificateFingerprint(id.certificate(), "sha-512"), 64));
  BOOST_CHECK_THROW(certificateFingerprint(id.certificate(), "md5"), WebRtcError);
}

BOOST_AUTO_TEST_CASE(configured_files_are_loaded_with_their_password) {
  TempDir dir;
  const DtlsIdentity original = DtlsIdentity::generate("configured");
  const std::string cert = (dir.path / "cert.pem").string();
  const std::string key = (dir.path / "key.pem").string();
  const std::string plain_key = (dir.path / "plain-key.pem").string();
  original.writePem(cert, key, "s3cret");
  original.writePem(cert, plain_key);

  portunus::config::CertificatesConfig config;
  config.cert_pem = cert;
  config.cert_key = key;
  config.cert_pwd = "s3cret";
  BOOST_TEST(DtlsIdentity::fromConfig(config).fingerprintSha256() == original.fingerprintSha256());
  BOOST_TEST(DtlsIdentity::load(cert, plain_key).fingerprintSha256() == original.fingerprintSha256());

  BOOST_CHECK_THROW(DtlsIdentity::load(cert, key, "wrong"), WebRtcError);
  BOOST_CHECK_THROW(DtlsIdentity::load(cert, (dir.path / "missing.pem").string()), WebRtcError);
  BOOST_CHECK_THROW(DtlsIdentity::load(key, key, "s3cret"), WebRtcError);  // no certificate in it
  // A key that is not the certificate's.
  const std::string other_key = (dir.path / "other-key.pem").string();
  DtlsIdentity::generate().writePem((dir.path / "other.pem").string(), other_key);
  BOOST_CHECK_THROW(DtlsIdentity::load(cert, other_key), WebRtcError);

  config.cert_pem.clear();  // no files configured: generated
  BOOST_TEST(DtlsIdentity::fromConfig(config).fingerprintSha256() != original.fingerprintSha256());
}

BOOST_AUTO_TEST_CASE(identity_moves) {
  DtlsIdentity a = DtlsIdentity::generate();
  const std::string fp = a.fingerprintSha256();
  DtlsIdentity b = std::move(a);
  BOOST_TEST(b.fingerprintSha256() == fp);
  BOOST_TEST(b.certificate() != nullptr);
  a = DtlsIdentity::generate();
  BOOST_TEST(a.fingerprintSha256() != fp);
}
