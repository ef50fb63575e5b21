#include "controlplane/webrtc/IceCandidate.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "common/sdp/SdpError.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

namespace portunus::cp {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string_view typeName(IceCandidate::Type type) noexcept {
  switch (type) {
    case IceCandidate::Type::Host:
      return "host";
    case IceCandidate::Type::ServerReflexive:
      return "srflx";
    case IceCandidate::Type::PeerReflexive:
      return "prflx";
    case IceCandidate::Type::Relay:
      return "relay";
  }
  return "host";
}

IceCandidate IceCandidate::parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n'))
    text.remove_suffix(1);
  if (text.starts_with("a=")) text.remove_prefix(2);
  if (!text.starts_with("candidate:")) throw WebRtcError("candidate: does not start with 'candidate:'");
  // A candidate is one line of visible characters and spaces: a CR, LF or NUL inside (trickle carries it in a JSON
  // string) would end the line early in any SDP or log it is written to.
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
    throw WebRtcError("candidate: control character");
  try {
    return fromSdp(sdp::parseIceCandidate(text));
  } catch (const sdp::SdpError& e) {
    throw WebRtcError(e.reason());
  }
}

IceCandidate IceCandidate::fromSdp(const sdp::IceCandidate& s) {
  IceCandidate c;
  c.foundation = s.foundation;
  c.component = s.component;
  c.transport = lower(s.transport);
  c.priority = s.priority;
  c.address = s.address;
  c.port = s.port;
  if (s.type == "srflx") {
    c.type = Type::ServerReflexive;
  } else if (s.type == "prflx") {
    c.type = Type::PeerReflexive;
  } else if (s.type == "relay") {
    c.type = Type::Relay;
  } else {
    c.type = Type::Host;
  }
  if (s.relatedAddress) c.related_address = *s.relatedAddress;
  if (s.relatedPort) {
    c.related_port = *s.relatedPort;
    c.has_related_port = true;
  }
  c.extensions = sdp::extensionAttributes(s);
  return c;
}

std::string IceCandidate::toString() const {
  std::string out = "candidate:" + foundation + ' ' + std::to_string(component) + ' ' + transport + ' ' +
                    std::to_string(priority) + ' ' + address + ' ' + std::to_string(port) + " typ " +
                    std::string(typeName(type));
  if (!related_address.empty()) out += " raddr " + related_address;
  if (has_related_port) out += " rport " + std::to_string(related_port);
  for (const auto& [name, value] : extensions)
    out += ' ' + name + ' ' + value;
  return out;
}

bool IceCandidate::hasIpAddress() const noexcept {
  unsigned char buf[16];
  return inet_pton(AF_INET, address.c_str(), buf) == 1 || inet_pton(AF_INET6, address.c_str(), buf) == 1;
}

bool IceCandidate::isIpv6() const noexcept {
  unsigned char buf[16];
  return inet_pton(AF_INET6, address.c_str(), buf) == 1;
}

}  // namespace portunus::cp
