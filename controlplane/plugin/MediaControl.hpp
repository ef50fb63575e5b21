// What a plugin may ask of the media layer (DESIGN §1: plugins decide policy, never see packets or ICE/DTLS).
// Implemented by cp::MediaService; a plugin gets it at construction and may find none (no media layer wired in).
//
// Threading: thread-safe; answerOffer() blocks the calling plugin worker until our ICE candidates are gathered.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

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
};

/** Loopback forwarding (EchoTest): each inbound stream goes back out on the same PeerConnection's stream of the same
 *  mid, for the kinds switched on. `bitrateCap` (bps, 0 = none) is the REMB cap the plugin asks for. */
struct LoopbackPolicy {
  bool audio = true;
  bool video = true;
  std::uint64_t bitrateCap = 0;
};

class MediaControl {
 public:
  virtual ~MediaControl() = default;
  /** Answers the handle's remote offer (the JSEP object the plugin got). Returns the answer JSEP object
   *  (`type`, `sdp`). Throws MediaNegotiationError. */
  virtual nlohmann::json answerOffer(HandleId handle, const nlohmann::json& offer, const AnswerPolicy& policy) = 0;
  /** Sets (or changes) the loopback routes of the handle's PeerConnection; applied once media is up. */
  virtual void setLoopback(HandleId handle, const LoopbackPolicy& policy) = 0;
};

}  // namespace portunus::cp
