// One browser-like PeerConnection toward a Janus API server: our SDP (offer or answer), libnice ICE and OpenSSL
// DTLS-SRTP through cp::WebRtcTransport (the same adapters portunusd uses) with trickle in the chosen mode and the
// DTLS role the negotiation gives us, stock libsrtp2 sessions keyed from the DTLS export, and RTP senders/verifying
// receivers whose SRTP datagrams travel over the ICE agent's kernel sockets.
//
// Threads: the calling thread negotiates and runs the media pump; ICE/DTLS callbacks and the receive path run on
// the IceLoop; Janus events arrive on the JanusClient's io thread through onJanusEvent().
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/sdp/SessionDescription.hpp"
#include "controlplane/webrtc/DtlsIdentity.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "controlplane/webrtc/WebRtcTransport.hpp"
#include "lab/cli/CliOptions.hpp"
#include "lab/janus/JanusClient.hpp"
#include "lab/media/NackRequester.hpp"
#include "lab/media/RetransmitHistory.hpp"
#include "lab/media/RtpReceiver.hpp"
#include "lab/media/RtpSender.hpp"
#include "lab/media/SimulcastSender.hpp"
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
  /** Loss recovery like a browser: an `rtx` codec in our SDP, NACKs (compound with an RR) for the gaps of what we
   *  receive, RTX accepted, and the server's NACKs answered from the history of what we sent. */
  bool nack = false;
  std::uint32_t pli_interval_ms = 0;  // send a PLI for every video stream we receive this often; 0: never
  /** The video m-line offers VP8 simulcast by rid (h, m, l); media then goes through sendRtp (SimulcastSender). */
  bool simulcast = false;
  /** With `simulcast`: offer the layers as `a=ssrc-group:SIM` of these SSRCs (lowest first) instead of rids. */
  std::vector<std::uint32_t> simulcast_ssrcs;
  /** With `simulcast` and the paced media (startMedia/stepMedia): the video m-line's media is a SimulcastSender's
   *  three layers (answering keyframe requests) instead of one RtpSender. */
  bool simulcast_media = false;
  /** A subscriber of simulcast publishers: the layer (0 lowest .. 2) it asked for; resultsFrom() reports what it
   *  received of that layer against what the publisher sent on it. -1: none. */
  int simulcast_layer = -1;
};

/** A SimulcastSender's settings for our negotiated video m-line `video` (its PT, mid, mid/rid extension ids) at
 *  `fps`; layers and stream ids are the caller's. */
SimulcastSenderConfig simulcastSenderConfig(const LocalMedia& video, std::uint32_t fps);

/** The media and transport options every CLI command gives its peers (media profile, SRTP profile, trickle, ICE
 *  address); the test-only knobs (drop_every, bad_fingerprint, stream_id_base) stay at their defaults. */
LabPeerOptions peerOptions(const EchoTestOptions& o);

/** One stream's result: what the sender did and what came back. */
struct StreamResult {
  MediaKind kind = MediaKind::Audio;
  std::string mid;
  StreamReport report;
  std::optional<RecoveryStats> recovery;  // with NACK on: what loss recovery did for this stream
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
  std::uint64_t pli_in = 0;              // PLI or FIR from the server (keyframe requests)
  std::uint64_t remb_in = 0;             // REMB from the server
  std::uint64_t remb_bps = 0;            // the last REMB's bitrate
  std::uint64_t pli_in_other_ssrc = 0;   // PLIs whose media SSRC is not our video SSRC
  std::uint64_t pli_sent = 0;            // PLIs we sent (--send-pli)
  std::uint64_t nack_in = 0;             // sequence numbers the server asked us to resend
  std::uint64_t rtx_sent = 0;            // answered (RTX or plain resend) from our history
  std::uint64_t rtx_miss = 0;            // asked for but no longer (or never) in our history
  std::uint64_t nack_sent = 0;           // sequence numbers we asked for, retries included
  std::uint64_t nack_packets_sent = 0;   // RTCP compounds (RR + NACK) carrying them
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
  /** Answerer (we choose `active`, ICE controlled): applies the server's offer and returns our answer JSEP. A later
   *  offer on the same PeerConnection is a renegotiation (see reanswer()). */
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
  /** RTP packets the simulcast layers sent (simulcast_media), 0 without. */
  std::uint64_t simulcastSent() const;
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

  /** Every decrypted RTP packet goes to `observer` instead of the verifying receiver (set before media flows). */
  using RtpObserver = std::function<void(const std::uint8_t* rtp, std::size_t len, std::uint64_t nowNs)>;
  void setRtpObserver(RtpObserver observer) { rtp_observer_ = std::move(observer); }
  /** Protects and sends one RTP packet built elsewhere (RtpSender::kTailroom writable after it); false when the
   *  media path is not up or refused it. One sending thread at a time. */
  bool sendRtp(std::span<std::uint8_t> packet);
  /** Our m-lines as last negotiated. */
  const std::vector<LocalMedia>& localMedia() const noexcept { return media_; }

 private:
  /** A renegotiation offer (LabPeerRenegotiation.cpp): m-lines added or rejected, mids stable, ICE credentials and
   *  DTLS fingerprint unchanged (anything else throws); answered on the transport we have. */
  Json reanswer(const sdp::SessionDescription& offer, const std::string& offerSdp);
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
  // Loss recovery and keyframe requests (--nack, --send-pli): see lab/media/NackRequester, RetransmitHistory.
  void setupRecovery(const sdp::SessionDescription& remote, bool remoteIsAnswer);
  const std::uint8_t* recoverInbound(std::uint8_t* packet, std::size_t& len, std::uint64_t nowNs);
  void answerNack(std::uint32_t mediaSsrc, const std::uint16_t* seqs, std::size_t count);
  void feedbackLoop();
  void sendFeedback(std::uint64_t nowMs, bool pli);
  bool sendProtected(std::uint8_t* packet, std::size_t len, std::size_t capacity, bool rtcp);

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
  RtpObserver rtp_observer_;
  std::vector<std::unique_ptr<RtpSender>> senders_;
  std::vector<std::uint64_t> first_measured_;
  // simulcast_media: the video layers, paced in the last slot of due_ (media thread; read by resultsFrom() after)
  std::unique_ptr<SimulcastSender> simulcast_;
  std::array<std::uint64_t, 3> simulcast_first_{};       // packets sent per layer when the warm-up ended
  std::uint64_t simulcast_plis_ = 0;                     // keyframe requests already answered
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

  std::mutex send_mutex_;  // outbound_ and the transport's send, shared by the media, loop and feedback threads
  mutable std::mutex recovery_mutex_;
  RetransmitHistory history_;
  struct Received {
    NackRequester nack;
    std::uint32_t stream_id = 0;  // the payload stream it carries (0: none seen yet)
    std::uint64_t packets = 0;    // arrived (originals and unwrapped RTX)
  };
  std::map<std::uint32_t, Received> received_;                              // by media SSRC (video we receive)
  std::map<std::uint32_t, std::pair<std::uint32_t, std::uint8_t>> rtx_of_;  // RTX SSRC → (media SSRC, apt)
  std::thread feedback_;
  bool stop_feedback_ = false;  // under mutex_
};

}  // namespace portunus::lab
