#include "common/sdp/SessionDescription.hpp"

namespace portunus::sdp {

std::string_view directionName(Direction direction) noexcept {
  switch (direction) {
    case Direction::SendRecv:
      return "sendrecv";
    case Direction::SendOnly:
      return "sendonly";
    case Direction::RecvOnly:
      return "recvonly";
    case Direction::Inactive:
      return "inactive";
  }
  return "inactive";
}

std::optional<Direction> parseDirection(std::string_view name) noexcept {
  if (name == "sendrecv") return Direction::SendRecv;
  if (name == "sendonly") return Direction::SendOnly;
  if (name == "recvonly") return Direction::RecvOnly;
  if (name == "inactive") return Direction::Inactive;
  return std::nullopt;
}

bool sends(Direction direction) noexcept {
  return direction == Direction::SendRecv || direction == Direction::SendOnly;
}
bool receives(Direction direction) noexcept {
  return direction == Direction::SendRecv || direction == Direction::RecvOnly;
}

namespace {
Direction fromFlags(bool send, bool recv) noexcept {
  if (send && recv) return Direction::SendRecv;
  if (send) return Direction::SendOnly;
  if (recv) return Direction::RecvOnly;
  return Direction::Inactive;
}
}  // namespace

Direction reversed(Direction direction) noexcept {
  return fromFlags(receives(direction), sends(direction));
}

Direction intersect(Direction a, Direction b) noexcept {
  return fromFlags(sends(a) && sends(b), receives(a) && receives(b));
}

std::string_view setupRoleName(SetupRole role) noexcept {
  switch (role) {
    case SetupRole::ActPass:
      return "actpass";
    case SetupRole::Active:
      return "active";
    case SetupRole::Passive:
      return "passive";
    case SetupRole::HoldConn:
      return "holdconn";
  }
  return "holdconn";
}

std::optional<SetupRole> parseSetupRole(std::string_view name) noexcept {
  if (name == "actpass") return SetupRole::ActPass;
  if (name == "active") return SetupRole::Active;
  if (name == "passive") return SetupRole::Passive;
  if (name == "holdconn") return SetupRole::HoldConn;
  return std::nullopt;
}

std::string Fingerprint::hex() const {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out += ':';
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0x0f];
  }
  return out;
}

const RtpMap* MediaDescription::rtpMap(std::uint8_t payloadType) const noexcept {
  for (const auto& map : rtpMaps) {
    if (map.payloadType == payloadType) return &map;
  }
  return nullptr;
}

std::string_view MediaDescription::fmtp(std::uint8_t payloadType) const noexcept {
  for (const auto& f : fmtps) {
    if (f.payloadType == payloadType) return f.parameters;
  }
  return {};
}

std::vector<RtcpFeedback> MediaDescription::feedbackFor(std::uint8_t payloadType) const {
  std::vector<RtcpFeedback> out;
  for (const auto& fb : rtcpFeedback) {
    if (!fb.payloadType || *fb.payloadType == payloadType) out.push_back(fb);
  }
  return out;
}

bool MediaDescription::isRtp() const noexcept {
  return protocol.find("RTP") != std::string::npos;
}

const Group* SessionDescription::bundleGroup() const noexcept {
  for (const auto& group : groups) {
    if (group.semantics == "BUNDLE") return &group;
  }
  return nullptr;
}

TransportAttributes SessionDescription::effectiveTransport(std::size_t mediaIndex) const {
  TransportAttributes out = transport;
  if (mediaIndex >= media.size()) return out;
  const TransportAttributes& m = media[mediaIndex].transport;
  if (m.iceUfrag) out.iceUfrag = m.iceUfrag;
  if (m.icePwd) out.icePwd = m.icePwd;
  if (!m.iceOptions.empty()) out.iceOptions = m.iceOptions;
  if (!m.fingerprints.empty()) out.fingerprints = m.fingerprints;
  if (m.setup) out.setup = m.setup;
  return out;
}

}  // namespace portunus::sdp
