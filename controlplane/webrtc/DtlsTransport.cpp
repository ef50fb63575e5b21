#include "controlplane/webrtc/DtlsTransport.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/log/Log.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

namespace portunus::cp {
namespace {

constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2
constexpr unsigned kMaxRetransmitUs = 2'000'000;

bool sameFingerprint(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::toupper(x) == std::toupper(y);
         });
}

}  // namespace

DtlsTransportOptions dtlsTransportOptions(const config::MediaConfig& media) {
  DtlsTransportOptions o;
  o.mtu = media.dtls_mtu;
  return o;
}

std::string_view dtlsStateName(DtlsState state) noexcept {
  switch (state) {
    case DtlsState::New:
      return "new";
    case DtlsState::Connecting:
      return "connecting";
    case DtlsState::Connected:
      return "connected";
    case DtlsState::Failed:
      return "failed";
    case DtlsState::Closed:
      return "closed";
  }
  return "new";
}

// OpenSSL calls C functions; these forward to the transport on the loop thread.
struct DtlsTransport::Glue {
  static DtlsTransport* of(const SSL* ssl) { return static_cast<DtlsTransport*>(SSL_get_app_data(ssl)); }

  // Outgoing records: one BIO write is one datagram.
  static int bioWrite(BIO* bio, const char* data, int len) {
    return static_cast<DtlsTransport*>(BIO_get_data(bio))->writeDatagram(data, len);
  }
  static long bioCtrl(BIO* bio, int cmd, long, void*) {
    switch (cmd) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_DGRAM_QUERY_MTU:
        return static_cast<DtlsTransport*>(BIO_get_data(bio))->options_.mtu;
      case BIO_CTRL_WPENDING:
      case BIO_CTRL_PENDING:
        return 0;
      default:
        return 0;
    }
  }
  static int bioCreate(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }
  static int bioDestroy(BIO*) { return 1; }
  static BIO_METHOD* bioMethod() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "portunus dtls datagram");
      BIO_meth_set_write(m, bioWrite);
      BIO_meth_set_ctrl(m, bioCtrl);
      BIO_meth_set_create(m, bioCreate);
      BIO_meth_set_destroy(m, bioDestroy);
      return m;
    }();
    return method;
  }

  // The peer's certificate is self-signed: its fingerprint, not a chain, is what we trust (RFC 8122 §5).
  static int verify(X509_STORE_CTX* store, void* self) {
    auto* t = static_cast<DtlsTransport*>(self);
    if (t->verifyPeer(X509_STORE_CTX_get0_cert(store))) return 1;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }

  static void info(const SSL* ssl, int where, int ret) {
    if ((where & SSL_CB_READ_ALERT) != SSL_CB_READ_ALERT) return;
    auto* t = of(ssl);
    t->alert_ = std::string(SSL_alert_type_string_long(ret)) + " " + SSL_alert_desc_string_long(ret);
  }

  // Retransmission back-off: the configured start, doubled each time, capped.
  static unsigned int timer(SSL* ssl, unsigned int previous_us) {
    if (previous_us == 0) return static_cast<unsigned>(of(ssl)->options_.initial_retransmit.count()) * 1000u;
    return std::min(previous_us * 2, kMaxRetransmitUs);
  }
};

DtlsTransport::DtlsTransport(IceLoop& loop, const DtlsIdentity& identity, DtlsTransportOptions options,
                             DtlsTransportCallbacks callbacks)
    : loop_(loop), options_(std::move(options)), callbacks_(std::move(callbacks)), retransmit_(loop), deadline_(loop) {
  if (options_.srtp_profiles.empty()) throw WebRtcError("DTLS: no SRTP profile allowed");
  if (options_.mtu < 256 || options_.mtu > 65507) throw WebRtcError("DTLS: MTU out of range");
  // Fails early (throws) for a hash we cannot compute.
  certificateFingerprint(identity.certificate(), options_.remote_fingerprint_hash);
  loop_.runSync([&] {
    try {
      setup(identity);
    } catch (...) {
      teardown();
      throw;
    }
  });
}

DtlsTransport::~DtlsTransport() {
  loop_.runSync([this] { teardown(); });
}

