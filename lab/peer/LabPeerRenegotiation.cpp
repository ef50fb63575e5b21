// The lab peer answering a second (third, ...) server offer on a PeerConnection that is up, as a browser's
// setRemoteDescription(offer) + createAnswer() does for a VideoRoom subscriber's `updated`: ICE and DTLS stay as they
// are, the m-lines follow the offer (new ones taken, port-0 ones rejected) and the mids of the kept ones must not move.
#include <stdexcept>

#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpWriter.hpp"
#include "lab/peer/LabPeer.hpp"

namespace portunus::lab {
namespace {

struct TransportIdentity {
  std::string ufrag, pwd, fingerprint;
};

// The transport of the first m-line still in use (a rejected one, port 0, need not carry it).
TransportIdentity identityOf(const sdp::SessionDescription& d) {
  std::size_t used = 0;
  while (used + 1 < d.media.size() && d.media[used].port == 0)
    ++used;
  const sdp::TransportAttributes t = d.effectiveTransport(used);
  TransportIdentity id;
  id.ufrag = t.iceUfrag.value_or("");
  id.pwd = t.icePwd.value_or("");
  for (const auto& f : t.fingerprints)
    if (f.algorithm == "sha-256") id.fingerprint = f.hex();
  return id;
}

}  // namespace

Json LabPeer::reanswer(const sdp::SessionDescription& offer, const std::string& offerSdp) {
  const sdp::SessionDescription previous = sdp::parseSdp(remote_sdp_);
  if (offer.media.size() < previous.media.size())
    throw std::runtime_error("renegotiation offer dropped m-lines (" + std::to_string(previous.media.size()) + " -> " +
                             std::to_string(offer.media.size()) + ")");
  for (std::size_t i = 0; i < previous.media.size(); ++i) {
    if (previous.media[i].mid != offer.media[i].mid)
      throw std::runtime_error("renegotiation offer moved mid of m-line " + std::to_string(i));
  }
  const TransportIdentity before = identityOf(previous), after = identityOf(offer);
  if (before.ufrag != after.ufrag || before.pwd != after.pwd)
    throw std::runtime_error("renegotiation offer changed the ICE credentials (an ICE restart)");
  if (before.fingerprint != after.fingerprint)
    throw std::runtime_error("renegotiation offer changed the DTLS fingerprint");
  remote_sdp_ = offerSdp;
  media_ = answerMedia(offer, options_.audio, options_.video, audio_ssrc_, video_ssrc_);
  const bool inSdp = options_.trickle == TrickleMode::None;
  local_sdp_ = sdp::writeSdp(buildDescription(media_, localTransport(sdp::SetupRole::Active, inSdp), cname_));
  note("renegotiated " + std::to_string(media_.size()) + " m-lines");
  Json jsep = {{"type", "answer"}, {"sdp", local_sdp_}};
  if (inSdp) jsep["trickle"] = false;
  return jsep;
}

}  // namespace portunus::lab
