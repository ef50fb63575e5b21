// The objects a worker forwards with. Built on the control side (allocation allowed there), handed to the owning
// worker over its command ring, mutated only by that worker afterwards, freed on the control side after the worker
// has applied the removal and every worker has passed a quiescent state.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "dataplane/Counters.hpp"
#include "dataplane/DataplaneTypes.hpp"
#include "dataplane/FlowKey.hpp"
#include "dataplane/RouteRewrite.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

constexpr std::size_t kMaxStreamsPerTransport = 16;
constexpr std::size_t kMaxRoutesPerStream = 128;  // fan-out of one inbound stream on one worker
constexpr std::size_t kMaxRtcpContexts = 8;       // remote RTCP sender SSRCs besides the inbound media SSRCs

struct Transport;
struct OutboundStream;
struct Route;

/** RFC 3550 A.3 reception statistics for the receiver reports we send. */
struct ReceptionStats {
  bool started = false;
  std::uint16_t max_seq = 0;
  std::uint32_t cycles = 0;
  std::uint32_t base_seq = 0;
  std::uint32_t received = 0;
  std::uint32_t expected_prior = 0;
  std::uint32_t received_prior = 0;
  std::uint32_t last_sr_ntp_mid = 0;  // LSR
  std::uint64_t last_sr_ms = 0;       // when the SR arrived

  void onPacket(std::uint16_t seq) noexcept {
    if (!started) {
      started = true;
      max_seq = seq;
      base_seq = seq;
    } else if (static_cast<std::int16_t>(seq - max_seq) > 0) {
      if (seq < max_seq) cycles += 1u << 16;
      max_seq = seq;
    }
    ++received;
  }
  std::uint32_t extendedMax() const noexcept { return cycles + max_seq; }
};

struct InboundStream {
  StreamId id = kInvalidId;
  Transport* transport = nullptr;
  std::uint32_t ssrc = 0;
  std::uint32_t rtx_ssrc = 0;
  std::uint32_t clock_rate = 90000;
  std::unique_ptr<SrtpStreamContext> srtp;   // RTP, inbound
  std::unique_ptr<SrtpStreamContext> srtcp;  // RTCP from this SSRC (the publisher's SR), inbound
  std::array<Route*, kMaxRoutesPerStream> routes{};
  std::uint16_t route_count = 0;
  bool seen = false;     // first packet reported
  bool stopped = false;  // media stopped reported
  std::uint64_t last_rx_ms = 0;
  std::uint64_t last_pli_ms = 0;
  std::uint8_t fir_seq = 0;
  ReceptionStats reception;
  FlowCounters counters;
  InboundStreamSpec spec;  // control-side copy (strings live here, never read by the worker)
};

struct OutboundStream {
  StreamId id = kInvalidId;
  Transport* transport = nullptr;
  std::uint32_t ssrc = 0;
  std::unique_ptr<SrtpStreamContext> srtp;  // RTP, outbound
  Route* last_route = nullptr;              // the route that fed it last (PLI goes to its source)
  FlowCounters counters;
  OutboundStreamSpec spec;
};

struct Route {
  RouteId id = kInvalidId;
  InboundStream* in = nullptr;
  OutboundStream* out = nullptr;
  RouteRewrite rewrite;
};

struct RtcpContext {
  std::uint32_t ssrc = 0;
  std::unique_ptr<SrtpStreamContext> ctx;
};

struct Transport {
  TransportId id = kInvalidId;
  std::uint32_t slot = 0;
  std::uint16_t worker = 0;
  FlowKey key;  // network byte order
  MacAddress remote_mac{};
  bool mac_known = false;
  bool mac_pinned = false;  // from the spec: never overwritten by learning
  std::uint32_t rtcp_ssrc = 0;
  SrtpProfile rx_profile = SrtpProfile::AeadAes128Gcm;
  SrtpProfile tx_profile = SrtpProfile::AeadAes128Gcm;
  std::unique_ptr<SrtpStreamContext> rtcp_out;  // SRTCP we originate, sender = rtcp_ssrc
  std::array<InboundStream*, kMaxStreamsPerTransport> in{};
  std::array<OutboundStream*, kMaxStreamsPerTransport> out{};
  std::array<RtcpContext*, kMaxRtcpContexts> rtcp_in{};  // extra remote RTCP sender SSRCs
  std::uint64_t last_rr_ms = 0;
  std::uint64_t last_unknown_rtcp_event_ms = 0;
  std::uint64_t remb_bps = 0;  // REMB cap toward the remote (0: none)
  std::uint64_t last_remb_ms = 0;
  FlowCounters counters;

  InboundStream* inbound(std::uint32_t ssrc) const noexcept {
    for (InboundStream* s : in)
      if (s && s->ssrc == ssrc) return s;
    return nullptr;
  }
  OutboundStream* outbound(std::uint32_t ssrc) const noexcept {
    for (OutboundStream* s : out)
      if (s && s->ssrc == ssrc) return s;
    return nullptr;
  }
  SrtpStreamContext* rtcpInbound(std::uint32_t ssrc) const noexcept {
    for (InboundStream* s : in)
      if (s && s->ssrc == ssrc) return s->srtcp.get();
    for (RtcpContext* c : rtcp_in)
      if (c && c->ssrc == ssrc) return c->ctx.get();
    return nullptr;
  }
};

}  // namespace portunus::dp
