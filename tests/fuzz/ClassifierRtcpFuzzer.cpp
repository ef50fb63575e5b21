// libFuzzer target over the receive path's parsers: the frame classifier, then (for RTP/RTCP payloads) the RTP
// header view with its extensions and the RTCP compound walk, feedback and report-block accessors.
#include <cstddef>
#include <cstdint>

#include "common/proto/RtcpPacket.hpp"
#include "common/proto/RtpPacket.hpp"
#include "dataplane/Classifier.hpp"

namespace {

void parsePayload(const std::uint8_t* p, std::size_t len) {
  using namespace portunus::proto;
  if (demux(p, len) == PacketKind::Rtcp || len < 64) {
    RtcpCompound c(p, len);
    RtcpBlock b;
    std::uint32_t targets[4];
    volatile std::uint32_t sink = 0;
    while (c.next(b) == RtcpParseStatus::Ok) {
      sink = sink + b.sender_ssrc + b.media_ssrc();
      if (b.type == rtcp::kPsfb) sink = sink + static_cast<std::uint32_t>(firTargets(b, targets, 4));
    }
    (void)validateCompound(p, len);
  }
  RtpPacket rtp;
  if (rtp.parse(p, len) == RtpParseStatus::Ok) {
    const std::uint8_t* v = nullptr;
    for (std::uint8_t id = 1; id < 16; ++id) {
      const std::size_t n = rtp.findExtension(id, &v);
      if (n) {
        volatile std::uint8_t last = v[n - 1];  // must be inside the buffer (ASan checks)
        (void)last;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace portunus::dp;
  const Classified c = classify(data, size);
  if (c.verdict == Verdict::Udp || (c.verdict == Verdict::Punt && c.payload_off)) {
    if (c.payload_off + c.payload_len <= size) parsePayload(data + c.payload_off, c.payload_len);
  }
  parsePayload(data, size);  // the payload parsers alone, on the raw input
  return 0;
}