void DtlsTransport::setup(const DtlsIdentity& identity) {
  ctx_ = SSL_CTX_new(DTLS_method());
  if (ctx_ == nullptr) throw WebRtcError("DTLS: " + lastError());
  SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION);
  if (SSL_CTX_use_certificate(ctx_, identity.certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx_, identity.privateKey()) != 1 || SSL_CTX_check_private_key(ctx_) != 1)
    throw WebRtcError("DTLS: identity refused: " + lastError());
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx_, Glue::verify, this);
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx_, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);

  std::string profiles;
  for (auto p : options_.srtp_profiles) {
    if (!profiles.empty()) profiles += ':';
    profiles += srtpProfileInfo(p).openssl_name;
  }
  // Beware: this one returns 0 on success.
  if (SSL_CTX_set_tlsext_use_srtp(ctx_, profiles.c_str()) != 0)
    throw WebRtcError("DTLS: SRTP profiles '" + profiles + "' refused: " + lastError());

  ssl_ = SSL_new(ctx_);
  if (ssl_ == nullptr) throw WebRtcError("DTLS: " + lastError());
  SSL_set_app_data(ssl_, this);
  SSL_set_info_callback(ssl_, Glue::info);
  rbio_ = BIO_new(BIO_s_mem());
  BIO* wbio = BIO_new(Glue::bioMethod());
  if (rbio_ == nullptr || wbio == nullptr) {
    BIO_free(rbio_);
    BIO_free(wbio);
    rbio_ = nullptr;
    throw WebRtcError("DTLS: cannot create BIOs");
  }
  BIO_set_mem_eof_return(rbio_, -1);  // an empty read buffer means "want read", not EOF
  BIO_set_data(wbio, this);
  SSL_set_bio(ssl_, rbio_, wbio);
  SSL_set_options(ssl_, SSL_OP_NO_QUERY_MTU);
  if (SSL_set_mtu(ssl_, options_.mtu) <= 0) throw WebRtcError("DTLS: MTU refused");
  DTLS_set_timer_cb(ssl_, Glue::timer);
  if (options_.role == DtlsRole::Client) {
    SSL_set_connect_state(ssl_);
  } else {
    SSL_set_accept_state(ssl_);
  }
}

void DtlsTransport::teardown() noexcept {
  retransmit_.stop();
  deadline_.stop();
  if (ssl_ != nullptr) SSL_free(ssl_);  // frees both BIOs
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  ssl_ = nullptr;
  ctx_ = nullptr;
  rbio_ = nullptr;
}

void DtlsTransport::start() {
  loop_.post([this] {
    if (started_ || state() != DtlsState::New) {
      started_ = true;
      return;
    }
    started_ = true;
    setState(DtlsState::Connecting);
    deadline_.start(options_.handshake_timeout, [this] { fail("DTLS handshake timeout"); });
    if (options_.role == DtlsRole::Client) handshake();
  });
}

void DtlsTransport::receive(const std::uint8_t* data, std::size_t len) {
  if (!looksLikeDtls(data, len)) {
    std::lock_guard lock(snapshot_mutex_);
    ++stats_.not_dtls;
    return;
  }
  const DtlsState now = state();
  if (now == DtlsState::Failed || now == DtlsState::Closed || ssl_ == nullptr) return;
  // Connected: encrypted records too short for the negotiated suite are forgeries; OpenSSL would end the association
  // on one (sealedMinimum). In a handshake a forged record may abort it anyway (DTLS 1.2 does not authenticate epoch
  // 0) and every record goes to OpenSSL.
  if (!wellFramed(data, len, now == DtlsState::Connected ? sealed_min_ : 0)) {
    std::lock_guard lock(snapshot_mutex_);
    ++stats_.malformed;
    return;
  }
  {
    std::lock_guard lock(snapshot_mutex_);
    ++stats_.datagrams_in;
  }
  if (now == DtlsState::New) {
    // The peer's first flight may arrive before start(): begin now, with the deadline.
    setState(DtlsState::Connecting);
    deadline_.start(options_.handshake_timeout, [this] { fail("DTLS handshake timeout"); });
  }
  BIO_write(rbio_, data, static_cast<int>(len));
  if (state() == DtlsState::Connecting) {
    handshake();
  } else if (state() == DtlsState::Connected) {
    readRecords();
  }
  // One datagram at a time: whatever OpenSSL left unread belongs to no later datagram.
  if (rbio_ != nullptr) (void)BIO_reset(rbio_);
}

