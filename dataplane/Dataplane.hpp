// The programming API of the dataplane (DESIGN §4), the only door from the control plane. Value types and ids in,
// value types out. Control-side calls are thread-safe (one mutex; they never touch a worker's tables directly:
// they send commands over the owning worker's ring). See docs in DataplaneTypes.hpp for the value types.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/DataplaneConfig.hpp"
#include "dataplane/DataplaneTypes.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"
#include "dataplane/srtp/SrtpEngineFactory.hpp"

namespace portunus::dp {

class Dataplane {
 public:
  Dataplane();
  ~Dataplane();
  Dataplane(const Dataplane&) = delete;
  Dataplane& operator=(const Dataplane&) = delete;

  /** Initialises the EAL (once per process), pools, ports and the exception interface, launches the workers, each
   * with its own SRTP engine of the kind `cfg.srtp_engine` selects. Throws DataplaneError (EalPorts.hpp) on failure,
   * config::ConfigError for an engine this build or CPU cannot run. */
  void start(const config::DataplaneConfig& cfg);
  /** As above with the engines made by `factory`: one per worker, one more for the control side (stream contexts). */
  void start(const config::DataplaneConfig& cfg, const SrtpEngineFactory& factory);
  /** As above with one engine shared by the control side and every worker; it must outlive stop(). Only for engines
   * without per-burst state (LibsrtpEngine) or a single worker: IpsecMbEngine must not be shared across lcores. */
  void start(const config::DataplaneConfig& cfg, SrtpEngine& engine);
  /** Stops the workers, frees every object, closes the ports. Idempotent. */
  void stop() noexcept;
  bool running() const noexcept;
  /** The running engine's name ("ipsec-mb", "libsrtp2-openssl"), empty when stopped. */
  std::string engineName() const;

  /** Where the port's RSS delivers this flow (one rx queue per worker): place its transport on that worker to avoid
   *  the hand-off between workers. nullopt without RSS (single rx queue, or ring ports): any worker is as good. */
  std::optional<std::uint16_t> workerForFlow(Endpoint local, Endpoint remote) const;

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

  // ---- VideoRoom route control (see dataplane/README.md "RTCP" and "Simulcast") ------------------------------
  /** Pauses (nothing forwarded) or resumes a route. On resume the output continues after the last packet sent
   * (next sequence number, timestamp advanced by the wall-clock gap) and, for video, a PLI goes to the source. */
  ApiStatus setRoutePaused(RouteId id, bool paused);
  /** Points a simulcast route at another publisher's layers (Janus `switch`); continuity as moveRoute. */
  ApiStatus moveRouteLayers(RouteId id, const std::vector<StreamId>& layers);
  /** New simulcast target (Janus `configure` substream / temporal / fallback); switches happen in the dataplane
   * at the next keyframe of the wanted layer (a PLI asks for it) and are reported as events. */
  ApiStatus setLayerTarget(RouteId id, const LayerTarget& target);
  /** A PLI toward the publisher of an inbound stream now (new subscription, Janus `keyframe`), within the
   * pli_interval_ms rate limit of that stream. */
  ApiStatus requestKeyframe(StreamId inbound);
  /** Periodic PLI every `seconds` toward the publisher of an inbound stream (Janus room `fir_freq`); 0 = off. */
  ApiStatus setFirFreq(StreamId inbound, std::uint32_t seconds);
  /** REMB (draft-alvestrand-rmcat-remb) toward the publisher: `id` is a transport (cap for all its inbound video
   * streams) or an inbound stream (cap for that SSRC alone); sent at once and then every second; 0 = no cap. */
  ApiStatus setBitrateCap(std::uint32_t id, std::uint32_t bps);

  /** Drains the worker events (non-blocking); returns how many were appended. Also frees retired objects. */
  std::size_t pollEvents(std::vector<Event>& out);
  StatsSnapshot stats() const;
  /** How long an inbound stream that had packets may go without any before a MediaStopped event (ms; 0: never).
   *  Starts as DataplaneConfig::media_timeout_ms; the workers read it at their next timer tick. */
  void setMediaTimeout(std::uint32_t ms) noexcept;
  std::uint32_t mediaTimeout() const noexcept;
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
