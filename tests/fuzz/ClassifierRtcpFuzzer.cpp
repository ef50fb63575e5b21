// libFuzzer target over the receive path's parsers: the frame classifier, then (for RTP/RTCP payloads) the RTP
// header view with its extensions (mid, rid, abs-send-time, transport-cc) and the RTCP compound walk, feedback and
// report-block accessors; and the classifier's same-flow short cut against the full classification.
#include <cstddef>
#include <cstdint>
#include <vector>

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
    // Every id the SDP can negotiate (one-byte form 1..14, two-byte form 1..255), as the dataplane reads mid/rid
    // (a token of 1..16 bytes), abs-send-time (24 bits) and transport-cc (16 bits): a value found lies inside the
    // extension block, never in the payload or past the packet.
    const std::uint8_t* block = p + rtp.extension_offset;
    const std::uint8_t* v = nullptr;
    volatile std::uint32_t sink = 0;
    for (unsigned id = 1; id < 256; ++id) {
      const std::size_t n = rtp.findExtension(static_cast<std::uint8_t>(id), &v);
      if (n == 0) continue;
      if (v < block || v + n > block + rtp.extension_length || v + n > p + len) __builtin_trap();
      if (n == 3) sink = sink + (static_cast<std::uint32_t>(v[0]) << 16 | static_cast<std::uint32_t>(v[1]) << 8 | v[2]);
      if (n == 2) sink = sink + (static_cast<std::uint32_t>(v[0]) << 8 | v[1]);
      if (n <= 16) sink = sink + v[n - 1];  // mid / rid text
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
  // The receive path's same-flow short cut: the input as the previous frame, and a frame made of it with one byte
  // changed and its length cut or padded (the last three input bytes say how). Where the short cut answers, it
  // answers exactly as classify() does.
  if (c.verdict == Verdict::Udp && size >= 3) {
    std::vector<std::uint8_t> f(data, data + size);
    f[data[size - 1] % size] ^= data[size - 2];
    f.resize(size + (data[size - 3] & 0x0f) - 8, 0);
    Classified short_cut;
    if (classifySameFlow(f.data(), f.size(), data, c, short_cut)) {
      const Classified full = classify(f.data(), f.size());
      if (short_cut.verdict != full.verdict || short_cut.kind != full.kind || short_cut.l2_len != full.l2_len ||
          short_cut.l3_len != full.l3_len || short_cut.payload_off != full.payload_off ||
          short_cut.payload_len != full.payload_len || short_cut.vlan != full.vlan || !(short_cut.key == full.key))
        __builtin_trap();
    }
  }
  return 0;
}
