#include "controlplane/core/Handle.hpp"

namespace portunus::cp {

bool Handle::addCandidate(const nlohmann::json& candidate, Clock::time_point now) {
  flags_.trickle = true;  // a trickle on a handle that never announced trickle simply switches it on
  if (media_ && media_->readyForCandidates()) {
    feed(candidate);
    return false;
  }
  // One queued entry per trickle request (a `candidates` array stays one entry), as Janus counts them.
  pending_.push_back({candidate, now});
  return true;
}

void Handle::feed(const nlohmann::json& candidate) {
  if (candidate.is_array()) {
    for (const auto& c : candidate)
      feed(c);
    return;
  }
  // The end of candidates only counts once it reaches the PeerConnection.
  if (candidate.is_null() || (candidate.is_object() && candidate.value("completed", false))) flags_.allTrickles = true;
  media_->addRemoteCandidate(candidate.is_null() ? nlohmann::json{{"completed", true}} : candidate);
}

std::size_t Handle::expireCandidates(Clock::time_point now, std::chrono::seconds maxAge) {
  std::size_t dropped = 0;
  while (!pending_.empty() && now - pending_.front().received >= maxAge) {
    pending_.pop_front();
    ++dropped;
  }
  return dropped;
}

void Handle::flushCandidates() {
  if (!media_ || !media_->readyForCandidates()) return;
  while (!pending_.empty()) {
    feed(pending_.front().candidate);
    pending_.pop_front();
  }
}

nlohmann::json Handle::flagsJson() const {
  return {{"got-offer", flags_.gotOffer},
          {"got-answer", flags_.gotAnswer},
          {"negotiated", flags_.negotiated},
          {"processing-offer", flags_.processingOffer},
          {"starting", false},
          {"ice-restart", false},
          {"ready", flags_.ready},
          {"stopped", false},
          {"alert", flags_.alert},
          {"trickle", flags_.trickle},
          {"all-trickles", flags_.allTrickles},
          {"resend-trickles", false},
          {"trickle-synced", false},
          {"data-channels", flags_.dataChannels},
          {"has-audio", flags_.hasAudio},
          {"has-video", flags_.hasVideo},
          {"new-datachan-sdp", false},
          {"rfc4588-rtx", false},
          {"cleaning", false},
          {"e2ee", flags_.e2ee}};
}

}  // namespace portunus::cp
