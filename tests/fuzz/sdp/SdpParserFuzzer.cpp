// libFuzzer target for the SDP parser (common/sdp). Hostile text must either parse or throw SdpError — never crash,
// hang or throw anything else — and what parses must survive the writer: written text parses to the same model, and
// writing that again gives the same text. The candidate grammar (also used for trickle messages) is fuzzed directly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/sdp/FmtpParameters.hpp"
#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpWriter.hpp"

namespace sdp = portunus::sdp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  try {
    const sdp::SessionDescription parsed = sdp::parseSdp(text);
    const std::string written = sdp::writeSdp(parsed);
    const sdp::SessionDescription reparsed = sdp::parseSdp(written);
    if (!(reparsed == parsed)) std::abort();
    if (sdp::writeSdp(reparsed) != written) std::abort();
    for (std::size_t i = 0; i < parsed.media.size(); ++i) {
      (void)parsed.effectiveTransport(i);
      for (const auto& f : parsed.media[i].fmtps) {
        (void)sdp::fmtpParameter(f.parameters, "apt");
      }
    }
  } catch (const sdp::SdpError& e) {
    if (e.reason().empty()) std::abort();
  }

  try {
    const sdp::IceCandidate candidate = sdp::parseIceCandidate(text);
    const std::string line = sdp::formatIceCandidate(candidate);
    if (!(sdp::parseIceCandidate(line) == candidate)) std::abort();
  } catch (const sdp::SdpError&) {
  }
  return 0;
}
