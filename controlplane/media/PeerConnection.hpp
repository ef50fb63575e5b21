// A handle's one PeerConnection (DESIGN §2–4): the remote offer's transport parameters go to ICE at once (so the
// handle's queued trickles can follow), the plugin's answer policy turns the offer into our answer, and when ICE and
// DTLS are up the selected pair and the exported keys program the dataplane: one transport, an inbound stream per
// remote SSRC, an outbound stream per local SSRC, and the routes the plugin's policy asks for. Every dataplane object
// goes away with the PeerConnection.
//
// Threads: constructed, hung up and destroyed on the API loop (the handle owns it); answer()/setLoopback() from a
// plugin worker; WebRtcTransport callbacks on an IceLoop. One mutex guards the state; events for the client are
// posted to the API loop by handle id, never through `this`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/core/MediaHandler.hpp"
#include "controlplane/plugin/MediaControl.hpp"
#include "controlplane/webrtc/JsepNegotiator.hpp"
#include "controlplane/webrtc/WebRtcTransport.hpp"
#include "dataplane/DataplaneTypes.hpp"

namespace portunus::cp {

class MediaService;

class PeerConnection final : public MediaHandler {
 public:
  /** Parses the remote offer, applies its ICE/DTLS parameters and starts gathering. Throws JanusError 465. */
  PeerConnection(MediaService& service, std::uint64_t sessionId, HandleId handle, const std::string& remoteSdp);
  /** Portunus will offer (a subscriber): starts gathering as the ICE-controlling side; the remote parameters come
   *  with the answer (acceptAnswer). Throws JanusError 465 when the transport cannot be created. */
  PeerConnection(MediaService& service, std::uint64_t sessionId, HandleId handle);
  ~PeerConnection() override;
  PeerConnection(const PeerConnection&) = delete;
  PeerConnection& operator=(const PeerConnection&) = delete;

  HandleId handleId() const noexcept { return handle_; }

  bool readyForCandidates() const override;
  void addRemoteCandidate(const nlohmann::json& candidate) override;
  void hangup(std::string_view reason) override;
  bool closing() const override;
  nlohmann::json info() const override;

  /** Our answer JSEP (`type`, `sdp`) to `offerSdp` (empty: the offer the PeerConnection was created with) within
   *  the plugin's policy; a renegotiation when an exchange already happened. Throws MediaNegotiationError. */
  nlohmann::json answer(const AnswerPolicy& policy, const std::string& offerSdp = {});
  /** MediaService::awaitGathering(): enterGatheringWait() while the service's map lock keeps us alive, then
   *  gatheringWait() without it (until gathered, closed, destroyed or the gathering timeout; never throws). */
  void enterGatheringWait();
  void gatheringWait();
  void setLoopback(const LoopbackPolicy& policy);
  /** Our offer JSEP (first or renegotiation). Throws MediaNegotiationError. */
  nlohmann::json offer(const OfferSpec& spec);
  /** The answer to our pending offer. Throws MediaNegotiationError. */
  void acceptAnswer(const std::string& answerSdp);
  std::vector<StreamDescription> describe() const;
  /** REMB cap toward the client (0 = none), applied now or when the transport is programmed. */
  void setBitrateCap(std::uint64_t bps);
  /** Periodic PLI on the received video streams (0 = off). */
  void setFirFreq(std::uint32_t seconds);

 private:
  struct Inbound {
    std::string mid;
    dp::MediaKind kind;
    std::uint32_t ssrc;
    dp::StreamId id;
    std::uint32_t rtxSsrc = 0;
    std::string rid;  // simulcast by rid: the SSRC (0 here) is learned from the rid extension
  };
  struct Outbound {
    std::string mid;
    dp::MediaKind kind;
    std::uint32_t ssrc;
    dp::StreamId id;
  };
  struct Route {
    dp::StreamId in;
    dp::StreamId out;
    dp::RouteId id;
  };

