#include "controlplane/core/Handle.hpp"

namespace portunus::cp {
namespace {

/** Appends what one value is to the PeerConnection: the end of candidates, a candidate, or nothing (a candidate
 *  Janus refuses; a queued or listed one is dropped without an error). */
void appendTrickleEntry(nlohmann::json& entries, const nlohmann::json& value) {
  if (!value.is_object() || value.contains("completed"))
    entries.push_back({{"completed", true}});
  else if (!trickleCandidateError(value))
    entries.push_back(value);
}

}  // namespace

std::optional<JanusError> trickleCandidateError(const nlohmann::json& c) {
  if (!c.is_object() || c.contains("completed")) return std::nullopt;
  const auto mid = c.find("sdpMid");
  if (mid != c.end() && !mid->is_string())
    return JanusError(ErrorCode::InvalidElementType, "Trickle error: invalid element type (sdpMid should be a string)");
  const auto mline = c.find("sdpMLineIndex");
  if (mline != c.end() && (!mline->is_number_integer() || mline->get<std::int64_t>() < 0))
    return JanusError(ErrorCode::InvalidElementType,
                      "Trickle error: invalid element type (sdpMLineIndex should be a positive integer)");
  if (mid == c.end() && mline == c.end())
    return JanusError(ErrorCode::MissingMandatoryElement,
                      "Trickle error: missing mandatory element (sdpMid or sdpMLineIndex)");
  const auto candidate = c.find("candidate");
  if (candidate == c.end())
    return JanusError(ErrorCode::MissingMandatoryElement, "Trickle error: missing mandatory element (candidate)");
  if (!candidate->is_string())
    return JanusError(ErrorCode::InvalidElementType,
                      "Trickle error: invalid element type (candidate should be a string)");
  return std::nullopt;
}

nlohmann::json trickleEntries(const nlohmann::json& value, bool many, bool parsedNow) {
  auto entries = nlohmann::json::array();
  if (parsedNow && !many) {
    appendTrickleEntry(entries, value);
  } else if (value.is_array()) {
    for (const auto& v : value)
      appendTrickleEntry(entries, v);
  } else if (value.is_object()) {
    appendTrickleEntry(entries, value);
  }
  return entries;
}

bool Handle::addCandidate(const nlohmann::json& entries, Clock::time_point now) {
  flags_.trickle = true;  // a trickle on a handle that never announced trickle simply switches it on
  if (media_ && media_->readyForCandidates()) {
    feed(entries);
    return false;
  }
  // One queued entry per trickle request (a `candidates` array stays one entry), as Janus counts them.
  pending_.push_back({entries, now});
  return true;
}

void Handle::feed(const nlohmann::json& entries) {
  for (const auto& entry : entries) {
    // The end of candidates only counts once it reaches the PeerConnection.
    if (entry.contains("completed")) flags_.allTrickles = true;
    media_->addRemoteCandidate(entry);
  }
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
          {"starting", flags_.starting},
          {"ice-restart", false},
          {"ready", flags_.ready},
          {"stopped", false},
          {"alert", flags_.alert},
          {"trickle", flags_.trickle},
          {"all-trickles", flags_.allTrickles},
          {"resend-trickles", false},
          {"trickle-synced", false},
          {"data-channels", flags_.dataChannels},
          {"has-audio", false},
          {"has-video", false},
          {"new-datachan-sdp", false},
          {"rfc4588-rtx", false},
          {"cleaning", false},
          {"e2ee", flags_.e2ee}};
}

}  // namespace portunus::cp
