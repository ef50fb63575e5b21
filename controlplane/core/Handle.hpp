// One plugin attachment inside a session (Janus "handle"): its plugin, its trickle queue, its negotiation flags
// and, once media exists, its PeerConnection (MediaHandler).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controlplane/core/Clock.hpp"
#include "controlplane/core/JanusError.hpp"
#include "controlplane/core/MediaHandler.hpp"

namespace portunus::cp {

class Plugin;

/** One trickle request's candidates as Janus 1.1.2 takes them: an array whose values are each a candidate object or
 *  `{"completed":true}` (any value that is no object, and an object with `completed` of any value, ends the
 *  candidates). `value` is the request's `candidate` (`many` false) or `candidates` (true). Parsed at once
 *  (`parsedNow`: the offer/answer round is complete), `candidate` is one entry whatever it holds and `candidates`
 *  (an array: the router checked) one entry per value; queued, an object is one entry, an array one entry per value,
 *  and anything else none. */
nlohmann::json trickleEntries(const nlohmann::json& value, bool many, bool parsedNow);

/** janus_ice_trickle_parse's checks of one trickled candidate object, in its order (467/456 with its wording); a
 *  value that ends the candidates has none. Entries that fail them are dropped from trickleEntries. */
std::optional<JanusError> trickleCandidateError(const nlohmann::json& candidate);

class Handle {
 public:
  Handle(std::uint64_t id, std::uint64_t sessionId, Plugin& plugin, std::string opaqueId, long long createdUs)
      : id_(id), sessionId_(sessionId), plugin_(plugin), opaqueId_(std::move(opaqueId)), createdUs_(createdUs) {}

  std::uint64_t id() const noexcept { return id_; }
  std::uint64_t sessionId() const noexcept { return sessionId_; }
  Plugin& plugin() const noexcept { return plugin_; }
  const std::string& opaqueId() const noexcept { return opaqueId_; }
  long long createdUs() const noexcept { return createdUs_; }

  /** Trickle: one request's entries (trickleEntries) go to the PeerConnection when it is ready, else into the
   *  queue as one entry (janus.js trickles before it sends the offer). Returns true when they were queued. */
  bool addCandidate(const nlohmann::json& entries, Clock::time_point now);
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

  /** Negotiation flags, named as Janus's handle_info `flags` and set when Janus 1.1.2 sets them (its has-audio and
   *  has-video are never set any more: always false). */
  struct Flags {
    bool gotOffer = false;
    bool gotAnswer = false;
    bool negotiated = false;
    bool processingOffer = false;
    bool starting = false;  // ICE started with candidates still to be trickled (not cleared by a hangup)
    bool ready = false;
    bool alert = false;  // hung up: the plugin has been told (hangup_media) and must not be told twice
    bool trickle = false;
    bool allTrickles = false;
    bool dataChannels = false;
    bool e2ee = false;

    /** An offer, ours or the peer's, opens a round. */
    void offered() noexcept {
      gotOffer = true;
      gotAnswer = false;
    }
    /** An answer, ours or the peer's, closes it: negotiated once an offer was seen, and ICE starts at once when
     *  candidates are still to be trickled. */
    void answered() noexcept {
      gotAnswer = true;
      if (gotOffer) negotiated = true;
      if (trickle && !allTrickles) starting = true;
    }
  };
  Flags& flags() noexcept { return flags_; }
  const Flags& flags() const noexcept { return flags_; }

  std::string localSdp;
  std::string remoteSdp;

  /** Admin handle_info `flags` object. */
  nlohmann::json flagsJson() const;

 private:
  /** Gives one request's entries to the PeerConnection. */
  void feed(const nlohmann::json& entries);
  struct Queued {
    nlohmann::json candidate;  // one request's entries (trickleEntries)
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
