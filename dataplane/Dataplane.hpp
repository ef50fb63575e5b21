// The programming API of the dataplane (DESIGN §4), the only door from the control plane. Value types and ids in,
// value types out. Control-side calls are thread-safe (one mutex; they never touch a worker's tables directly:
// they send commands over the owning worker's ring). See docs in DataplaneTypes.hpp for the value types.
#pragma once

#include <memory>
#include <vector>

#include "common/config/DataplaneConfig.hpp"
#include "dataplane/DataplaneTypes.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

class Dataplane {
 public:
  Dataplane();
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  /** Initialises the EAL (once per process), pools, ports and the exception interface, launches the workers.
   * `engine` transforms SRTP; it must outlive stop(). Throws DataplaneError (EalPorts.hpp) on failure. */
  void start(const config::DataplaneConfig& cfg, SrtpEngine& engine);
  /** Stops the workers, frees every object, closes the ports. Idempotent. */
  void stop() noexcept;
  bool running() const noexcept;

  ApiStatus addTransport(const TransportSpec& spec, TransportId& id);
  /** ICE pair change: new 5-tuple (and MAC pin); keys and streams stay. */
  ApiStatus updateTransport(TransportId id, Endpoint local, Endpoint remote, MacAddress remote_mac = {});
  ApiStatus removeTransport(TransportId id);  // also removes its streams and every route touching them
  /** An additional remote RTCP sender SSRC (answer to an UnknownRtcpSsrc event). */
  ApiStatus addRemoteRtcpSsrc(TransportId id, std::uint32_t ssrc);

  ApiStatus addInboundStream(const InboundStreamSpec& spec, StreamId& id);
  ApiStatus addOutboundStream(const OutboundStreamSpec& spec, StreamId& id);
  ApiStatus removeStream(StreamId id);  // also removes the routes touching it

  ApiStatus addRoute(const RouteSpec& spec, RouteId& id);
  /** Points a route at another inbound stream; the outbound SSRC/sequence/timestamp continue seamlessly. */
  ApiStatus moveRoute(RouteId id, StreamId new_in);
  ApiStatus removeRoute(RouteId id);

  /** Sends a PLI for inbound stream `id` to its sender now (keyframe on start, a video route switched back on);
   *  not rate-limited like the PLIs forwarded from receivers. */
  ApiStatus requestKeyframe(StreamId id);
  /** REMB cap toward the remote of transport `id`: a REMB with `bps` naming its inbound SSRCs, sent at once and
   *  every second while the cap is set; 0 stops it. */
  ApiStatus setBitrateCap(TransportId id, std::uint64_t bps);

  /** Drains the worker events (non-blocking); returns how many were appended. Also frees retired objects. */
  std::size_t pollEvents(std::vector<Event>& out);
  StatsSnapshot stats() const;
  /** The packet trace (Trace events for every punt and drop); off by default. */
  void setTrace(bool on) noexcept;
  bool trace() const noexcept;
  /** The appliance MAC (the media port's), for tests and the lab. */
  MacAddress mediaMac() const noexcept;
  /** Blocks until every worker has applied every command sent so far (tests, orderly shutdown). */
  bool sync(unsigned timeout_ms = 2000);

  struct Impl;  // opaque: the registry, the workers, the ports

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace portunus::dp