std::size_t DtlsTransport::sealedMinimum(const SSL* ssl) noexcept {
  const SSL_CIPHER* cipher = ssl != nullptr ? SSL_get_current_cipher(ssl) : nullptr;
  if (cipher == nullptr) return 0;
  switch (SSL_CIPHER_get_cipher_nid(cipher)) {
    case NID_aes_128_gcm:
    case NID_aes_256_gcm:
    case NID_aria_128_gcm:
    case NID_aria_256_gcm:
      return 8 + 16;
    case NID_aes_128_ccm:
    case NID_aes_256_ccm:
      return 8 + 8;  // CCM_8 has an 8-byte tag
    case NID_chacha20_poly1305:
      return 16;
    default:
      break;
  }
  if (SSL_CIPHER_is_aead(cipher)) return 16;
  const EVP_MD* md = EVP_get_digestbynid(SSL_CIPHER_get_digest_nid(cipher));
  const int mac = md != nullptr ? EVP_MD_get_size(md) : 0;
  return 8 + static_cast<std::size_t>(mac > 0 ? mac : 0) + 1;  // the smallest block cipher's IV
}

bool DtlsTransport::wellFramed(const std::uint8_t* data, std::size_t len, std::size_t sealed_min) noexcept {
  // RFC 6347 §4.1: type(1) version(2) epoch(2) sequence(6) length(2) fragment; records fill the datagram exactly.
  // Epoch 0 records are plaintext, so their structure is checked too; encrypted ones are OpenSSL's to
  // authenticate. Invalid records are silently discarded (RFC 6347 §4.1.2.7), before OpenSSL, which treats some
  // of them as fatal.
  constexpr std::size_t kHeader = 13;
  std::size_t at = 0;
  while (at < len) {
    if (len - at < kHeader) return false;
    const std::uint8_t* r = data + at;
    if (r[1] != 0xfe) return false;  // DTLS versions are 0xfeXX
    const std::size_t body = (static_cast<std::size_t>(r[11]) << 8) | r[12];
    if (body > len - at - kHeader) return false;
    const bool plaintext = r[3] == 0 && r[4] == 0;
    if (!plaintext && body < sealed_min) return false;
    const std::uint8_t* b = r + kHeader;
    switch (r[0]) {
      case 20:  // change_cipher_spec: the single byte 1
        if (plaintext && (body != 1 || b[0] != 1)) return false;
        break;
      case 21:  // alert: level (warning/fatal), description
        if (plaintext && (body != 2 || (b[0] != 1 && b[0] != 2))) return false;
        break;
      case 22:  // handshake: a fragment whose header matches the record (RFC 6347 §4.2.2)
        if (plaintext) {
          if (body < 12) return false;
          const std::size_t msg_len = (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3];
          const std::size_t frag_off = (std::size_t{b[6]} << 16) | (std::size_t{b[7]} << 8) | b[8];
          const std::size_t frag_len = (std::size_t{b[9]} << 16) | (std::size_t{b[10]} << 8) | b[11];
          if (frag_len != body - 12 || frag_off + frag_len > msg_len) return false;
        }
        break;
      case 23:  // application_data: never in plaintext
        if (plaintext) return false;
        break;
      default:
        return false;
    }
    at += kHeader + body;
  }
  return len > 0;
}

void DtlsTransport::close() {
  loop_.post([this] {
    const DtlsState now = state();
    if (now != DtlsState::Connected && now != DtlsState::Connecting) return;
    retransmit_.stop();
    deadline_.stop();
    setState(DtlsState::Closed);
    if (now == DtlsState::Connected) {
      ERR_clear_error();
      SSL_shutdown(ssl_);  // sends close_notify through the BIO
    }
  });
}

void DtlsTransport::handshake() {
  ERR_clear_error();
  const int r = SSL_do_handshake(ssl_);
  if (r == 1) {
    completeHandshake();
    return;
  }
  const int err = SSL_get_error(ssl_, r);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
    armRetransmit();
    return;
  }
  if (fingerprint_mismatch_) {
    fail("DTLS fingerprint mismatch");
  } else if (!alert_.empty()) {
    fail("DTLS alert: " + alert_);
  } else {
    fail("DTLS handshake failed: " + lastError() + " (SSL_get_error " + std::to_string(err) + ")");
  }
}

void DtlsTransport::armRetransmit() {
  timeval tv{};
  if (DTLSv1_get_timeout(ssl_, &tv) != 1) {
    retransmit_.stop();
    return;
  }
  const auto ms = std::chrono::milliseconds(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);
  retransmit_.start(ms, [this] { onRetransmit(); });
}

void DtlsTransport::onRetransmit() {
  if (state() != DtlsState::Connecting) return;
  ERR_clear_error();
  const int r = DTLSv1_handle_timeout(ssl_);
  if (r < 0) {
    fail("DTLS handshake failed: too many retransmissions");
    return;
  }
  if (r > 0) {
    std::lock_guard lock(snapshot_mutex_);
    ++stats_.retransmissions;
  }
  armRetransmit();
}

