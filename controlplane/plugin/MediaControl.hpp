// What a plugin may ask of the media layer (DESIGN §1: plugins decide policy, never see packets or ICE/DTLS).
// Implemented by cp::MediaService; a plugin gets it at construction and may find none (no media layer wired in).
//
// Threading: thread-safe; answerOffer() and createOffer() block the calling plugin worker until our ICE candidates
// are gathered. Call them from plugin workers, never from the control loop (createOffer needs that loop).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "controlplane/plugin/Plugin.hpp"

namespace portunus::cp {

/** The offer could not be answered (bad or unsupported SDP, no PeerConnection): Janus's plugin SDP error. */
class MediaNegotiationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** What a plugin allows in an answer: per kind, whether Portunus may send and receive it. */
struct AnswerPolicy {
  bool sendAudio = true;
  bool recvAudio = true;
  bool sendVideo = true;
  bool recvVideo = true;
  /** Codec names in preference order (a VideoRoom room's audiocodec/videocodec); with `restrictCodecs` an m-line
   *  offering none of them is rejected with port 0. `videoProfile`: preferred H264 profile-level-id / VP9 profile. */
  std::vector<std::string> audioCodecs;
  std::vector<std::string> videoCodecs;
  std::string videoProfile;
  bool restrictCodecs = false;
};

/** Loopback forwarding (EchoTest): each inbound stream goes back out on the same PeerConnection's stream of the same
 *  mid, for the kinds switched on. `bitrateCap` (bps, 0 = none) is the REMB cap the plugin asks for. */
struct LoopbackPolicy {
  bool audio = true;
  bool video = true;
  std::uint64_t bitrateCap = 0;
};

/** One m-line Portunus offers (a VideoRoom subscriber stream), usually copied from a publisher's StreamDescription:
 *  same codec, payload type and fmtp (the dataplane forwards without transcoding), RTX when the publisher had it,
 *  never simulcast (a subscriber receives one layer). `active = false` keeps the mid as an inactive m-line of
 *  the bundle (a removed subscription, as Janus offers it); mids stay stable across renegotiations. */
struct OfferStream {
  std::string mid;
  std::string kind = "video";  // "audio" | "video"
  std::string codec;           // rtpmap encoding name ("opus", "VP8", ...)
  std::optional<std::uint8_t> payloadType;
  std::optional<std::string> fmtp;
  bool rtx = false;
  bool active = true;
  std::string msidStream;  // empty: Portunus's default msid
  std::string msidTrack;
};

/** A server offer: the m-lines in order (a renegotiation lists every mid offered before, in the same order). */
struct OfferSpec {
  std::vector<OfferStream> streams;
};

/** What one negotiated m-line of a handle carries (MediaControl::describe). Ids are the dataplane's, 0 until the
 *  PeerConnection is up (or without a dataplane). */
struct StreamDescription {
  std::string mid;
  std::string kind;  // "audio" | "video" | "application" | ...
  bool active = false;
  bool receiving = false;  // the client sends it to Portunus (a publisher stream)
  bool sending = false;    // Portunus sends it to the client (a subscriber stream)
  std::string codec;
  std::uint8_t payloadType = 0;
  std::uint32_t clockRate = 0;
  std::uint32_t channels = 1;
  std::string fmtp;
  std::optional<std::uint8_t> rtxPayloadType;
  std::vector<std::uint32_t> ssrcs;     // the client's SSRCs (simulcast: lowest layer first)
  std::vector<std::uint32_t> rtxSsrcs;  // per ssrc, 0 when none
  std::vector<std::string> rids;        // simulcast by rid
  bool simulcast = false;
  std::vector<std::string> rtcpFeedback;  // "nack", "nack pli", "ccm fir", "goog-remb"
  std::vector<std::uint32_t> inboundIds;  // per received stream (layer)
  std::uint32_t outboundId = 0;
  std::uint32_t localSsrc = 0;  // what Portunus sends with, 0 when it does not send
};

/** The layer a simulcast connection forwards changed (the dataplane switched at the new layer's keyframe): Janus's
 *  subscriber `substream` / `temporal` events. `value` is the layer now forwarded (0 = lowest). */
struct LayerChange {
  enum class Kind : std::uint8_t { Substream, Temporal };
  Kind kind = Kind::Substream;
  int value = 0;
};
/** Runs on the control loop; must not call back into MediaControl with its own locks held. */
using LayerListener = std::function<void(const LayerChange&)>;

/** Forwarding from a publisher handle's stream (mid) to a subscriber handle's stream (mid). The route exists while
 *  both PeerConnections are up and it is not paused; it is set up again when either side comes back. */
struct ConnectionSpec {
  HandleId source = 0;
  std::string sourceMid;
  HandleId sink = 0;
  std::string sinkMid;
  bool paused = false;
  /** Simulcast (a publisher stream with several layers): the layer to forward (0 = lowest; -1 = the highest the
   *  publisher sends), the highest temporal layer (-1 = all) and the time without packets after which a layer
   *  counts as stopped (Janus `fallback`, µs; 0 = the dataplane's default). Switches happen at keyframes. */
  int substream = -1;
  int temporal = -1;
  std::uint32_t fallbackUs = 0;
  /** Told of every layer change of the connection's route (optional). */
  LayerListener onLayerChange;
};
using ConnectionId = std::uint64_t;

class MediaControl {
 public:
  virtual ~MediaControl() = default;
  /** Answers the handle's remote offer (the JSEP object the plugin got). Returns the answer JSEP object
   *  (`type`, `sdp`). Throws MediaNegotiationError. */
  virtual nlohmann::json answerOffer(HandleId handle, const nlohmann::json& offer, const AnswerPolicy& policy) = 0;
  /** Waits (at most the gathering timeout) until the handle's PeerConnection, if it has one, gathered its ICE
   *  candidates, holding no lock of the media layer meanwhile. A plugin calls it before taking its own lock for a
   *  message with an offer, so that answerOffer() under that lock no longer waits and one handle's gathering does
   *  not hold up the others. */
  virtual void awaitGathering(HandleId handle) = 0;
  /** Sets (or changes) the loopback routes of the handle's PeerConnection; applied once media is up. */
  virtual void setLoopback(HandleId handle, const LoopbackPolicy& policy) = 0;

