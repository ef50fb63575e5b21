// SDP text -> SessionDescription. Strict where a value matters to negotiation (numbers, payload types, m= fields,
// fingerprints, candidates: a bad one throws SdpError with its line and reason), lenient where it does not
// (unknown attributes and line types are kept verbatim). Accepts CRLF or LF line ends. Never trusts sizes.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/sdp/SessionDescription.hpp"

namespace portunus::sdp {

/** Larger descriptions are refused outright (a browser offer with many m-lines stays far below). */
inline constexpr std::size_t kMaxSdpBytes = 256 * 1024;

SessionDescription parseSdp(std::string_view text);

}  // namespace portunus::sdp
