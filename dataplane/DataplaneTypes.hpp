// The value types of the programming API (DESIGN §4): ids, specs, statuses, events and stats snapshots. Nothing
// here points into the dataplane; the control plane holds ids only.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

using TransportId = std::uint32_t;
using StreamId = std::uint32_t;
using RouteId = std::uint32_t;
constexpr std::uint32_t kInvalidId = 0;

/** Result of every API call. Anything but Ok left the dataplane unchanged. */
enum class ApiStatus : std::uint8_t {
  Ok,
  NotRunning,
  InvalidArgument,  // bad worker index, bad keys, empty 5-tuple, ...
  NotFound,         // unknown id
  Exists,           // 5-tuple or SSRC already taken
  TableFull,        // max_transports / max_streams / max_routes or a per-transport/stream limit reached
  RingFull,         // the worker's command ring is full: retry later
  WrongWorker,      // a route between transports of different workers
};
std::string_view apiStatusName(ApiStatus s) noexcept;

/** IPv4 endpoint in host byte order. */
struct Endpoint {
  std::uint32_t ip = 0;
  std::uint16_t port = 0;
};
/** "a.b.c.d" -> host-order address (0 on error). */
std::uint32_t parseIpv4(std::string_view text) noexcept;

using MacAddress = std::array<std::uint8_t, 6>;

/** A PeerConnection's transport: the selected ICE pair and the DTLS-SRTP keys per direction. */
struct TransportSpec {
  Endpoint local;
  Endpoint remote;
  SrtpKeyMaterial rx_keys;      // remote -> us (unprotect)
  SrtpKeyMaterial tx_keys;      // us -> remote (protect)
  std::uint16_t worker = 0;     // index into dataplane.workers
  MacAddress remote_mac{};      // all zero: learned from received frames
  std::uint32_t rtcp_ssrc = 0;  // sender SSRC of the RTCP we originate (RR, PLI); 0: derived from the id
  /** SSRCs the remote may use as RTCP sender besides its media SSRCs (e.g. a receive-only peer's RR SSRC). */
  std::vector<std::uint32_t> remote_rtcp_ssrcs;
};

enum class MediaKind : std::uint8_t { Audio, Video };

struct InboundStreamSpec {
  TransportId transport = kInvalidId;
  std::uint32_t ssrc = 0;
  std::uint32_t rtx_ssrc = 0;
  MediaKind kind = MediaKind::Video;
  std::string mid;
  std::string rid;
  std::vector<std::uint8_t> payload_types;  // empty: any
  std::uint32_t clock_rate = 90000;
  std::uint8_t mid_ext_id = 0, rid_ext_id = 0, abs_send_time_ext_id = 0, twcc_ext_id = 0;
  std::uint8_t layer = 0;  // simulcast layer index
};

struct OutboundStreamSpec {
  TransportId transport = kInvalidId;
  std::uint32_t ssrc = 0;
  std::uint32_t rtx_ssrc = 0;
  MediaKind kind = MediaKind::Video;
  std::string mid;
  std::vector<std::uint8_t> payload_types;
  std::uint32_t clock_rate = 90000;
  std::uint8_t mid_ext_id = 0, abs_send_time_ext_id = 0, twcc_ext_id = 0;
};

struct RouteSpec {
  StreamId in = kInvalidId;                                   // an inbound stream
  StreamId out = kInvalidId;                                  // an outbound stream on a transport of the same worker
  std::vector<std::pair<std::uint8_t, std::uint8_t>> pt_map;  // in PT -> out PT
};

/** Events from the workers, drained by the control side with pollEvents(). */
enum class EventType : std::uint8_t {
  FirstPacket,      // id = inbound stream
  MediaStopped,     // id = inbound stream, value = ms since the last packet
  KeyframeWanted,   // id = inbound stream (a receiver asked with PLI/FIR)
  UnknownRtcpSsrc,  // id = transport, value = the sender SSRC with no SRTCP context (see addRemoteRtcpSsrc)
  Trace,            // packet trace (when switched on): value = reason code, id = worker, detail = frame length
};
struct Event {
  EventType type = EventType::FirstPacket;
  std::uint16_t worker = 0;
  std::uint32_t id = 0;
  std::uint32_t value = 0;
  std::uint64_t detail = 0;
};
std::string_view eventName(EventType t) noexcept;

struct CounterSnapshot {
  std::uint64_t packets_in = 0, bytes_in = 0, packets_out = 0, bytes_out = 0;
  std::map<std::string, std::uint64_t> drops;  // reason name -> count (non-zero only)
};

struct WorkerStats {
  unsigned lcore = 0;
  std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  std::uint64_t exception_in = 0, exception_out = 0, handoff_in = 0, commands = 0;
  std::uint64_t rtcp_in = 0, rtcp_out = 0, keyframe_requests = 0, busy_loops = 0, idle_loops = 0;
  std::uint64_t events_lost = 0;  // the event ring was full
  std::map<std::string, std::uint64_t> punts;  // non-zero only
  std::map<std::string, std::uint64_t> drops;
};

struct StatsSnapshot {
  std::vector<WorkerStats> workers;
  std::map<TransportId, CounterSnapshot> transports;
  std::map<StreamId, CounterSnapshot> streams;
  /** The mbuf pool: mbufs out of it (in rings, queues, per-lcore caches, held by a worker) and its size. */
  std::uint64_t mbufs_in_use = 0, mbufs_total = 0;
  /** Sum of a punt / drop reason over the workers (0 if never seen). */
  std::uint64_t punt(std::string_view reason) const;
  std::uint64_t drop(std::string_view reason) const;
};

}  // namespace portunus::dp
