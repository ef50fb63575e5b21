// SessionDescription -> SDP text with CRLF line ends, in the attribute order browsers use (ICE/DTLS, mid, extmap,
// direction, msid, rtcp-mux, then per payload type rtpmap/rtcp-fb/fmtp, ssrc-group, ssrc, candidates). Writing what
// the parser read and parsing it again yields the same model.
#pragma once

#include <string>

#include "common/sdp/SessionDescription.hpp"

namespace portunus::sdp {

std::string writeSdp(const SessionDescription& description);

}  // namespace portunus::sdp
