// The OpenSSL DTLS-SRTP adapter (RFC 5764, STYLE lesson 9): DTLS 1.2 over one ICE component, in either role,
// the peer's self-signed certificate checked against the fingerprint from its SDP, SRTP profile negotiation, and
// the exported SRTP keys split into our sending and receiving master keys. Records leave through a small custom
// BIO — one write, one datagram, never larger than the MTU — and arrive through a memory BIO one datagram at a
// time. Retransmission and the overall handshake deadline are timers on the IceLoop. It knows nothing of ICE:
// the owner wires `send` to IceAgent::send and IceAgent's on_receive to receive().
//
// Threads: start()/close() may be called from any thread (queued on the loop); receive() only on the loop thread;
// callbacks run on the loop thread. The destructor waits for the loop; never destroy a transport from inside one of
// its own callbacks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/webrtc/DtlsIdentity.hpp"
#include "controlplane/webrtc/DtlsSrtpKeys.hpp"
#include "controlplane/webrtc/IceLoop.hpp"

using SSL = struct ssl_st;
using SSL_CTX = struct ssl_ctx_st;
using BIO = struct bio_st;

namespace portunus::cp {

/** Client = `a=setup:active` (sends ClientHello); Server = `a=setup:passive`. */
enum class DtlsRole : std::uint8_t { Client, Server };
enum class DtlsState : std::uint8_t { New, Connecting, Connected, Failed, Closed };
std::string_view dtlsStateName(DtlsState state) noexcept;

struct DtlsTransportOptions {
  DtlsRole role = DtlsRole::Client;
  std::string remote_fingerprint_hash = "sha-256";  // from the remote `a=fingerprint:<hash> <value>`
  std::string remote_fingerprint;                   // hex pairs with colons, any case
  /** Offered (client) or accepted (server), in preference order; as server the first one the client also offers
   *  wins, so GCM first means GCM whenever the client can do it. */
  std::vector<dp::SrtpProfile> srtp_profiles = {dp::SrtpProfile::AeadAes128Gcm, dp::SrtpProfile::AeadAes256Gcm,
                                                dp::SrtpProfile::Aes128CmSha1_80, dp::SrtpProfile::Aes128CmSha1_32};
  int mtu = 1200;                                      // `media.dtls_mtu`: largest datagram we send
  std::chrono::milliseconds initial_retransmit{100};   // doubled per retransmission, up to 2 s
  std::chrono::milliseconds handshake_timeout{10000};  // no completed handshake by then → failure
};

/** The options `media:` implies (`dtls_mtu`); role and fingerprint are the caller's, from the negotiation. */
DtlsTransportOptions dtlsTransportOptions(const config::MediaConfig& media);

struct DtlsTransportCallbacks {
  std::function<bool(const std::uint8_t* data, std::size_t len)> send;  // one datagram to the peer
  std::function<void(const DtlsSrtpKeys&)> on_connected;                // handshake done, keys exported
  std::function<void(const std::string& reason)> on_failed;             // before connected; at most once
  std::function<void(const std::string& reason)> on_closed;             // after connected: "DTLS alert"
};

/** Counters, for handle_info and tests. */
struct DtlsStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t not_dtls = 0;   // datagrams whose first byte is outside 20..63 (RFC 7983), ignored
  std::uint64_t malformed = 0;  // DTLS by first byte, but not a sequence of whole DTLS records, dropped
  std::uint64_t retransmissions = 0;
  std::size_t largest_datagram_out = 0;
};

class DtlsTransport {
 public:
  /** Throws WebRtcError when OpenSSL rejects the setup (bad fingerprint hash, empty profile list). */
  DtlsTransport(IceLoop& loop, const DtlsIdentity& identity, DtlsTransportOptions options,
                DtlsTransportCallbacks callbacks);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  /** RFC 7983 demux: a DTLS record starts with a byte in 20..63. */
  static bool looksLikeDtls(const std::uint8_t* data, std::size_t len) noexcept {
    return len > 0 && data[0] >= 20 && data[0] <= 63;
  }

  /** True when the datagram is a sequence of whole DTLS records with known content types, none of its encrypted
   *  records (epoch > 0) shorter than `sealed_min` bytes. OpenSSL treats some malformed records as fatal; dropping
   *  them first keeps noise on the port from killing a handshake or an association. */
  static bool wellFramed(const std::uint8_t* data, std::size_t len, std::size_t sealed_min = 0) noexcept;
  /** The shortest body an encrypted record of `ssl`'s negotiated cipher suite can have (0 before one is known):
   *  explicit nonce + tag for AES-GCM (RFC 5288 §3) and AES-CCM (RFC 6655 §3), the tag for ChaCha20-Poly1305
   *  (RFC 7905 §2), IV + MAC + one padding byte for the block ciphers (RFC 5246 §6.2.3.2). OpenSSL 3.0.19 aborts an
   *  association with a fatal internal_error alert on an encrypted record shorter than its cipher's overhead. */
  static std::size_t sealedMinimum(const SSL* ssl) noexcept;

  /** Begins the handshake (as client: sends the ClientHello) and arms the handshake deadline. Call once ICE has a
   *  selected pair. */
  void start();
  /** One datagram from the peer (loop thread). Anything that is not DTLS, or not well framed, is counted and
   *  ignored. */
  void receive(const std::uint8_t* data, std::size_t len);
  /** Sends close_notify; no callback follows on this side. */
  void close();

  DtlsState state() const noexcept;
  DtlsStats stats() const;
  /** The negotiated profile once connected. */
  std::optional<dp::SrtpProfile> srtpProfile() const;
  const DtlsTransportOptions& options() const noexcept { return options_; }

 private:
  struct Glue;
  friend struct Glue;

  void setup(const DtlsIdentity& identity);
  void teardown() noexcept;
  void handshake();
  void readRecords();
  void armRetransmit();
  void onRetransmit();
  void completeHandshake();
  void fail(const std::string& reason);
  void closed(const std::string& detail);
  void setState(DtlsState state);
  std::string lastError() const;
  bool verifyPeer(X509* cert);
  int writeDatagram(const char* data, int len);

  IceLoop& loop_;
  DtlsTransportOptions options_;
  DtlsTransportCallbacks callbacks_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::size_t sealed_min_ = 0;  // sealedMinimum(ssl_) once connected
  BIO* rbio_ = nullptr;         // owned by ssl_
  IceLoop::Timer retransmit_;
  IceLoop::Timer deadline_;
  bool started_ = false;
  bool fingerprint_mismatch_ = false;
  std::string alert_;  // the last alert the peer sent, for logs

  mutable std::mutex snapshot_mutex_;
  DtlsState state_ = DtlsState::New;
  DtlsStats stats_;
  std::optional<dp::SrtpProfile> profile_;
};

}  // namespace portunus::cp
