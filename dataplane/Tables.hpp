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
#include "dataplane/SimulcastSelector.hpp"
#include "dataplane/SsrcLearning.hpp"
#include "dataplane/codec/Vp8Descriptor.hpp"
#include "dataplane/rtcp/NackCache.hpp"
#include "dataplane/rtcp/NackGenerator.hpp"
#include "dataplane/srtp/SrtcpVerifier.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::dp {

constexpr std::size_t kMaxStreamsPerTransport = 16;
constexpr std::size_t kMaxRoutesPerStream = 1024;  // fan-out of one inbound stream on one worker (a webinar)
constexpr std::size_t kMaxRtcpContexts = 8;        // remote RTCP sender SSRCs besides the inbound media SSRCs

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
  VideoCodec codec = VideoCodec::Other;
  bool video = true;
  std::unique_ptr<SrtpStreamContext> rtx_srtp;   // RTP from rtx_ssrc (the publisher's retransmissions), inbound
  std::unique_ptr<SrtpStreamContext> rtx_srtcp;  // RTCP from rtx_ssrc (its SRs), inbound
  std::array<std::uint8_t, 128> rtx_apt{};       // RTX PT -> media PT (0xff: not an RTX PT)
  std::uint32_t fir_freq_ms = 0;                 // periodic PLI (0: off)
  std::uint64_t last_fir_ms = 0;
  std::uint32_t remb_bps = 0;  // own bitrate cap (0: the transport's)
  bool remb_due = false;
  // The publisher's last SR: its NTP / RTP timestamp pair and when it arrived (SR translation toward subscribers).
  bool have_sr = false;
  std::uint64_t sr_ntp = 0;
  std::uint32_t sr_rtp = 0;
  NackCache cache;  // retransmission cache (empty when spec.nack_cache_packets == 0)
  bool generate_nack = false;
  NackGenerator nack;  // gaps asked for toward the publisher
  ReceptionStats reception;
  FlowCounters counters;
  SsrcLearnKey learn;  // declared with SSRC 0 and a mid (rid): learned from the first matching packet
  std::unique_ptr<SrtpStreamContext> next_srtp, next_srtcp;  // control side -> worker swap (SetInboundContexts)
  InboundStreamSpec spec;  // control-side copy (strings live here, never read by the worker)
};

struct OutboundStream {
  StreamId id = kInvalidId;
  Transport* transport = nullptr;
  std::uint32_t ssrc = 0;
  std::unique_ptr<SrtpStreamContext> srtp;  // RTP (and our SRs), outbound
  Route* last_route = nullptr;              // the route that fed it last (PLI goes to its source)
  std::uint32_t rtx_ssrc = 0;
  std::unique_ptr<SrtpStreamContext> rtx_srtp;  // RTX toward the subscriber (RFC 4588), outbound
  std::array<std::uint8_t, 128> rtx_pt{};       // media PT -> RTX PT (0xff: plain retransmission)
  std::uint16_t rtx_seq = 0;
  SentHistory history;                              // out seq -> source packet (NACK mapping)
  std::uint32_t sent_packets = 0, sent_octets = 0;  // SR sender info (RFC 3550 §6.4.1: payload octets)
  // The newest output sequence/timestamp (and when): where a later route into this stream continues.
  std::uint16_t last_seq = 0;
  std::uint32_t last_ts = 0;
  std::uint64_t last_ms = 0;
  FlowCounters counters;
  OutboundStreamSpec spec;
};

struct Route {
  RouteId id = kInvalidId;
  InboundStream* in = nullptr;  // the source being forwarded (the current simulcast layer); worker-owned once added
  OutboundStream* out = nullptr;
  RouteRewrite rewrite;
  Vp8Continuity vp8;
  // Worker's view: the inbound streams this route is linked into (one for a plain route, the layers for simulcast).
  std::array<InboundStream*, kMaxLayers> layers{};
  std::uint8_t layer_count = 1;
  bool simulcast = false;
  bool paused = false;
  SimulcastSelector selector;
  // Control side's view (never read by the worker): which streams the route touches, for removals and limits.
  std::array<InboundStream*, kMaxLayers> ctl_layers{};
  std::uint8_t ctl_layer_count = 1;

  bool touchesCtl(const void* s) const noexcept {
    for (std::uint8_t i = 0; i < ctl_layer_count; ++i)
      if (ctl_layers[i] == s) return true;
    return false;
  }
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
  std::uint8_t tx_rtp_overhead = 16;  // srtpOverhead(tx_profile, false), read per forwarded copy
  // Worker: the Ethernet + IPv4 + UDP header of what we send on this transport, lengths and IP checksum zero, and
  // the folded ones' complement sum of its IPv4 header; rebuilt when the 5-tuple or the remote MAC changes.
  bool tx_header_ready = false;
  std::uint16_t tx_header_sum = 0;
  std::array<std::uint8_t, 42> tx_header{};
  std::unique_ptr<SrtpStreamContext> rtcp_out;  // SRTCP we originate, sender = rtcp_ssrc
  std::array<InboundStream*, kMaxStreamsPerTransport> in{};
  std::array<OutboundStream*, kMaxStreamsPerTransport> out{};
  std::array<RtcpContext*, kMaxRtcpContexts> rtcp_in{};  // extra remote RTCP sender SSRCs
  std::unique_ptr<SrtcpVerifier> rtcp_verifier;          // authenticates RTCP of senders not in rtcp_in yet
  std::uint64_t last_rr_ms = 0;
  std::uint64_t last_unknown_rtcp_event_ms = 0;
  std::uint8_t learning = 0;  // inbound streams still learning their SSRC
  std::uint8_t learn_tokens = kSsrcLearnAttemptsPerTick;
  std::uint32_t remb_bps = 0;  // bitrate cap of the publisher (REMB), 0: none
  std::uint64_t last_remb_ms = 0;
  bool remb_due = false;
  std::uint64_t last_sr_ms = 0;
  FlowCounters counters;

  InboundStream* inbound(std::uint32_t ssrc) const noexcept {
    for (InboundStream* s : in)
      if (s && s->ssrc == ssrc && !s->learn.active) return s;
    return nullptr;
  }
  OutboundStream* outbound(std::uint32_t ssrc) const noexcept {
    for (OutboundStream* s : out)
      if (s && s->ssrc == ssrc) return s;
    return nullptr;
  }
  InboundStream* inboundRtx(std::uint32_t ssrc) const noexcept {
    for (InboundStream* s : in)
      if (s && s->rtx_ssrc == ssrc && s->rtx_srtp) return s;
    return nullptr;
  }
  SrtpStreamContext* rtcpInbound(std::uint32_t ssrc) const noexcept {
    for (InboundStream* s : in) {
      if (s && s->ssrc == ssrc) return s->srtcp.get();
      if (s && s->rtx_srtcp && s->rtx_ssrc == ssrc) return s->rtx_srtcp.get();
    }
    for (RtcpContext* c : rtcp_in)
      if (c && c->ssrc == ssrc) return c->ctx.get();
    return nullptr;
  }
};

}  // namespace portunus::dp
