#include "controlplane/webrtc/IceCandidate.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "controlplane/webrtc/WebRtcError.hpp"

namespace portunus::cp {
namespace {

std::vector<std::string_view> splitSpaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ')
      ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ')
      ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

template <typename Int>
Int number(std::string_view token, const char* what, Int max) {
  unsigned long long value = 0;
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || end != token.data() + token.size() || value > static_cast<unsigned long long>(max))
    throw WebRtcError(std::string("candidate: bad ") + what + " '" + std::string(token) + "'");
  return static_cast<Int>(value);
}

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
  text.remove_prefix(10);
  const auto tokens = splitSpaces(text);
  if (tokens.size() < 8 || (tokens.size() - 8) % 2 != 0) throw WebRtcError("candidate: wrong number of fields");

  IceCandidate c;
  c.foundation = std::string(tokens[0]);
  if (c.foundation.size() > 32) throw WebRtcError("candidate: foundation longer than 32 characters");
  c.component = number<int>(tokens[1], "component", 256);
  if (c.component < 1) throw WebRtcError("candidate: bad component '0'");
  c.transport = lower(tokens[2]);
  if (c.transport != "udp" && c.transport != "tcp")
    throw WebRtcError("candidate: unsupported transport '" + std::string(tokens[2]) + "'");
  c.priority = number<std::uint32_t>(tokens[3], "priority", 0xffffffffu);
  c.address = std::string(tokens[4]);
  c.port = number<std::uint16_t>(tokens[5], "port", 65535);
  if (tokens[6] != "typ") throw WebRtcError("candidate: expected 'typ'");
  if (tokens[7] == "host") {
    c.type = Type::Host;
  } else if (tokens[7] == "srflx") {
    c.type = Type::ServerReflexive;
  } else if (tokens[7] == "prflx") {
    c.type = Type::PeerReflexive;
  } else if (tokens[7] == "relay") {
    c.type = Type::Relay;
  } else {
    throw WebRtcError("candidate: unknown type '" + std::string(tokens[7]) + "'");
  }
  for (std::size_t i = 8; i + 1 < tokens.size(); i += 2) {
    if (tokens[i] == "raddr") {
      c.related_address = std::string(tokens[i + 1]);
    } else if (tokens[i] == "rport") {
      c.related_port = number<std::uint16_t>(tokens[i + 1], "rport", 65535);
      c.has_related_port = true;
    } else {
      c.extensions.emplace_back(tokens[i], tokens[i + 1]);
    }
  }
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
