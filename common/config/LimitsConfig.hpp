#pragma once

#include <cstdint>

namespace portunus::config {
class MapReader;

/** `limits:` — what one client (or all of them) may hold or send, so that a clumsy or hostile client cannot hurt
 *  the others. Janus 1.1.2 has none of these; each has its own error, listed in docs/api.md. 0 means unlimited. */
struct LimitsConfig {
  std::uint32_t max_sessions = 10000;            // live sessions on the appliance (create → 472)
  std::uint32_t max_handles_per_session = 64;    // attach → 461
  std::uint32_t max_long_polls_per_session = 4;  // concurrent REST long polls of one session (HTTP 429)
  std::uint32_t max_pending_trickles = 64;       // queued trickle requests of a handle without PeerConnection (490)
  std::uint32_t max_peerconnections = 1024;      // PeerConnections on the appliance (JSEP → 490)
  // Per source address on the Janus API (REST requests and WebSocket messages): a token bucket of `request_burst`
  // tokens refilled at `request_rate` per second. Over the limit: HTTP 429 / Janus error 450.
  std::uint32_t request_rate = 100;
  std::uint32_t request_burst = 400;
};

void decode(MapReader& in, LimitsConfig& out);

}  // namespace portunus::config
