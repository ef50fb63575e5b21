// One plugin attachment inside a session (Janus "handle"): its plugin, its trickle queue, its negotiation flags
// and, once media exists, its PeerConnection (MediaHandler).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "controlplane/core/Clock.hpp"
#include "controlplane/core/MediaHandler.hpp"

namespace portunus::cp {

class Plugin;

class Handle {
 public:
  Handle(std::uint64_t id, std::uint64_t sessionId, Plugin& plugin, std::string opaqueId, long long createdUs)
      : id_(id), sessionId_(sessionId), plugin_(plugin), opaqueId_(std::move(opaqueId)), createdUs_(createdUs) {}

  std::uint64_t id() const noexcept { return id_; }
  std::uint64_t sessionId() const noexcept { return sessionId_; }
  Plugin& plugin() const noexcept { return plugin_; }
  const std::string& opaqueId() const noexcept { return opaqueId_; }
  long long createdUs() const noexcept { return createdUs_; }

  /** Trickle: a candidate goes to the PeerConnection when it is ready, else into the queue (janus.js trickles
   *  before it sends the offer). Returns true when it was queued. */
  bool addCandidate(const nlohmann::json& candidate, Clock::time_point now);
  /** Drops queued candidates older than `maxAge` (Janus's candidates_timeout); returns how many went. */
  std::size_t expireCandidates(Clock::time_point now, std::chrono::seconds maxAge);
  /** Hands the queue to the PeerConnection once it is ready. */
  void flushCandidates();
  std::size_t pendingCandidates() const noexcept { return pending_.size(); }
  /** True when a trickle would go to the PeerConnection at once rather than into the queue. */
  bool takesCandidatesNow() const { return media_ && media_->readyForCandidates(); }

  MediaHandler* media() const noexcept { return media_.get(); }
  void setMedia(std::unique_ptr<MediaHandler> media) { media_ = std::move(media); }
  std::unique_ptr<MediaHandler> releaseMedia() { return std::move(media_); }

  /** Negotiation flags, named as Janus's handle_info `flags`. */
  struct Flags {
    bool gotOffer = false;
    bool gotAnswer = false;
    bool negotiated = false;
    bool processingOffer = false;
    bool ready = false;
    bool alert = false;  // hung up: the plugin has been told (hangup_media) and must not be told twice
    bool trickle = false;
    bool allTrickles = false;
    bool hasAudio = false;
    bool hasVideo = false;
    bool dataChannels = false;
    bool e2ee = false;
  };
  Flags& flags() noexcept { return flags_; }
  const Flags& flags() const noexcept { return flags_; }

  std::string localSdp;
  std::string remoteSdp;

  /** Admin handle_info `flags` object. */
  nlohmann::json flagsJson() const;

 private:
  /** Gives one trickle (a candidate, null, `completed`, or a `candidates` array) to the PeerConnection. */
  void feed(const nlohmann::json& candidate);
  struct Queued {
    nlohmann::json candidate;
    Clock::time_point received;
  };

  std::uint64_t id_;
  std::uint64_t sessionId_;
  Plugin& plugin_;
  std::string opaqueId_;
  long long createdUs_;
  Flags flags_;
  std::deque<Queued> pending_;
  std::unique_ptr<MediaHandler> media_;
};

}  // namespace portunus::cp