  /** Portunus offers (a subscriber): creates the handle's PeerConnection when it has none (Portunus is then
   *  ICE-controlling and `a=setup:actpass`), or renegotiates the existing one (ICE and DTLS untouched). Returns the
   *  offer JSEP object. Throws MediaNegotiationError. */
  virtual nlohmann::json createOffer(HandleId handle, const OfferSpec& spec) = 0;
  /** The client's answer to our last offer (the JSEP object the plugin got). Throws MediaNegotiationError. */
  virtual void acceptAnswer(HandleId handle, const nlohmann::json& answer) = 0;
  /** The handle's negotiated m-lines (empty without a negotiation). */
  virtual std::vector<StreamDescription> describe(HandleId handle) = 0;

  /** Places the handle's transport on the dataplane worker of `group` (e.g. the room): routes only join streams of
   *  one worker. Call before the PeerConnection comes up. */
  virtual void setPlacement(HandleId handle, std::uint64_t group) = 0;
  /** Forwarding between two handles' streams; applied whenever both PeerConnections are up. */
  virtual ConnectionId connect(const ConnectionSpec& spec) = 0;
  virtual void disconnect(ConnectionId id) = 0;
  /** Every connection from or to the handle. */
  virtual void disconnectHandle(HandleId handle) = 0;
  virtual void setPaused(ConnectionId id, bool paused) = 0;
  /** Points the connection at another publisher stream (`switch`); the subscriber's SSRC and sequence continue. */
  virtual void repoint(ConnectionId id, HandleId source, const std::string& sourceMid) = 0;
  /** New simulcast targets (ConnectionSpec::substream/temporal/fallbackUs). */
  virtual void setLayers(ConnectionId id, int substream, int temporal, std::uint32_t fallbackUs) = 0;

  /** Asks the publisher of the handle's received stream `mid` (empty: every video stream) for a keyframe (PLI). */
  virtual void requestKeyframe(HandleId handle, const std::string& mid) = 0;
  /** REMB cap (bps, 0 = none) toward the client for everything it sends on the handle's PeerConnection. */
  virtual void setBitrateCap(HandleId handle, std::uint64_t bps) = 0;
  /** Periodic keyframe request every `seconds` (0 = off) on the handle's received video (room `fir_freq`). */
  virtual void setFirFreq(HandleId handle, std::uint32_t seconds) = 0;
};

}  // namespace portunus::cp
