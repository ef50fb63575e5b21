#define BOOST_TEST_MODULE common_proto
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/proto/PacketDemux.hpp"

using namespace portunus::proto;

namespace {
struct DemuxCase {
  std::vector<std::uint8_t> bytes;
  PacketKind kind;
};
std::ostream& operator<<(std::ostream& os, const DemuxCase& c) {
  return os << kindName(c.kind);
}

const DemuxCase kDemux[] = {
    {{}, PacketKind::Unknown},        {{0x00, 0x01}, PacketKind::Stun},
    {{0x03}, PacketKind::Stun},       {{0x04}, PacketKind::Unknown},
    {{16}, PacketKind::Zrtp},         {{20, 0xfe}, PacketKind::Dtls},
    {{63}, PacketKind::Dtls},         {{64}, PacketKind::TurnChannel},
    {{79}, PacketKind::TurnChannel},  {{80}, PacketKind::Unknown},
    {{128}, PacketKind::Unknown},                                            // RTP range, but no second byte
    {{0x80, 96}, PacketKind::Rtp},    {{0x80, 96 | 0x80}, PacketKind::Rtp},  // marker bit
    {{0x80, 200}, PacketKind::Rtcp},                                         // SR
    {{0x81, 206}, PacketKind::Rtcp},                                         // PSFB
    {{0x80, 223}, PacketKind::Rtcp},  {{0x80, 224}, PacketKind::Rtp},        // PT 96 + marker
    {{0x80, 191}, PacketKind::Rtp},                                          // PT 63 + marker
    {{0x80, 0x40}, PacketKind::Rtcp},                                        // PT 64: reserved for RTCP by RFC 5761
    {{191, 0}, PacketKind::Rtp},      {{192, 0}, PacketKind::Unknown},
    {{255}, PacketKind::Unknown},
};
}  // namespace

BOOST_DATA_TEST_CASE(rfc7983_first_byte, boost::unit_test::data::make(kDemux), c) {
  BOOST_TEST(static_cast<int>(demux(c.bytes.data(), c.bytes.size())) == static_cast<int>(c.kind));
}
