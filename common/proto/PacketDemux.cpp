#include "common/proto/PacketDemux.hpp"

namespace portunus::proto {

std::string_view kindName(PacketKind kind) noexcept {
  switch (kind) {
    case PacketKind::Stun:
      return "stun";
    case PacketKind::Zrtp:
      return "zrtp";
    case PacketKind::Dtls:
      return "dtls";
    case PacketKind::TurnChannel:
      return "turn_channel";
    case PacketKind::Rtp:
      return "rtp";
    case PacketKind::Rtcp:
      return "rtcp";
    case PacketKind::Unknown:
      break;
  }
  return "unknown";
}

}  // namespace portunus::proto
