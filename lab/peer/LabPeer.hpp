// One browser-like PeerConnection toward a Janus API server: our SDP (offer or answer), libnice ICE and OpenSSL
// DTLS-SRTP through cp::WebRtcTransport (the same adapters portunusd uses) with trickle in the chosen mode and the
// DTLS role the negotiation gives us, stock libsrtp2 sessions keyed from the DTLS export, and RTP senders/verifying
// receivers whose SRTP datagrams travel over the ICE agent's kernel sockets.
//
// Threads: the calling thread negotiates and runs the media pump; ICE/DTLS callbacks and the receive path run on
// the IceLoop; Janus events arrive on the JanusClient's io thread through onJanusEvent().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/sdp/SessionDescription.hpp"
#include "controlplane/webrtc/DtlsIdentity.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "controlplane/webrtc/WebRtcTransport.hpp"
#include "lab/cli/CliOptions.hpp"
#include "lab/janus/JanusClient.hpp"
#include "lab/media/RtpReceiver.hpp"
#include "lab/media/RtpSender.hpp"
#include "lab/media/SrtpSession.hpp"
#include "lab/peer/LocalDescription.hpp"

namespace portunus::lab {

struct LabPeerOptions {
  bool audio = true;
  bool video = true;
  std::uint32_t video_bitrate_bps = 500'000;
  std::uint32_t video_fps = 30;
  std::optional<dp::SrtpProfile> srtp_profile;  // only this one, else all four (GCM first)
  TrickleMode trickle = TrickleMode::Normal;
  std::string ice_address = "127.0.0.1";
  std::uint32_t drop_every = 0;  // skip every Nth RTP packet on send
  bool bad_fingerprint = false;  // advertise a fingerprint that is not our certificate's
  /** Added to the payload stream ids of what this peer sends, so that a receiver fed by several peers (a
   *  VideoRoom subscriber) tells their streams apart. */
  std::uint32_t stream_id_base = 0;
};

/** The media and transport options every CLI command gives its peers (media profile, SRTP profile, trickle, ICE
 *  address); the test-only knobs (drop_every, bad_fingerprint, stream_id_base) stay at their defaults. */
LabPeerOptions peerOptions(const EchoTestOptions& o);

/** One stream's result: what the sender did and what came back. */
struct StreamResult {
  MediaKind kind = MediaKind::Audio;
  std::string mid;
  StreamReport report;
};

/** Transport-level counters of the peer. */
struct PeerCounters {
  std::uint64_t srtp_in = 0;         // SRTP packets unprotected
  std::uint64_t srtp_in_failed = 0;  // unprotect refused (auth, replay)
  std::uint64_t srtcp_in = 0;
  std::uint64_t srtcp_in_failed = 0;
  std::uint64_t other_in = 0;     // neither DTLS nor RTP/RTCP
  std::uint64_t send_failed = 0;  // protect or ICE send refused
  std::uint64_t trickles_sent = 0;
  std::uint64_t remote_candidates = 0;
  std::uint64_t dropped_on_purpose = 0;  // --drop-every
  std::uint64_t pli_in = 0;              // PLI from the server (keyframe requests)
  std::uint64_t remb_in = 0;             // REMB from the server
  std::uint64_t remb_bps = 0;            // the last REMB's bitrate
};

class LabPeer {
 public:
  LabPeer(JanusClient& client, std::uint64_t session, std::uint64_t handle, cp::IceLoop& loop,
          const cp::DtlsIdentity& identity, LabPeerOptions options);
  ~LabPeer();
  LabPeer(const LabPeer&) = delete;
  LabPeer& operator=(const LabPeer&) = delete;

  /** Offerer (we are `actpass`, ICE controlling): sends `body` with our offer, applies the answer in the plugin's
   * reply and returns that reply. Throws std::runtime_error when the server does not answer properly. */
  Json offer(const Json& body);
  /** Answerer (we choose `active`, ICE controlled): applies the server's offer and returns our answer JSEP. */
  Json answer(const Json& remoteJsep);
  /** The handle's asynchronous events (call from the JanusClient's event handler). */
  void onJanusEvent(const JanusEvent& event);

  /** Waits until our DTLS is connected and the server reported `webrtcup`; false on timeout or failure. */
  bool waitForMediaPath(std::chrono::milliseconds timeout);
  /** Sends media for `seconds`, then waits up to `drainSeconds` for the last echoes. */
  void runMedia(double seconds, double warmupSeconds, double drainSeconds = 2.0);

