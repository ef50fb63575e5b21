// The transport half of a PeerConnection: one IceAgent and, once the remote description is known, one
// DtlsTransport on the same IceLoop, wired the way every user needs them (portunusd for its handles, the lab peer
// for its calls): datagrams demultiplexed by first byte (RFC 7983), DTLS started when ICE has a pair, keys and the
// selected pair reported together when the PeerConnection is up, one hangup reason when it goes down. No SDP, no
// Janus: the caller passes in what it negotiated.
//
// Threads: as IceAgent — methods from any thread, callbacks on the loop thread, never destroyed from a callback.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/webrtc/DtlsTransport.hpp"
#include "controlplane/webrtc/IceAgent.hpp"

namespace portunus::cp {

/** What the remote description says about the transport. */
struct WebRtcRemoteParameters {
  std::string ice_ufrag;
  std::string ice_pwd;
  std::string fingerprint_hash = "sha-256";
  std::string fingerprint;
  DtlsRole local_role = DtlsRole::Client;  // ours: active → Client (the answerer's usual choice), passive → Server
};

struct WebRtcTransportCallbacks {
  std::function<void(const IceCandidate&)> on_local_candidate;
  std::function<void()> on_gathering_done;
  std::function<void(IceState)> on_ice_state;
  /** ICE and DTLS are up: the dataplane transport can be programmed (Janus's `webrtcup`). */
  std::function<void(const IceSelectedPair&, const DtlsSrtpKeys&)> on_ready;
  /** The selected pair changed after on_ready (the dataplane transport must follow). */
  std::function<void(const IceSelectedPair&)> on_pair_changed;
  /** Once: "ICE failed", "DTLS alert", or the DTLS failure ("DTLS fingerprint mismatch", "DTLS handshake timeout"...).
   */
  std::function<void(const std::string& reason)> on_hangup;
  /** RTP/RTCP datagrams (first byte 128..191) that reach the kernel socket — the lab peer's media path. */
  std::function<void(const std::uint8_t* data, std::size_t len)> on_media;
};

struct WebRtcTransportOptions {
  IceAgentOptions ice;
  /** Template for the DTLS side; role and fingerprint come from WebRtcRemoteParameters. */
  DtlsTransportOptions dtls;
};

class WebRtcTransport {
 public:
  WebRtcTransport(IceLoop& loop, const DtlsIdentity& identity, WebRtcTransportOptions options,
                  WebRtcTransportCallbacks callbacks);
  ~WebRtcTransport();
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  const std::string& localUfrag() const noexcept { return ice_->localUfrag(); }
  const std::string& localPassword() const noexcept { return ice_->localPassword(); }
  const std::string& localFingerprint() const noexcept { return identity_.fingerprintSha256(); }
  IceAgent& ice() noexcept { return *ice_; }

  void gather() { ice_->gather(); }
  /** Applies the remote description's transport parameters (once; later calls are ignored until ICE restart
   *  support exists). Throws WebRtcError for a fingerprint hash we cannot check. */
  void setRemote(const WebRtcRemoteParameters& remote);
  bool addRemoteCandidate(const IceCandidate& candidate) { return ice_->addRemoteCandidate(candidate); }
  void setRemoteEndOfCandidates() { ice_->setRemoteEndOfCandidates(); }
  /** Sends one SRTP/SRTCP datagram on the selected pair (the lab peer; portunusd's media goes via the dataplane). */
  bool sendMedia(const std::uint8_t* data, std::size_t len) noexcept { return ice_->send(data, len); }
  /** Sends close_notify (our `hangup`); no on_hangup follows on this side. */
  void close();

  bool ready() const noexcept;
  std::optional<DtlsState> dtlsState() const;

 private:
  void onIceState(IceState state);
  void onPair(const IceSelectedPair& pair);
  void onDatagram(const std::uint8_t* data, std::size_t len);
  void maybeStartDtls();
  void hangup(const std::string& reason);

  IceLoop& loop_;
  const DtlsIdentity& identity_;
  WebRtcTransportOptions options_;
  WebRtcTransportCallbacks callbacks_;
  std::unique_ptr<IceAgent> ice_;

  // Loop-thread state.
  std::unique_ptr<DtlsTransport> dtls_;
  std::vector<std::vector<std::uint8_t>> early_dtls_;  // the peer's first flight, before our remote description
  std::optional<IceSelectedPair> pair_;
  std::optional<DtlsSrtpKeys> keys_;
  bool ice_connected_ = false;
  bool dtls_started_ = false;
  bool hung_up_ = false;
  bool closing_ = false;
  std::atomic<bool> ready_{false};
};

}  // namespace portunus::cp
