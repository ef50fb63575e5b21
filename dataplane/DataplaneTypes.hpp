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

/** The video codec of a stream: what the dataplane parses for keyframes and layer switching (VP8 payload descriptor,
 * H.264 IDR). Other: no parsing (a simulcast switch then happens at the next frame boundary, after a marker bit). */
enum class VideoCodec : std::uint8_t { Other, Vp8, Vp9, H264, Av1 };

/** An RTX payload type and the media payload type it repairs (a=fmtp:<rtx> apt=<media>, RFC 4588 §8.6). */
struct RtxPayloadType {
  std::uint8_t rtx = 0;
  std::uint8_t apt = 0;
};

struct InboundStreamSpec {
  TransportId transport = kInvalidId;
  std::uint32_t ssrc = 0;  // 0: learned from the first packet carrying `mid` (and `rid`), see SsrcLearned
  /** The publisher's RTX SSRC: its retransmissions (answers to the NACKs we generate) are unwrapped (OSN restored,
   * PT mapped back through rtx_payload_types) and handled like the original packet. 0: none. */
  std::uint32_t rtx_ssrc = 0;
  std::vector<RtxPayloadType> rtx_payload_types;
  MediaKind kind = MediaKind::Video;
  VideoCodec codec = VideoCodec::Other;
  std::string mid;  // at most 16 bytes when learning
  std::string rid;
  std::vector<std::uint8_t> payload_types;  // empty: any
  std::uint32_t clock_rate = 90000;
  std::uint8_t mid_ext_id = 0, rid_ext_id = 0, abs_send_time_ext_id = 0, twcc_ext_id = 0;
  std::uint8_t layer = 0;  // simulcast layer index (0 = lowest); the grouping is the route's `layers` list
  /** Periodic keyframe request: a PLI toward the publisher every `fir_freq_s` seconds (Janus room `fir_freq`);
   * 0 = off. Changeable with Dataplane::setFirFreq(). */
  std::uint32_t fir_freq_s = 0;
  /** Retransmission cache: the last N decrypted packets of this stream (a preallocated copy ring, N rounded up to a
   * power of two, at most 1024) answer subscribers' NACKs. 0 = no cache (audio default: set it for video). */
  std::uint16_t nack_cache_packets = 0;
  /** NACK generation toward the publisher for sequence gaps we see (RFC 4585 generic NACK, bounded retries). */
  bool generate_nack = false;
};

struct OutboundStreamSpec {
  TransportId transport = kInvalidId;
  std::uint32_t ssrc = 0;
  /** RTX SSRC toward this subscriber (RFC 4588): NACKed packets are resent on it, with the OSN in the payload and the
   * RTX PT of `rtx_payload_types` whose apt is the packet's (rewritten) PT. 0 (or no matching apt): plain
   * retransmission on `ssrc` with the original sequence number. */
  std::uint32_t rtx_ssrc = 0;
  std::vector<RtxPayloadType> rtx_payload_types;
  MediaKind kind = MediaKind::Video;
  std::string mid;
  std::vector<std::uint8_t> payload_types;
  std::uint32_t clock_rate = 90000;
  std::uint8_t mid_ext_id = 0, abs_send_time_ext_id = 0, twcc_ext_id = 0;
};

/** Simulcast target of a route with layers (Janus subscriber `substream` / `temporal` / `fallback`). */
struct LayerTarget {
  std::uint8_t substream = 2;  // wanted layer index into RouteSpec::layers (0 = lowest); clamped to what exists
  std::uint8_t temporal = 2;   // highest VP8 temporal layer (TID) forwarded; 0xff = all
  /** A layer with no packet for this long counts as stopped: the route drops to the next lower layer that is
   * active, and goes back up when the wanted one resumes (at its keyframe). Janus `fallback` is in µs: divide by
   * 1000. 0: 250 ms. */
  std::uint32_t fallback_ms = 250;
};

