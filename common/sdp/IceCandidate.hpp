// One ICE candidate as carried by `a=candidate:` (RFC 8839 §5.1) and by Janus `trickle` requests, including the
// extension attributes browsers add (generation, ufrag, network-id, network-cost) and any others, kept in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portunus::sdp {

struct IceCandidate {
  std::string foundation;
  std::uint16_t component = 1;
  std::string transport;  // "udp" / "tcp" as written (case kept)
  std::uint32_t priority = 0;
  std::string address;  // IPv4, IPv6 or an mDNS ".local" name
  std::uint16_t port = 0;
  std::string type;  // host, srflx, prflx, relay
  std::optional<std::string> relatedAddress;
  std::optional<std::uint16_t> relatedPort;
  std::optional<std::string> tcpType;  // active, passive, so
  std::optional<std::uint32_t> generation;
  std::optional<std::string> ufrag;
  std::optional<std::uint32_t> networkId;
  std::optional<std::uint32_t> networkCost;
  /** Extension attributes this model has no field for, as name/value pairs in their original order. */
  std::vector<std::pair<std::string, std::string>> extensions;

  bool operator==(const IceCandidate&) const = default;
};

/**
 * Parses the value of an `a=candidate:` attribute (the text after "candidate:"; a leading "candidate:" is accepted
 * too, as in trickle messages). Throws SdpError carrying `line` on a grammar violation.
 */
IceCandidate parseIceCandidate(std::string_view value, std::size_t line = 0);

/** Every extension attribute as name/value pairs in the order they are written: tcptype, generation, ufrag,
 *  network-id and network-cost when present, then the others as received. */
std::vector<std::pair<std::string, std::string>> extensionAttributes(const IceCandidate& candidate);

/** The attribute value without the "candidate:" prefix, e.g. "1 1 udp 2122260223 198.18.0.1 40000 typ host". */
std::string formatIceCandidate(const IceCandidate& candidate);

}  // namespace portunus::sdp