  WebRtcTransportCallbacks makeCallbacks();
  void onLocalCandidate(const IceCandidate& candidate);
  /** Keeps a remote candidate ICE took for handle_info (mutex_ held). */
  void listRemoteCandidate(const IceCandidate& c);
  void onGatheringDone();
  void onReady(const IceSelectedPair& pair, const DtlsSrtpKeys& keys);
  void onPairChanged(const IceSelectedPair& pair);
  void onTransportHangup(const std::string& reason);
  /** Programs transport and streams (lock held). Returns false (and logs) on a dataplane refusal. */
  bool programDataplaneLocked(const IceSelectedPair& pair, const DtlsSrtpKeys& keys);
  /** Makes the dataplane streams match the negotiation (first programming and every renegotiation), tells the
   *  MediaService which streams exist, then removes the ones the negotiation dropped (lock held). */
  bool syncStreamsLocked();
  /** Tells the MediaService our current dataplane streams (its cross-handle routes follow them). */
  void publishStreamsLocked();
  /** Our ICE/DTLS parameters and candidates for an SDP (lock held, gathering done). */
  JsepLocalTransport localTransportLocked();
  void waitForGatheringLocked(std::unique_lock<std::mutex>& lock);
  /** Adds/removes loopback routes to match the policy (lock held); a full route table hangs the handle up
   *  ("Dataplane table full") and sets failed_. */
  void applyRoutesLocked();
  /** Removes every dataplane object (lock held). */
  void releaseDataplaneLocked();

  MediaService& service_;
  const std::uint64_t session_;
  const HandleId handle_;

  mutable std::mutex mutex_;
  std::condition_variable gathered_;
  std::unique_ptr<WebRtcTransport> transport_;
  JsepNegotiator negotiator_;
  std::string remoteSdp_;
  std::optional<NegotiatedSession> negotiated_;
  std::optional<JsepOffer> pendingOffer_;  // our offer awaiting its answer
  // When the ICE agent was made, on the steady clock's microseconds as handle_info's `created` (Janus's agent-created).
  long long agentCreatedUs_ =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  std::optional<std::string> firstMid_;  // the first m-line's mid: everything is bundled on it
  bool offerer_ = false;                 // created to offer: remote parameters come with the first answer
  unsigned sessionVersion_ = 0;          // o= version of our SDPs
  std::uint32_t firFreq_ = 0;            // periodic PLI on received video, seconds (0 = off)
  std::vector<IceCandidate> localCandidates_;
  bool gatheringDone_ = false;
  unsigned gatheringWaiters_ = 0;  // in gatheringWait(): the destructor waits for them
  bool destroying_ = false;
  std::condition_variable waitersGone_;
  bool remoteApplied_ = false;
  std::string iceState_ = "new";
  std::string dtlsState_ = "created";  // Janus's names: created, connected, failed
  std::optional<IceSelectedPair> pair_;
  std::string srtpProfile_ = "none";  // until DTLS gives one, as Janus shows it
  bool up_ = false;
  bool closed_ = false;
  bool failed_ = false;     // the transport failed or the dataplane refused it: a hangup is on its way
  bool tableFull_ = false;  // the last dataplane refusal was ApiStatus::TableFull
  std::optional<LoopbackPolicy> loopback_;
  std::uint64_t bitrateCap_ = 0;  // REMB cap toward the client the plugin asked for, bps (0: none)
  std::uint64_t keyframesRequested_ = 0;
  // The remote candidates ICE took, as handle_info lists them (the first kListedRemoteCandidates: a peer that trickles
  // without end does not grow it).
  static constexpr std::size_t kListedRemoteCandidates = 64;
  std::vector<std::string> remoteCandidates_;
  DtlsRole dtlsRole_ = DtlsRole::Client;
  std::string remoteFingerprint_, remoteFingerprintHash_;

  dp::TransportId transportId_ = dp::kInvalidId;
  std::uint16_t worker_ = 0;
  std::vector<Inbound> inbound_;
  std::vector<Outbound> outbound_;
  std::vector<Route> routes_;
};

}  // namespace portunus::cp
