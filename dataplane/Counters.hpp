// Named punt and drop reasons (one counter each, per worker), as VPP names every exception. The names are the
// keys of the stats snapshot, the telemetry output and (later) the /metrics labels.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace portunus::dp {

/** Why a frame went to the kernel through the exception interface (DESIGN §3). */
enum class PuntReason : std::uint8_t {
  Arp,
  NonIpv4,   // IPv6, LLDP, anything not ARP/IPv4
  Fragment,  // IPv4 fragments: the kernel reassembles
  Icmp,
  Tcp,
  OtherL4,      // IPv4 that is neither UDP, TCP nor ICMP
  Stun,         // RFC 7983 0-3 (ICE checks, consent)
  Dtls,         // RFC 7983 20-63
  UnknownUdp,   // UDP whose first byte is no RTP/RTCP (ZRTP, TURN channel, other)
  UnknownFlow,  // RTP/RTCP on a 5-tuple no transport owns
  Count
};

/** Why a frame or packet was dropped. */
enum class DropReason : std::uint8_t {
  TruncatedEthernet,
  TruncatedIpv4,
  BadIpv4Header,  // version, IHL
  BadIpv4Length,  // total length vs frame
  TruncatedUdp,
  BadUdpLength,
  BadRtp,           // RTP header does not parse
  BadRtcp,          // RTCP compound does not parse (lying length fields)
  UnknownSsrc,      // RTP on a known flow with an SSRC no inbound stream has
  UnknownRtcpSsrc,  // SRTCP whose sender SSRC has no context
  SrtpAuth,
  SrtpReplay,
  SrtpOther,
  NoRoute,  // decrypted fine, no route out (counted, not an error)
  NoL2,     // destination MAC unknown
  NoMbuf,
  HandoffFull,
  TxFull,
  NoException,  // a punt with no exception interface configured
  StaleFlow,    // handed off, but the transport was removed or moved meanwhile
  Rtx,          // an RTX packet we did not ask for (duplicate, or no pending NACK), or one that does not unwrap
  WrongVlan,    // tagged with another VID than dataplane.port.vlan, or tagged/untagged against it
  Filtered,     // went out on none of its routes: paused, another simulcast layer, a temporal layer above target
  Count
};

std::string_view puntName(PuntReason r) noexcept;
std::string_view dropName(DropReason r) noexcept;

constexpr std::size_t kPuntReasons = static_cast<std::size_t>(PuntReason::Count);
constexpr std::size_t kDropReasons = static_cast<std::size_t>(DropReason::Count);

/** Per-worker counters, written by the owning lcore only, read with relaxed loads by the control side. */
struct alignas(64) WorkerCounters {
  std::uint64_t rx_packets = 0;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_packets = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t exception_in = 0;   // kernel -> wire
  std::uint64_t exception_out = 0;  // punted to the kernel
  std::uint64_t handoff_in = 0;     // packets of this worker's flows taken (its hand-off ring or its own rx)
  std::uint64_t commands = 0;
  std::uint64_t rtcp_in = 0;
  std::uint64_t rtcp_out = 0;
  std::uint64_t keyframe_requests = 0;
  std::uint64_t busy_loops = 0;
  std::uint64_t idle_loops = 0;
  std::uint64_t busy_cycles = 0;   // TSC cycles of the loop iterations that found work
  std::uint64_t total_cycles = 0;  // TSC cycles since the loop started (busy + idle + sleeping)
  std::uint64_t tx_cycles = 0;     // TSC cycles inside the media port's tx burst calls (part of busy_cycles)
  std::uint64_t srtp_cycles = 0;   // TSC cycles inside the SRTP engine's batch calls (part of busy_cycles)
  std::uint64_t events_lost = 0;
  std::uint64_t nack_in = 0;         // sequence numbers NACKed by subscribers
  std::uint64_t nack_out = 0;        // sequence numbers we NACKed toward publishers
  std::uint64_t rtx_sent = 0;        // retransmissions sent (RTX or plain)
  std::uint64_t rtx_cache_miss = 0;  // NACKed packets not (or no longer) in the cache
  std::uint64_t rtx_in = 0;          // publisher RTX packets unwrapped and forwarded
  std::uint64_t sr_out = 0;
  std::uint64_t remb_out = 0;
  std::uint64_t layer_switches = 0;
  std::array<std::uint64_t, kPuntReasons> punts{};
  std::array<std::uint64_t, kDropReasons> drops{};
};

/** Per transport / per stream counters (same single-writer rule). */
struct FlowCounters {
  std::uint64_t packets_in = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t remote_lost = 0;  // outbound: cumulative loss the remote reports (last report block)
  std::uint64_t nacks = 0;        // outbound: packets NACKed by the remote
  std::array<std::uint64_t, kDropReasons> drops{};
};

template <typename T>
inline T relaxedLoad(const T& v) noexcept {
  return __atomic_load_n(&v, __ATOMIC_RELAXED);
}

}  // namespace portunus::dp