  // runMedia() in steps, for an event loop that paces many peers from one thread: startMedia() makes the senders,
  // stepMedia() sends the one frame (or audio packet) due first and reports how many packets it sent, false once
  // the peer failed; nextMediaDue() is when the next one is due. One thread drives a peer's steps at a time.
  using MediaClock = std::chrono::steady_clock;
  void startMedia(double warmupSeconds);
  MediaClock::time_point nextMediaDue() const;
  bool stepMedia(MediaClock::time_point now, unsigned& packets);
  /** Echoed packets received and RTP packets sent by this media round's senders. */
  std::pair<std::uint64_t, std::uint64_t> echoProgress() const;
  /** Waits up to `drainSeconds` until the echoes stop arriving (nothing new for 300 ms) or all came back. */
  void waitForEchoes(double drainSeconds);

  /** Sends DTLS close_notify (our side of the PeerConnection ends) and waits up to `timeout` for the server's
   *  `hangup`; true if it came. */
  bool closeDtls(std::chrono::milliseconds timeout);

  /** We are about to hang up: what follows (DTLS close, `hangup` event) is expected, not a failure. */
  void tearingDown() noexcept { tearing_down_ = true; }

  std::vector<StreamResult> results() const;
  /** What this peer received of what `source` sent (a subscriber verifying a publisher in the same process). */
  std::vector<StreamResult> resultsFrom(const LabPeer& source) const;
  PeerCounters counters() const;
  /** RTP bytes (header and payload, before SRTP) the senders of the last media round produced. */
  std::uint64_t bytesSent() const;
  std::string failure() const;
  std::optional<dp::SrtpProfile> srtpProfile() const;
  cp::DtlsRole dtlsRole() const noexcept { return dtls_role_; }
  const std::string& localSdp() const noexcept { return local_sdp_; }
  const std::string& remoteSdp() const noexcept { return remote_sdp_; }
  std::vector<std::string> events() const;  // janus events seen, in order ("webrtcup", "media audio true", ...)

 private:
  void startGathering(bool controlling);
  void onLocalCandidate(const cp::IceCandidate& candidate);
  void onGatheringDone();
  void sendTrickle(const Json& candidate);
  void openTrickleGate();
  void waitForGathering();
  LocalTransport localTransport(sdp::SetupRole setup, bool withCandidates);
  void applyRemote(const sdp::SessionDescription& remote, cp::DtlsRole role);
  void addRemoteCandidateText(const std::string& text);
  void onMedia(const std::uint8_t* data, std::size_t len);
  void onDtlsConnected(const cp::DtlsSrtpKeys& keys);
  void fail(const std::string& reason);
  void note(std::string event);

  JanusClient& client_;
  std::uint64_t session_;
  std::uint64_t handle_;
  cp::IceLoop& loop_;
  const cp::DtlsIdentity& identity_;
  LabPeerOptions options_;
  std::uint32_t audio_ssrc_, video_ssrc_;
  std::string cname_;
  std::vector<LocalMedia> media_;
  std::string local_sdp_, remote_sdp_;
  cp::DtlsRole dtls_role_ = cp::DtlsRole::Server;

  std::unique_ptr<cp::WebRtcTransport> transport_;
  std::unique_ptr<SrtpSession> inbound_;   // loop thread once set
  std::unique_ptr<SrtpSession> outbound_;  // media thread once set
  std::vector<std::uint8_t> rx_buffer_;    // loop thread
  RtpReceiver receiver_;
  std::vector<std::unique_ptr<RtpSender>> senders_;
  std::vector<std::uint64_t> first_measured_;
  MediaClock::time_point media_start_{}, warmup_end_{};  // media thread
  std::vector<MediaClock::time_point> due_;              // media thread: next send per sender
  bool warm_ = false;                                    // media thread
  RtpSender::PacketSink media_sink_;                     // media thread

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool gathering_done_ = false;
  bool trickle_gate_open_ = false;
  bool completed_sent_ = false;
  std::vector<Json> queued_trickles_;
  std::vector<std::future<JanusResult>> trickle_acks_;
  std::atomic<bool> tearing_down_{false};
  bool dtls_connected_ = false;
  bool webrtcup_ = false;
  bool hungup_ = false;
  std::uint64_t sent_rtp_ = 0;  // media thread
  std::string failure_;
  std::optional<dp::SrtpProfile> profile_;
  PeerCounters counters_;
  std::vector<std::string> events_;
};

}  // namespace portunus::lab