struct RouteSpec {
  StreamId in = kInvalidId;                                   // an inbound stream (ignored when `layers` is set)
  StreamId out = kInvalidId;                                  // an outbound stream on a transport of the same worker
  std::vector<std::pair<std::uint8_t, std::uint8_t>> pt_map;  // in PT -> out PT
  /** Simulcast: the inbound streams of one publisher track, index = substream (0 = lowest, at most 3), all on the
   * same worker. Empty: a plain route from `in`. The route forwards one layer at a time, switches only at a keyframe
   * of the new layer (VP8: keyframe bit of the payload header; H.264: IDR in a single NAL, STAP-A or FU-A start),
   * keeps the outbound SSRC / sequence / timestamp (and VP8 PictureID / TL0PICIDX) continuous, and reports
   * SubstreamChanged / TemporalChanged events. */
  std::vector<StreamId> layers;
  LayerTarget target;
  bool paused = false;  // created paused (see Dataplane::setRoutePaused)
};

/** Events from the workers, drained by the control side with pollEvents(). */
enum class EventType : std::uint8_t {
  FirstPacket,       // id = inbound stream
  MediaStopped,      // id = inbound stream, value = ms since the last packet
  KeyframeWanted,    // id = inbound stream (a receiver asked with PLI/FIR)
  UnknownRtcpSsrc,   // id = transport, value = the sender SSRC with no SRTCP context (see addRemoteRtcpSsrc)
  Trace,             // packet trace (when switched on): value = reason code, id = worker, detail = frame length
  SsrcLearned,       // id = inbound stream declared with SSRC 0, value = the SSRC learned from its mid/rid
  SubstreamChanged,  // id = route, value = the simulcast layer now forwarded (after its keyframe)
  TemporalChanged,   // id = route, value = the highest temporal layer now forwarded
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
  /** Streams only. Inbound: packets lost on the way to us (RFC 3550 A.3, cumulative). Outbound: the cumulative loss
   *  the remote reports for it in its SR/RR report blocks. */
  std::uint64_t lost = 0;
  /** Outbound streams only: packets the remote asked to be retransmitted (generic NACK, RFC 4585 §6.2.1). */
  std::uint64_t nacks = 0;
  std::map<std::string, std::uint64_t> drops;  // reason name -> count (non-zero only)
};

struct WorkerStats {
  unsigned lcore = 0;
  std::uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  std::uint64_t exception_in = 0, exception_out = 0, handoff_in = 0, commands = 0;
  std::uint64_t rtcp_in = 0, rtcp_out = 0, keyframe_requests = 0, busy_loops = 0, idle_loops = 0;
  /** TSC cycles of the loop iterations that did work, and since the loop started; tsc_hz converts them to seconds
   * (busy_cycles / tsc_hz: the worker's CPU seconds spent on packets, whatever its polling mode). */
  std::uint64_t busy_cycles = 0, total_cycles = 0, tsc_hz = 0;
  /** TSC cycles spent inside the media port driver's tx burst calls (one TSC read per burst): what handing frames
   * to the port costs - descriptor writes on a NIC, a copy into shared memory on net_memif. */
  std::uint64_t tx_cycles = 0;
  /** TSC cycles spent inside the SRTP engine's batch calls (two TSC reads per batch of up to 32): the unprotect of
   * received packets and the protect of forwarded ones; the rest of busy_cycles is the forwarding around them. */
  std::uint64_t srtp_cycles = 0;
  /** NACK/RTX: NACKed packets asked by subscribers, NACKed packets we asked publishers for, packets resent
   * (RTX or plain), NACKed packets no longer (or never) in the cache. */
  std::uint64_t nack_in = 0, nack_out = 0, rtx_sent = 0, rtx_cache_miss = 0;
  /** Inbound RTX packets unwrapped (publisher retransmissions), SRs / REMBs sent, simulcast layer switches. */
  std::uint64_t rtx_in = 0, sr_out = 0, remb_out = 0, layer_switches = 0;
  std::uint64_t events_lost = 0;  // the event ring was full
  /** The CPU time the worker's thread has consumed (its thread CPU clock, nanoseconds; 0 where unavailable). */
  std::uint64_t cpu_ns = 0;
  std::map<std::string, std::uint64_t> punts;  // non-zero only
  std::map<std::string, std::uint64_t> drops;
};

struct StatsSnapshot {
  std::string engine;  // the SRTP engine the workers run ("ipsec-mb", "libsrtp2-openssl")
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
