// libFuzzer target over the codec parsers of layer switching: the VP8 payload descriptor (and the PictureID /
// TL0PICIDX rewrite on a copy of exactly the input's size, so ASan catches any write past it), the H.264 keyframe
// detector, and the generic NACK expansion the retransmission path walks.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/proto/RtcpPacket.hpp"
#include "dataplane/codec/H264Keyframe.hpp"
#include "dataplane/codec/Vp8Descriptor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace portunus::dp;
  std::vector<std::uint8_t> copy(data, data + size);  // heap-sized exactly: a read or write past it is caught
  volatile std::uint32_t sink = 0;

  Vp8Descriptor d;
  if (parseVp8(copy.data(), copy.size(), d) == Vp8ParseStatus::Ok) {
    Vp8Continuity c;
    std::uint16_t pic = 0;
    std::uint8_t tl0 = 0;
    c.apply(d, pic, tl0);
    c.rebase();
    c.apply(d, pic, tl0);
    writeVp8Ids(copy.data(), d, pic, tl0);
    Vp8Descriptor again;
    sink = sink + static_cast<std::uint32_t>(parseVp8(copy.data(), copy.size(), again));
    sink = sink + again.picture_id + again.tl0picidx + d.keyframe;
  }
  sink = sink + static_cast<std::uint32_t>(h264Keyframe(copy.data(), copy.size()));

  portunus::proto::RtcpCompound compound(copy.data(), copy.size());
  portunus::proto::RtcpBlock b;
  std::uint16_t seqs[64];
  while (compound.next(b) == portunus::proto::RtcpParseStatus::Ok)
    sink = sink + static_cast<std::uint32_t>(portunus::proto::nackSequences(b, seqs, 64));
  return 0;
}
