// Admin test_stun: one STUN Binding transaction (RFC 5389) from a UDP socket of ours to a STUN server, to learn the
// address the server sees us from. libnice's STUN usage builds the request and checks the answer (transaction id,
// magic cookie, attributes) and reads its mapped address, as for our ICE agents' server-reflexive candidates.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace portunus::cp {

struct StunMapping {
  std::string ip;  // as the server saw us: the public address
  std::uint16_t port = 0;
};

/** Blocking: asks the server at `server` (IPv4 or IPv6) from local UDP port `localPort` (0: any), sending the
 *  request again after 500 ms, 1 s, 2 s, ... (RFC 5389), for at most `timeout`. Nothing when the server refuses (ICMP),
 * answers an error or an alternate server, or sends nothing valid in time; an answer that is no valid response to our
 * request (another transaction, not STUN, truncated) is ignored. */
std::optional<StunMapping> stunBinding(const sockaddr* server, socklen_t serverLen, std::uint16_t localPort,
                                       std::chrono::milliseconds timeout);

/** Numeric text of an IPv4/IPv6 socket address ("" for other families). */
inline std::string addressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  if (address->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  return text;
}

}  // namespace portunus::cp