void DtlsTransport::completeHandshake() {
  retransmit_.stop();
  deadline_.stop();
  // The verify callback already checked the certificate; check again what the session ended up with.
  X509* peer = SSL_get1_peer_certificate(ssl_);
  const bool trusted = peer != nullptr && verifyPeer(peer);
  X509_free(peer);
  if (!trusted) {
    fail("DTLS fingerprint mismatch");
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_);
  const auto profile = selected ? srtpProfileFromId(selected->id) : std::nullopt;
  if (!profile) {
    fail("DTLS: no SRTP profile negotiated");
    return;
  }
  std::vector<std::uint8_t> exported(dtlsSrtpExportLength(*profile));
  if (SSL_export_keying_material(ssl_, exported.data(), exported.size(), kExporterLabel, sizeof kExporterLabel - 1,
                                 nullptr, 0, 0) != 1) {
    fail("DTLS: key export failed: " + lastError());
    return;
  }
  const DtlsSrtpKeys keys = splitDtlsSrtpKeys(*profile, exported, options_.role == DtlsRole::Client);
  OPENSSL_cleanse(exported.data(), exported.size());
  {
    std::lock_guard lock(snapshot_mutex_);
    profile_ = profile;
  }
  sealed_min_ = sealedMinimum(ssl_);
  setState(DtlsState::Connected);
  PLOG(Debug, "dtls") << (options_.role == DtlsRole::Client ? "client" : "server") << " connected, "
                      << srtpProfileInfo(*profile).openssl_name;
  if (callbacks_.on_connected) callbacks_.on_connected(keys);
  if (state() == DtlsState::Connected) readRecords();
}

void DtlsTransport::readRecords() {
  unsigned char buf[2048];
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buf, sizeof buf);
    if (n > 0) continue;  // application data: nobody reads it until DataChannels exist
    const int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
    if (err == SSL_ERROR_ZERO_RETURN) {
      closed("close_notify");
      return;
    }
    if (!alert_.empty()) {
      closed(alert_);
      return;
    }
    // Not an alert: a record OpenSSL could not use. DTLS drops those (RFC 6347 §4.1.2.7).
    PLOG(Debug, "dtls") << "ignored a bad record: " << lastError();
    return;
  }
}

void DtlsTransport::fail(const std::string& reason) {
  const DtlsState now = state();
  if (now == DtlsState::Failed || now == DtlsState::Closed || now == DtlsState::Connected) return;
  retransmit_.stop();
  deadline_.stop();
  setState(DtlsState::Failed);
  PLOG(Info, "dtls") << reason;
  if (callbacks_.on_failed) callbacks_.on_failed(reason);
}

void DtlsTransport::closed(const std::string& detail) {
  if (state() != DtlsState::Connected) return;
  retransmit_.stop();
  deadline_.stop();
  setState(DtlsState::Closed);
  PLOG(Info, "dtls") << "peer closed the association: " << detail;
  if (callbacks_.on_closed) callbacks_.on_closed("DTLS alert");
}

void DtlsTransport::setState(DtlsState state) {
  std::lock_guard lock(snapshot_mutex_);
  state_ = state;
}

DtlsState DtlsTransport::state() const noexcept {
  std::lock_guard lock(snapshot_mutex_);
  return state_;
}

DtlsStats DtlsTransport::stats() const {
  std::lock_guard lock(snapshot_mutex_);
  return stats_;
}

std::optional<dp::SrtpProfile> DtlsTransport::srtpProfile() const {
  std::lock_guard lock(snapshot_mutex_);
  return profile_;
}

std::string DtlsTransport::lastError() const {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

bool DtlsTransport::verifyPeer(X509* cert) {
  bool ok = false;
  try {
    ok = cert != nullptr &&
         sameFingerprint(certificateFingerprint(cert, options_.remote_fingerprint_hash), options_.remote_fingerprint);
  } catch (const WebRtcError&) {
    ok = false;
  }
  if (!ok) fingerprint_mismatch_ = true;
  return ok;
}

int DtlsTransport::writeDatagram(const char* data, int len) {
  {
    std::lock_guard lock(snapshot_mutex_);
    ++stats_.datagrams_out;
    stats_.largest_datagram_out = std::max(stats_.largest_datagram_out, static_cast<std::size_t>(len));
  }
  // A lost datagram is DTLS's business (it retransmits), so a refused send is not an error here.
  if (callbacks_.send) callbacks_.send(reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(len));
  return len;
}

}  // namespace portunus::cp
