// An ICE candidate as carried in SDP `a=candidate:` lines and trickle messages (RFC 8839 §5.1):
//   candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
//             [raddr <address>] [rport <port>] *(<extension name> <extension value>)
// Browsers add extensions (generation, ufrag, network-id, network-cost, tcptype). The grammar is the SDP parser's
// (common/sdp/IceCandidate): a candidate trickled and one in an SDP are accepted or refused alike.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sdp/IceCandidate.hpp"

namespace portunus::cp {

struct IceCandidate {
  enum class Type : std::uint8_t { Host, ServerReflexive, PeerReflexive, Relay };

  std::string foundation;
  int component = 1;
  std::string transport = "udp";  // lower case
  std::uint32_t priority = 0;
  std::string address;  // an IP literal, or an mDNS name (`*.local`) that we cannot use
  std::uint16_t port = 0;
  Type type = Type::Host;
  std::string related_address;  // raddr, empty when absent
  std::uint16_t related_port = 0;
  bool has_related_port = false;
  // e.g. {"tcptype","passive"}, {"generation","0"}: tcptype, generation, ufrag, network-id and network-cost in that
  // order, then any other in the order received.
  std::vector<std::pair<std::string, std::string>> extensions;

  /** Parses `candidate:...`, also accepting the `a=` prefix and a trailing CR/LF, with sdp::parseIceCandidate's
   *  grammar. Throws WebRtcError. */
  static IceCandidate parse(std::string_view text);
  /** The candidate an SDP parse gave (already checked by its grammar). */
  static IceCandidate fromSdp(const sdp::IceCandidate& c);
  /** `candidate:...` without the `a=` prefix (what trickle carries; SDP writers prepend `a=`). */
  std::string toString() const;

  bool isUdp() const noexcept { return transport == "udp"; }
  /** True when `address` is an IPv4 or IPv6 literal. */
  bool hasIpAddress() const noexcept;
  /** True for an IPv6 address. */
  bool isIpv6() const noexcept;

  bool operator==(const IceCandidate&) const = default;
};

std::string_view typeName(IceCandidate::Type type) noexcept;

}  // namespace portunus::cp
