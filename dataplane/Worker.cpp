#include "dataplane/Worker.hpp"

#include <pthread.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_pause.h>
#include <rte_prefetch.h>
#include <unistd.h>

#include <cstring>
#include <utility>

#include "common/proto/ByteOrder.hpp"
#include "common/proto/Remb.hpp"
#include "common/proto/RtcpPacket.hpp"
#include "common/proto/RtpPacket.hpp"
#include "dataplane/Classifier.hpp"
#include "dataplane/MbufFree.hpp"
#include "dataplane/Vlan.hpp"
#include "dataplane/codec/H264Keyframe.hpp"
#include "dataplane/codec/Vp8Descriptor.hpp"

namespace portunus::dp {
namespace {

// Protect ops per engine call. Each flush also sends (flushProtect -> flushTx), so at most about kTxBatch copies
// are out of the mempool at a time: within its per-lcore cache (256, LIFO), the mbufs of the next copies are still
// in cache; with 256 + a 512-frame tx queue at fan-out 20 they cycled through the pool's ring, and touching their
// cold headers in rte_pktmbuf_alloc_bulk was a third of the worker's non-crypto time (perf).
constexpr std::uint16_t kTxBatch = 128;
constexpr std::uint16_t kTxQueue = 512;   // frames buffered per loop before a tx burst
constexpr unsigned kRxBurstsPerPoll = 8;  // rx bursts a loop iteration takes from a media queue that keeps them full
// Packets per unprotect batch (two rx bursts): the multi-buffer hash of ipsec-mb's AES-CM/HMAC-SHA1 path wants 32
// (its engine time per packet at 200 B was ~11 % higher in batches of 16), GCM does not mind.
constexpr std::uint16_t kRxBatch = 32;
constexpr std::uint16_t kRxAhead = 4;  // received frames whose first line is prefetched ahead of the classifier
constexpr std::size_t kHeaders = 14 + 20 + 8;
constexpr std::uint64_t kTimerMs = 20;
constexpr std::size_t kMaxNackPerBlock = 256;  // NACKed sequence numbers answered per feedback block
constexpr std::uint64_t kRembIntervalMs = 1000;

/** Runs `work` and adds the TSC cycles it took to `cycles`; used per batch or burst, never per packet. */
template <class Work>
inline void addCycles(std::uint64_t& cycles, Work&& work) noexcept {
  const std::uint64_t start = rte_get_tsc_cycles();
  work();
  cycles += rte_get_tsc_cycles() - start;
}

struct RxMeta {
  rte_mbuf* m;
  Transport* t;
  InboundStream* in;   // null for RTCP
  bool rtx;            // a retransmission on the stream's RTX SSRC
  std::uint8_t* wire;  // the packet in `m` (its op decrypts it into the retransmission cache where it can)
};

struct TxMeta {
  rte_mbuf* m;
  Transport* t;
  OutboundStream* out;  // null for RTCP we originate
  // Forwarded RTP: its headers built and the transport's and stream's counters counted for this protected length
  // (len + tx_rtp_overhead) before the protect, while those lines were in cache; 0: built after the protect.
  std::uint32_t built_len = 0;
};

DropReason srtpDrop(SrtpStatus s) noexcept {
  switch (s) {
    case SrtpStatus::AuthFail:
      return DropReason::SrtpAuth;
    case SrtpStatus::ReplayOld:
    case SrtpStatus::ReplayDup:
      return DropReason::SrtpReplay;
    case SrtpStatus::NoContext:
      return DropReason::UnknownSsrc;
    default:
      return DropReason::SrtpOther;
  }
}

class Loop {
 public:
  explicit Loop(Worker& w) noexcept : w_(w), s_(*w.shared) {}

  void run() noexcept {
    rte_rcu_qsbr_thread_register(s_.qsbr, w_.index);
    rte_rcu_qsbr_thread_online(s_.qsbr, w_.index);
    std::uint32_t idle = 0;
    std::uint64_t next_timer = 0;
    const std::uint64_t loop_start = rte_get_tsc_cycles();
    while (s_.running.load(std::memory_order_relaxed)) {
      const std::uint64_t iteration_start = rte_get_tsc_cycles();
      now_ms_ = iteration_start / s_.tsc_per_ms;
      unsigned work = applyCommands();
      if (w_.io) {
        work += pollIo();
      } else if (s_.rx_per_worker) {
        work += pollOwnQueue();
      }
      work += pollHandoff();
      flushProtect();
      flushTx();
      if (now_ms_ >= next_timer) {
        next_timer = now_ms_ + kTimerMs;
        const std::uint64_t srtp_before = w_.counters.srtp_cycles, tx_before = w_.counters.tx_cycles;
        timers();
        flushProtect();
        flushTx();
        // RTCP the timers protected or sent (SR, RR, NACK, PLI, REMB) is work: the iteration counts as busy, so
        // that srtp_cycles and tx_cycles stay parts of busy_cycles.
        if (w_.counters.srtp_cycles != srtp_before || w_.counters.tx_cycles != tx_before) ++work;
      }
      rte_rcu_qsbr_quiescent(s_.qsbr, w_.index);
      // Cycle accounting per iteration (one TSC read), never per packet: what the packets cost whatever the
      // polling mode, next to the wall-clock cycles of the loop.
      const std::uint64_t iteration_end = rte_get_tsc_cycles();
      w_.counters.total_cycles = iteration_end - loop_start;
      if (work) {
        w_.counters.busy_cycles += iteration_end - iteration_start;
        ++w_.counters.busy_loops;
        idle = 0;
        continue;
      }
      ++w_.counters.idle_loops;
      if (s_.busy_poll) continue;
      // Idle backoff (lab mode): spin a little, then pause, then sleep while offline for the RCU readers' check.
      if (++idle < 64) continue;
      if (idle < 1024) {
        rte_pause();
        continue;
      }
      rte_rcu_qsbr_thread_offline(s_.qsbr, w_.index);
      usleep(200);
      rte_rcu_qsbr_thread_online(s_.qsbr, w_.index);
    }
    flushProtect();
    flushTx();
    rte_rcu_qsbr_thread_offline(s_.qsbr, w_.index);
    rte_rcu_qsbr_thread_unregister(s_.qsbr, w_.index);
  }

 private:
  // ---- commands -------------------------------------------------------------------------------------------
  unsigned applyCommands() noexcept {
    Command cmds[16];
    const unsigned n = rte_ring_sc_dequeue_burst_elem(w_.commands, cmds, sizeof(Command), 16, nullptr);
    for (unsigned i = 0; i < n; ++i) {
      apply(cmds[i]);
      w_.applied.store(cmds[i].seq, std::memory_order_release);
    }
    w_.counters.commands += n;
    return n;
  }

  void apply(const Command& c) noexcept {
    auto* t = static_cast<Transport*>(c.a);
    switch (c.type) {
      case CommandType::Noop:
        break;
      case CommandType::AddTransport:
        w_.table[t->slot] = t;
        w_.owned.push_back(t);  // capacity reserved for max_transports: never allocates
        break;
      case CommandType::UpdateTransport:
        t->key = c.key;
        t->mac_pinned = c.flag != 0;
        t->mac_known = c.flag != 0;
        t->remote_mac = c.mac;
        t->tx_header_ready = false;
        break;
      case CommandType::RemoveTransport:
        w_.table[t->slot] = nullptr;
        for (auto& o : w_.owned)
          if (o == t) {
            o = w_.owned.back();
            w_.owned.pop_back();
            break;
          }
        break;
      case CommandType::AddInbound:
        for (auto& s : t->in)
          if (!s) {
            s = static_cast<InboundStream*>(c.b);
            break;
          }
        if (static_cast<InboundStream*>(c.b)->learn.active) ++t->learning;
        break;
      case CommandType::RemoveInbound:
        for (auto& s : t->in)
          if (s == c.b) s = nullptr;
        if (static_cast<InboundStream*>(c.b)->learn.active) --t->learning;
        break;
      case CommandType::AddOutbound:
        for (auto& s : t->out)
          if (!s) {
            s = static_cast<OutboundStream*>(c.b);
            break;
          }
        break;
      case CommandType::RemoveOutbound:
        for (auto& s : t->out)
          if (s == c.b) s = nullptr;
        break;
      case CommandType::AddRoute: {
        auto* r = static_cast<Route*>(c.a);
        linkRoute(r);
        break;
      }
      case CommandType::RemoveRoute: {
        auto* r = static_cast<Route*>(c.a);
        unlinkRoute(r);
        if (r->out->last_route == r) r->out->last_route = nullptr;
        break;
      }
      case CommandType::MoveRoute: {
        auto* r = static_cast<Route*>(c.a);
        unlinkRoute(r);
        r->in = static_cast<InboundStream*>(c.b);
        r->layers = {r->in, nullptr, nullptr};
        r->layer_count = 1;
        r->simulcast = false;
        linkRoute(r);
        r->rewrite.rebase();
        r->vp8.rebase();
        break;
      }
      case CommandType::MoveRouteLayers: {
        auto* r = static_cast<Route*>(c.a);
        unlinkRoute(r);
        r->layers = {static_cast<InboundStream*>(c.b), static_cast<InboundStream*>(c.c),
                     static_cast<InboundStream*>(c.d)};
        r->layer_count = c.flag;
        r->in = r->layers[0];
        r->simulcast = true;
        r->selector.configure(c.flag, r->selector.target());
        r->selector.reset();
        linkRoute(r);
        r->rewrite.rebase();
        r->vp8.rebase();
        break;
      }
      case CommandType::SetRoutePaused: {
        auto* r = static_cast<Route*>(c.a);
        const bool was = r->paused;
        r->paused = c.flag != 0;
        if (was && !r->paused) {
          // Resume: continue after the last packet sent; a decoder needs a keyframe to restart.
          r->rewrite.rebase();
          r->vp8.rebase();
          if (r->in->video) pli(r->in, false);
        }
        break;
      }
      case CommandType::SetLayerTarget: {
        auto* r = static_cast<Route*>(c.a);
        LayerTarget lt;
        lt.substream = c.flag;
        lt.temporal = static_cast<std::uint8_t>(c.value);
        lt.fallback_ms = c.value2;
        r->selector.setTarget(lt);
        break;
      }
      case CommandType::RequestKeyframe:
        pli(static_cast<InboundStream*>(c.b), false);
        break;
      case CommandType::SetFirFreq: {
        auto* in = static_cast<InboundStream*>(c.b);
        in->fir_freq_ms = c.value;
        in->last_fir_ms = now_ms_;
        break;
      }
      case CommandType::SetBitrateCap:
        if (t) {
          t->remb_bps = c.value;
          t->remb_due = true;
        } else {
          auto* in = static_cast<InboundStream*>(c.b);
          in->remb_bps = c.value;
          in->remb_due = true;
          in->transport->remb_due = true;
        }
        break;
      case CommandType::AddRtcpContext:
        for (auto& s : t->rtcp_in)
          if (!s) {
            s = static_cast<RtcpContext*>(c.b);
            break;
          }
        break;
      case CommandType::SetInboundContexts:
        bindLearned(t, static_cast<InboundStream*>(c.b));
        break;
    }
  }

  // ---- SSRC learning by mid/rid (SsrcLearning.hpp) ----------------------------------------------------------
  /** An unknown SSRC on a transport with learning streams: the stream whose mid/rid the packet carries, bound to
   *  the SSRC if its contexts can rebind (else the control side sends contexts: SetInboundContexts). */
  InboundStream* learnSsrc(Transport* t, const std::uint8_t* rtp, std::uint32_t len, std::uint32_t ssrc) noexcept {
    for (InboundStream* s : t->in)
      if (s && s->learn.pending_keys && s->learn.learned == ssrc) return nullptr;  // keys on their way
    if (t->learn_tokens == 0) return nullptr;
    --t->learn_tokens;
    for (InboundStream* s : t->in) {
      if (!s || !s->learn.active || s->learn.pending_keys || !ssrcLearnMatches(s->learn, rtp, len)) continue;
      const bool rebound = s->srtp->rebindSsrc(ssrc) && s->srtcp->rebindSsrc(ssrc);
      emit(EventType::SsrcLearned, s->id, ssrc, rebound ? 0 : 1);
      s->learn.learned = ssrc;
      if (!rebound) {
        s->learn.pending_keys = true;
        return nullptr;
      }
      bindLearned(t, s);
      return s;
    }
    return nullptr;
  }

  static void bindLearned(Transport* t, InboundStream* s) noexcept {
    if (!s->learn.active) return;
    if (s->learn.pending_keys) {
      std::swap(s->srtp, s->next_srtp);  // the old contexts stay with the stream, freed with it (control side)
      std::swap(s->srtcp, s->next_srtcp);
    }
    s->ssrc = s->learn.learned;
    s->learn.active = false;
    s->learn.pending_keys = false;
    --t->learning;
  }

  static void linkRoute(Route* r) noexcept {
    for (std::uint8_t l = 0; l < r->layer_count; ++l) {
      InboundStream* in = r->layers[l];
      if (in && in->route_count < kMaxRoutesPerStream) in->routes[in->route_count++] = r;
    }
  }

  static void unlinkRoute(Route* r) noexcept {
    for (std::uint8_t l = 0; l < r->layer_count; ++l) {
      InboundStream* in = r->layers[l];
      if (!in) continue;
      for (std::uint16_t i = 0; i < in->route_count; ++i)
        if (in->routes[i] == r) {
          in->routes[i] = in->routes[--in->route_count];
          in->routes[in->route_count] = nullptr;
          break;
        }
    }
  }

  // ---- io worker: media rx, classification, punts, exception rx --------------------------------------------
  unsigned pollIo() noexcept {
    unsigned work = 0;
    rte_mbuf* pkts[kRingBurst];
    for (std::uint16_t q = 0; q < (s_.rx_per_worker ? 1 : s_.media_rx_queues); ++q)
      work += pollMedia(q);
    flushHandoff();
    if (s_.exception_port != kNoPort) {
      const std::uint16_t n = rte_eth_rx_burst(s_.exception_port, 0, pkts, kRingBurst);
      work += n;
      w_.counters.exception_in += n;
      for (std::uint16_t i = 0; i < n; ++i) {
        if (s_.vlan && !vlanTag(pkts[i], s_.vlan)) {
          drop(pkts[i], DropReason::NoMbuf);
          continue;
        }
        queueTx(pkts[i]);
      }
    }
    if (s_.punts) {  // the other workers' punts, counted there
      const unsigned n = rte_ring_sc_dequeue_burst(s_.punts, reinterpret_cast<void**>(pkts), kRingBurst, nullptr);
      work += n;
      for (unsigned i = 0; i < n; ++i) {
        exc_tx_[n_exc_tx_++] = pkts[i];
        if (n_exc_tx_ == kTxQueue) flushTx();
      }
    }
    if (s_.tx_fallback) {
      const unsigned n = rte_ring_mc_dequeue_burst(s_.tx_fallback, reinterpret_cast<void**>(pkts), kRingBurst, nullptr);
      work += n;
      for (unsigned i = 0; i < n; ++i)
        queueTx(pkts[i]);
    }
    return work;
  }

  /** rx_per_worker: this worker's own media rx queue, classified here like the io worker does. */
  unsigned pollOwnQueue() noexcept {
    const unsigned n = pollMedia(static_cast<std::uint16_t>(w_.index));
    flushHandoff();
    return n;
  }

  /** Media rx queue `q`: bursts received until one comes back short, at most kRxBurstsPerPoll, so that the loop's
   *  own work (commands, hand-off ring, timers, the TSC reads) is paid per poll rather than per burst under load. */
  unsigned pollMedia(std::uint16_t q) noexcept {
    rte_mbuf* pkts[kBurst];
    unsigned work = 0;
    for (unsigned b = 0; b < kRxBurstsPerPoll; ++b) {
      const std::uint16_t n = rte_eth_rx_burst(s_.media_port, q, pkts, kBurst);
      work += n;
      receive(pkts, n);
      if (n_rx_ + kBurst > kRxBatch) runRx();  // before the next burst might not fit the batch
      if (n < kBurst) break;
    }
    runRx();
    return work;
  }

  /** A burst from the media port, in one pass: each frame classified and, the first of a run of one flow's frames
   *  (the run's head), its flow looked up by local port (FlowIndex), then punted, queued for its owner's hand-off
   *  ring, or (our own flows) admitted to the unprotect batch, which the caller runs (runRx). The frames after the
   *  head of its flow (sameFlow) follow the head's lookup. Frames of ports with several flows wait for one bulk
   *  lookup of the complete directory at the end. */
  void receive(rte_mbuf* const* pkts, std::uint16_t n) noexcept {
    rte_mbuf** cand = rx_cand_;  // the frames of ports with several flows, for the bulk lookup
    Classified* cls = rx_cls_;   // and their classifications
    const void* keys[kBurst];
    unsigned k = 0;
    // The run's head: the last frame classified in full, the frames after it of its flow classified by it rather
    // than by the frame just before (whose fields were just written one by one: store forwarding; perf).
    const std::uint8_t* head = nullptr;
    Classified head_cls;  // the head's classification (a shared-port head's is in cls)
    Classified* hc = nullptr;
    Classified follower;
    // What the head's lookup found: our transport it was admitted to (`run`), or the directory's value `v` for
    // another worker's or a stale flow (`hit`), or a port with several flows (`shared`), or none (a miss).
    Transport* run = nullptr;
    bool hit = false, shared = false;
    std::uint64_t v = 0;
    // The frames were written by another agent (a NIC's DMA, another core): their mbuf headers fetched for the
    // whole burst, their first bytes kRxAhead frames ahead of the classifier.
    for (std::uint16_t i = 0; i < n; ++i)
      rte_prefetch0(pkts[i]);
    for (std::uint16_t i = 0; i < n && i < kRxAhead; ++i)
      rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
    for (std::uint16_t i = 0; i < n; ++i) {
      if (i + kRxAhead < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kRxAhead], void*));
      rte_mbuf* m = pkts[i];
      ++w_.counters.rx_packets;
      w_.counters.rx_bytes += m->pkt_len;
      std::uint8_t* f = rte_pktmbuf_mtod(m, std::uint8_t*);
      proto::PacketKind kind{};
      std::uint16_t payload_len = 0;
      // A frame of the head's flow (a burst of one stream's packets): its VLAN was accepted and its source learned
      // with the head, and its flow lookup is the head's.
      if (head && m->nb_segs == 1 && sameFlow(f, m->data_len, head, *hc, kind, payload_len)) {
        if (run) {
          admit(m, run, f, kind, f + hc->payload_off, payload_len, false);
          continue;
        }
        // Another worker's flow, a stale or unknown one, or a port's with several flows: the frame's classification
        // written out in full, the head's with the frame's own kind and length.
        Classified& c = shared ? cls[k] : follower;
        c = *hc;
        c.kind = kind;
        c.payload_len = payload_len;
        if (shared) {
          keys[k] = &c.key;
          cand[k++] = m;
        } else if (hit) {
          toOwner(m, c, v);
        } else {
          punt(untagged(m, c), PuntReason::UnknownFlow);
        }
        continue;
      }
      const Classified c = classify(f, m->data_len);
      if (c.verdict != Verdict::Drop && c.vlan != s_.vlan) {
        drop(m, DropReason::WrongVlan);
        continue;
      }
      if (c.l3_len && w_.io) s_.neighbors.learn(c.key.remote_ip, f + 6);  // the neighbour cache has one writer
      switch (c.verdict) {
        case Verdict::Drop:
          drop(m, c.drop);
          continue;
        case Verdict::Punt:
          punt(untagged(m, c), c.punt);
          continue;
        case Verdict::Udp:
          break;
      }
      if (m->nb_segs != 1) {
        punt(untagged(m, c), PuntReason::UnknownFlow);
        continue;
      }
      head = f;
      run = nullptr;
      hit = shared = false;
      switch (s_.flows->find(c.key, v)) {
        case FlowIndex::Lookup::Hit:
          hit = true;
          head_cls = c;
          hc = &head_cls;
          run = toOwner(m, c, v);
          break;
        case FlowIndex::Lookup::Miss:
          head_cls = c;
          hc = &head_cls;
          punt(untagged(m, c), PuntReason::UnknownFlow);
          break;
        case FlowIndex::Lookup::Shared:
          shared = true;
          cls[k] = c;
          hc = &cls[k];
          keys[k] = &cls[k].key;
          cand[k++] = m;
          break;
      }
    }
    if (!k) return;
    void* data[kBurst];
    std::uint64_t hits = 0;
    if (rte_hash_lookup_bulk_data(s_.directory, keys, k, &hits, data) < 0) hits = 0;
    for (unsigned j = 0; j < k; ++j) {
      if (!(hits & (std::uint64_t{1} << j))) {
        punt(untagged(cand[j], cls[j]), PuntReason::UnknownFlow);
        continue;
      }
      toOwner(cand[j], cls[j], reinterpret_cast<std::uintptr_t>(data[j]));
    }
  }

  /** A frame of a known flow, `v` = owner << 32 | slot: ours admitted to this burst's unprotect batch at once (the
   *  classification at hand), another worker's queued for its hand-off ring. Returns our transport it was admitted
   *  to, else null. */
  Transport* toOwner(rte_mbuf* m, const Classified& c, std::uint64_t v) noexcept {
    const auto owner = static_cast<unsigned>(v >> 32);
    const auto slot = static_cast<std::uint32_t>(v);
    if (owner == w_.index) {
      Transport* t = flowAt(slot, c.key);
      if (!t) {
        drop(m, DropReason::StaleFlow);
        return nullptr;
      }
      std::uint8_t* f = rte_pktmbuf_mtod(m, std::uint8_t*);
      admit(m, t, f, c.kind, f + c.payload_off, c.payload_len);
      return t;
    }
    m->hash.usr = slot;
    m->l2_len = c.l2_len;
    m->l3_len = c.l3_len;
    m->packet_type = static_cast<std::uint32_t>(c.kind);
    if (owner >= s_.workers.size()) {
      drop(m, DropReason::StaleFlow);
      return nullptr;
    }
    auto& q = handoff_[owner];
    q.pkts[q.n++] = m;
    if (q.n == kRingBurst) flushHandoff();
    return nullptr;
  }

  /** The exception interface carries untagged frames. */
  static rte_mbuf* untagged(rte_mbuf* m, const Classified& c) noexcept {
    if (c.l2_len == 14 + kVlanTagLength) vlanUntag(m);
    return m;
  }

  void flushHandoff() noexcept {
    for (std::size_t i = 0; i < s_.workers.size() && i < kMaxWorkers; ++i) {
      auto& q = handoff_[i];
      if (!q.n) continue;
      const unsigned sent =
          rte_ring_enqueue_burst(s_.workers[i]->handoff, reinterpret_cast<void* const*>(q.pkts), q.n, nullptr);
      for (unsigned k = sent; k < q.n; ++k)
        drop(q.pkts[k], DropReason::HandoffFull);
      q.n = 0;
    }
  }

  void punt(rte_mbuf* m, PuntReason r) noexcept {
    ++w_.counters.punts[static_cast<std::size_t>(r)];
    traceEvent(1, static_cast<std::uint8_t>(r), m);
    if (s_.exception_port == kNoPort) return drop(m, DropReason::NoException);
    if (!w_.io) {  // the exception port's one tx queue belongs to the io worker
      if (rte_ring_mp_enqueue(s_.punts, m) != 0) return drop(m, DropReason::HandoffFull);
      ++w_.counters.exception_out;
      return;
    }
    ++w_.counters.exception_out;
    exc_tx_[n_exc_tx_++] = m;
    if (n_exc_tx_ == kTxQueue) flushTx();
  }

  void drop(rte_mbuf* m, DropReason r) noexcept {
    ++w_.counters.drops[static_cast<std::size_t>(r)];
    traceEvent(2, static_cast<std::uint8_t>(r), m);
    rte_pktmbuf_free(m);
  }

  void traceEvent(std::uint8_t verdict, std::uint8_t reason, const rte_mbuf* m) noexcept {
    if (!s_.trace.load(std::memory_order_relaxed)) return;
    emit(EventType::Trace, w_.index, std::uint32_t{verdict} << 8 | reason, m->pkt_len);
  }

  void emit(EventType type, std::uint32_t id, std::uint32_t value, std::uint64_t detail = 0) noexcept {
    Event e;
    e.type = type;
    e.worker = static_cast<std::uint16_t>(w_.index);
    e.id = id;
    e.value = value;
    e.detail = detail;
    if (rte_ring_mp_enqueue_elem(s_.events, &e, sizeof(Event)) != 0) ++w_.counters.events_lost;
  }

  // ---- owner: SRTP/SRTCP unprotect, routes, rewrite, protect ----------------------------------------------
  /** Packets other workers classified for our flows. */
  unsigned pollHandoff() noexcept {
    rte_mbuf* pkts[kRingBurst];
    const unsigned n = rte_ring_sc_dequeue_burst(w_.handoff, reinterpret_cast<void**>(pkts), kRingBurst, nullptr);
    if (n) handle(pkts, n);
    return n;
  }

  /** Packets of our flows another worker classified (the hand-off ring): each checked against its transport and
   *  admitted, then the batch unprotected and each on its way. */
  void handle(rte_mbuf* const* pkts, unsigned n) noexcept {
    for (unsigned i = 0; i < n; ++i) {
      rte_mbuf* m = pkts[i];
      std::uint8_t* f = rte_pktmbuf_mtod(m, std::uint8_t*);
      const std::uint8_t* ip = f + m->l2_len;
      std::uint8_t* udp = f + m->l2_len + m->l3_len;
      Transport* t = flowAt(m->hash.usr, FlowKey::ofReceived(ip, udp));
      if (!t) {
        drop(m, DropReason::StaleFlow);
        continue;
      }
      admit(m, t, f, static_cast<proto::PacketKind>(m->packet_type), udp + 8, proto::load16(udp + 4) - 8u);
    }
    runRx();
  }

  /** Our transport in table slot `slot` if it still carries the flow `key` (the directory that named the slot may
   *  be ahead of, or behind, the commands this worker has applied), else null: a stale frame. */
  Transport* flowAt(std::uint32_t slot, const FlowKey& key) const noexcept {
    Transport* t = slot < w_.table.size() ? w_.table[slot] : nullptr;
    return t && t->key == key ? t : nullptr;
  }

  /** A packet of our transport `t` (frame `f`, its UDP payload `payload` of `plen` bytes) into the unprotect batch:
   *  its stream's (or RTCP sender's) context found, or dropped and counted. `new_source` false: the frame's source MAC
   *  is the one the frame before it brought to `t` (a same-flow frame), not compared again. Inlined, as forward(),
   *  buildHeaders() and sameFlow() are: each is called per packet. */
  [[gnu::always_inline]] void admit(rte_mbuf* m, Transport* t, const std::uint8_t* f, proto::PacketKind kind,
                                    std::uint8_t* payload, std::uint32_t plen, bool new_source = true) noexcept {
    ++w_.counters.handoff_in;
    if (new_source && !t->mac_pinned && std::memcmp(t->remote_mac.data(), f + 6, 6) != 0) {
      std::memcpy(t->remote_mac.data(), f + 6, 6);
      t->mac_known = true;
      t->tx_header_ready = false;
    }
    ++t->counters.packets_in;
    t->counters.bytes_in += plen;
    if (n_rx_ == kRxBatch) runRx();
    SrtpOp& op = rx_ops_[n_rx_];
    op = SrtpOp{};
    op.data = payload;
    op.len = plen;
    op.capacity = plen;
    if (kind == proto::PacketKind::Rtp) {
      if (plen < 12) return dropOn(t, m, DropReason::BadRtp);
      const std::uint32_t ssrc = proto::load32(payload + 8);
      InboundStream* in = t->inbound(ssrc);
      bool rtx = false;
      if (!in && t->learning) in = learnSsrc(t, payload, plen, ssrc);
      if (!in) {
        in = t->inboundRtx(ssrc);
        if (!in) return dropOn(t, m, DropReason::UnknownSsrc);
        rtx = true;
      }
      op.ctx = rtx ? in->rtx_srtp.get() : in->srtp.get();
      // Decrypted straight into its retransmission cache slot where the cache grants one (RTX packets are not: their
      // original sequence number is encrypted).
      rx_into_[n_rx_] = rtx ? nullptr : in->cache.claim(proto::load16(payload + 2), plen, protect_epoch_, rx_batch_);
      rx_meta_[n_rx_++] = RxMeta{m, t, in, rtx, payload};
      return;
    }
    ++w_.counters.rtcp_in;
    if (plen < 8) return dropOn(t, m, DropReason::BadRtcp);
    const std::uint32_t sender = proto::load32(payload + 4);
    op.ctx = t->rtcpInbound(sender);
    op.rtcp = true;
    if (!op.ctx) {
      // Only a sender holding the transport's keys gets a context (the control plane answers the event): a forged
      // packet is an SRTP authentication drop and costs the transport none of its kMaxRtcpContexts.
      if (!t->rtcp_verifier) return dropOn(t, m, DropReason::UnknownRtcpSsrc);
      const SrtpStatus st = t->rtcp_verifier->verify(payload, plen);
      if (st != SrtpStatus::Ok) return dropOn(t, m, srtpDrop(st));
      if (now_ms_ - t->last_unknown_rtcp_event_ms >= 1000 || t->last_unknown_rtcp_event_ms == 0) {
        t->last_unknown_rtcp_event_ms = now_ms_;
        emit(EventType::UnknownRtcpSsrc, t->id, sender);
      }
      return dropOn(t, m, DropReason::UnknownRtcpSsrc);
    }
    rx_into_[n_rx_] = nullptr;
    rx_meta_[n_rx_++] = RxMeta{m, t, nullptr, false, payload};
  }

  /** The admitted batch: SRTP/SRTCP unprotect, then each packet on its way. */
  void runRx() noexcept {
    const unsigned ops = n_rx_;
    if (!ops) return;
    n_rx_ = 0;
    // The rest of each packet (the classifier read its first line) on its way before the batch decrypts it.
    for (unsigned i = 0; i < ops; ++i) {
      const std::uint8_t* p = rx_ops_[i].data;
      for (std::uint32_t at = 64; at < rx_ops_[i].len; at += 64)
        rte_prefetch1(p + at);
    }
    addCycles(w_.counters.srtp_cycles,
              [&] { w_.engine->unprotectInto(rx_ops_, rx_into_, static_cast<std::uint16_t>(ops)); });
    for (unsigned i = 0; i < ops; ++i) {
      const SrtpOp& op = rx_ops_[i];
      const RxMeta& meta = rx_meta_[i];
      if (op.status != SrtpStatus::Ok) {
        if (meta.in) ++meta.in->counters.drops[static_cast<std::size_t>(srtpDrop(op.status))];
        dropOn(meta.t, meta.m, srtpDrop(op.status));
        continue;
      }
      if (meta.in)
        onRtp(meta, op);
      else
        onRtcp(meta, op);
    }
    ++rx_batch_;  // the batch's cache slots are committed or given up: their claims lapse
    // What the batch queued protected and sent at once: the cache slots it pinned are free again for the next
    // batch's claims (the pins of more than one batch would turn a small cache's packets away).
    flushProtect();
  }

  void dropOn(Transport* t, rte_mbuf* m, DropReason r) noexcept {
    ++t->counters.drops[static_cast<std::size_t>(r)];
    drop(m, r);
  }

  void onRtp(const RxMeta& meta, const SrtpOp& op) noexcept {
    InboundStream* in = meta.in;
    std::uint8_t* data = op.data;
    std::uint32_t len = op.len;
    proto::RtpPacket rtp;
    if (rtp.parse(data, len) != proto::RtpParseStatus::Ok) return dropOn(meta.t, meta.m, DropReason::BadRtp);
    if (meta.rtx) {
      // RFC 4588 §4: the payload starts with the original sequence number; the PT maps back through apt. Only
      // packets we asked for go on (a duplicate of one that arrived after all is dropped).
      const std::uint8_t apt = in->rtx_apt[rtp.payload_type & 0x7f];
      const bool asked = rtp.payload_length >= 2 && apt != 0xff && in->generate_nack &&
                         in->nack.onPacket(proto::load16(data + rtp.payload_offset));
      if (!asked) {
        ++in->counters.drops[static_cast<std::size_t>(DropReason::Rtx)];
        return dropOn(meta.t, meta.m, DropReason::Rtx);
      }
      const std::uint16_t osn = proto::load16(data + rtp.payload_offset);
      std::memmove(data + 2, data, rtp.payload_offset);
      data += 2;
      len -= 2;
      proto::setSsrc(data, in->ssrc);
      proto::setSequence(data, osn);
      proto::setPayloadType(data, apt);
      if (rtp.parse(data, len) != proto::RtpParseStatus::Ok) return dropOn(meta.t, meta.m, DropReason::BadRtp);
      ++w_.counters.rtx_in;
    } else {
      in->reception.onPacket(rtp.sequence);
      if (in->generate_nack) in->nack.onPacket(rtp.sequence);
    }
    ++in->counters.packets_in;
    in->counters.bytes_in += len;
    if (!in->seen || in->stopped) {
      in->seen = true;
      in->stopped = false;
      emit(EventType::FirstPacket, in->id, in->ssrc);
    }
    in->last_rx_ms = now_ms_;
    // Decrypted into the cache (its slot claimed in admit): committed; else copied in. `wire`: the packet in the mbuf.
    std::uint8_t* wire = data;
    if (data != meta.wire && !meta.rtx) {
      in->cache.commit(rtp.sequence, len);
      wire = meta.wire;
    } else {
      in->cache.store(rtp.sequence, data, len, protect_epoch_, rx_batch_);
    }
    if (in->route_count == 0) {
      ++in->counters.drops[static_cast<std::size_t>(DropReason::NoRoute)];
      return drop(meta.m, DropReason::NoRoute);
    }
    // Codec view, parsed once for every route: keyframe (layer switches) and the VP8 fields a route rewrites.
    Vp8Descriptor vp8;
    bool has_vp8 = false;
    bool keyframe = true;  // other codecs: no parsing, a switch happens at once
    const std::uint8_t* payload = data + rtp.payload_offset;
    if (in->codec == VideoCodec::Vp8) {
      has_vp8 = parseVp8(payload, rtp.payload_length, vp8) == Vp8ParseStatus::Ok;
      keyframe = has_vp8 && vp8.keyframe;
    } else if (in->codec == VideoCodec::H264) {
      keyframe = isH264Keyframe(payload, rtp.payload_length);
    }
    const std::uint16_t routes = in->route_count;
    if (routes == 1) {
      // One route (a 1:1 call, EchoTest, a single subscriber): the packet goes out in the mbuf it came in, its
      // headers rewritten and its body encrypted in place; no copy to allocate, fill and free.
      Route* r = in->routes[0];
      if (takes(r, in, rtp, has_vp8 ? &vp8 : nullptr, keyframe)) {
        forward(r, in, rtp, data, len, has_vp8 ? &vp8 : nullptr, meta.m, wire);
        if (wire != data) in->cache.pin(rtp.sequence, protect_epoch_);  // the op reads its body from the slot
        return;
      }
      ++in->counters.drops[static_cast<std::size_t>(DropReason::Filtered)];
      return drop(meta.m, DropReason::Filtered);
    }
    // One mbuf per route, allocated in bulk (one per route if the pool cannot give them all at once).
    rte_mbuf** copies = copies_;
    const bool bulk = allocCopies(copies, routes);
    std::uint16_t used = 0;
    unsigned taken = 0;  // routes that took the packet (a failed copy is counted by forward() itself)
    // The loop is bound by cache misses on each route's Route, OutboundStream, Transport and history slot (the
    // protect batches in between evict them from L1). They are prefetched in stages, each reading only what the
    // stage before fetched an iteration earlier: the Route three routes ahead, its OutboundStream two ahead, the
    // Transport and history slot that stream points at one ahead.
    for (std::uint16_t k = 0; k < routes && k < 3; ++k)
      prefetchRoute(in->routes[k]);
    for (std::uint16_t k = 0; k < routes && k < 2; ++k)
      prefetchOut(in->routes[k]->out);
    if (routes > 0) prefetchOutTargets(in->routes[0]->out);
    for (std::uint16_t i = 0; i < routes; ++i) {
      if (i + 3 < routes) prefetchRoute(in->routes[i + 3]);
      if (i + 2 < routes) prefetchOut(in->routes[i + 2]->out);
      if (i + 1 < routes) prefetchOutTargets(in->routes[i + 1]->out);
      Route* r = in->routes[i];
      if (!takes(r, in, rtp, has_vp8 ? &vp8 : nullptr, keyframe)) continue;
      ++taken;
      forward(r, in, rtp, data, len, has_vp8 ? &vp8 : nullptr, bulk ? copies[used++] : rte_pktmbuf_alloc(s_.pool));
    }
    if (bulk && used < routes) freeMbufs(copies + used, routes - used);
    if (!taken) {
      ++in->counters.drops[static_cast<std::size_t>(DropReason::Filtered)];
      return drop(meta.m, DropReason::Filtered);
    }
    // The copies are encrypted out of place from this packet (in the mbuf, or in the cache's slot): the mbuf is
    // freed once they are (flushProtect), the slot pinned until then.
    if (n_sources_ == kTxBatch) flushProtect();
    sources_[n_sources_++] = meta.m;
    if (wire != data) in->cache.pin(rtp.sequence, protect_epoch_);
  }

  /** `n` mbufs for copies, all or none (allocMbufs: no write to their second cache line). At fan-out 20 that line of
   *  every copy, written by rte_pktmbuf_alloc_bulk's reset, was the worker's most frequent cache miss (perf). The
   *  copies request no tx offload (ol_flags 0), so `tx_offload` is never read. */
  bool allocCopies(rte_mbuf** m, unsigned n) noexcept { return allocMbufs(s_.pool, m, n, RTE_MBUF_PORT_INVALID); }

  /** Whether route `r` takes this packet of `in`: not paused, and for simulcast the layer choice (selectLayer). */
  bool takes(Route* r, InboundStream* in, const proto::RtpPacket& rtp, const Vp8Descriptor* vp8,
             bool keyframe) noexcept {
    return !r->paused && (!r->simulcast || selectLayer(r, in, rtp, vp8, keyframe));
  }

  /** Simulcast: whether this packet of `in` goes out on route `r` (layer choice, switch at keyframes, VP8 temporal
   * filtering), with the rewrite rebased and events emitted on a change. */
  bool selectLayer(Route* r, InboundStream* in, const proto::RtpPacket& rtp, const Vp8Descriptor* vp8,
                   bool keyframe) noexcept {
    std::uint8_t layer = 0;
    while (layer < r->layer_count && r->layers[layer] != in)
      ++layer;
    const SimulcastSelector::Decision d = r->selector.onPacket(layer, keyframe, now_ms_);
    if (d.want_keyframe) pli(in, false);
    if (!d.forward) return false;
    if (d.switched) {
      r->in = in;
      r->rewrite.rebase();
      r->vp8.rebase();
      ++w_.counters.layer_switches;
      emit(EventType::SubstreamChanged, r->id, layer);
    }
    if (!vp8) return true;
    bool changed = false;
    const bool pass =
        r->selector.temporalPass(vp8->has_tid, vp8->tid, vp8->frameStart(), vp8->keyframe, vp8->layer_sync, changed);
    if (changed) emit(EventType::TemporalChanged, r->id, r->selector.temporal());
    if (!pass) r->rewrite.skip(rtp.ssrc, rtp.sequence);
    return pass;
  }

  static void prefetchRoute(const Route* r) noexcept {
    rte_prefetch0(r);
    rte_prefetch0(&r->paused);
  }
  /** The OutboundStream lines a copy touches: its transport pointer and SSRC, the rewrite continuity. */
  static void prefetchOut(const OutboundStream* out) noexcept {
    rte_prefetch0(out);
    rte_prefetch0(&out->sent_packets);
  }
  /** What those lines point at: the history slot the copy will fill and the transport's first line (tx overhead,
   *  5-tuple, MAC). */
  static void prefetchOutTargets(const OutboundStream* out) noexcept {
    rte_prefetch0(out->history.slotFor(static_cast<std::uint16_t>(out->last_seq + 1)));
    rte_prefetch0(out->transport);
  }

  /** The packet `data` (decrypted) out on route `r` in mbuf `c`: SSRC / seq / ts / PT (and VP8 PictureID / TL0PICIDX)
   *  rewritten. `c` is a fresh copy, or with `in_place` set the received mbuf, the packet at `in_place` in it:
   *  `data` itself, or the ciphertext it was decrypted from into the retransmission cache (the header in the clear
   *  either way). It is rewritten and encrypted there. Inlined at both of its call sites (the one route, the loop
   *  over several): called, its eight arguments went through the stack for every copy (R/E at GCM 200 B: fan-out 1
   *  0.465 -> 0.448, fan-out 20 0.500 -> 0.467, four alternating runs each). */
  [[gnu::always_inline]] void forward(Route* r, InboundStream* in, const proto::RtpPacket& rtp, std::uint8_t* data,
                                      std::uint32_t len, const Vp8Descriptor* vp8, rte_mbuf* c,
                                      std::uint8_t* in_place = nullptr) noexcept {
    OutboundStream* out = r->out;
    Transport* to = out->transport;
    if (!c) {
      ++out->counters.drops[static_cast<std::size_t>(DropReason::NoMbuf)];
      ++w_.counters.drops[static_cast<std::size_t>(DropReason::NoMbuf)];
      return;
    }
    std::uint8_t* p = nullptr;
    std::uint32_t room = 0;  // from the frame's first byte to the buffer's end
    if (in_place) {
      // The frame shortened at its front so that our Ethernet/IPv4/UDP headers end where the RTP starts (the
      // received ones were at least that long: VLAN tag, IP options and an RTX unwrap only add to them).
      const auto before = static_cast<std::uint32_t>(in_place - rte_pktmbuf_mtod(c, std::uint8_t*));
      if (before < kHeaders || !rte_pktmbuf_adj(c, static_cast<std::uint16_t>(before - kHeaders)))
        return drop(c, DropReason::NoMbuf);
      c->ol_flags = 0;
      c->packet_type = 0;
      p = in_place;
      room = static_cast<std::uint32_t>(c->buf_len - c->data_off);
    } else {
      p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
      room = rte_pktmbuf_tailroom(c);
    }
    if (room < kHeaders + len + to->tx_rtp_overhead) {
      rte_pktmbuf_free(c);
      ++w_.counters.drops[static_cast<std::size_t>(DropReason::NoMbuf)];
      return;
    }
    // A copy takes the header only: the body is encrypted from `data` straight into it (SrtpEngine::protectFrom).
    // VP8, whose payload descriptor is rewritten here, is copied whole and protected in place (in the received mbuf:
    // its body when the plaintext is in the cache).
    if (!in_place)
      std::memcpy(p, data, vp8 ? len : rtp.payload_offset);
    else if (p != data && vp8)
      std::memcpy(p + rtp.payload_offset, data + rtp.payload_offset, len - rtp.payload_offset);
    if (!r->rewrite.started() && out->sent_packets) r->rewrite.continueAfter(out->last_seq, out->last_ts, out->last_ms);
    const RewriteResult rw =
        r->rewrite.apply(rtp.ssrc, rtp.sequence, rtp.timestamp, rtp.payload_type, now_ms_, in->clock_rate);
    out->last_seq = r->rewrite.lastSequence();
    out->last_ts = r->rewrite.lastTimestamp();
    out->last_ms = now_ms_;
    proto::setSsrc(p, out->ssrc);
    proto::setSequence(p, rw.sequence);
    proto::setTimestamp(p, rw.timestamp);
    proto::setPayloadType(p, rw.payload_type);
    SentPacket sp;
    sp.out_seq = rw.sequence;
    sp.in_seq = rtp.sequence;
    sp.in_stream = in->id;
    sp.out_ts = rw.timestamp;
    sp.payload_type = rw.payload_type;
    if (vp8) {
      r->vp8.apply(*vp8, sp.picture_id, sp.tl0);
      writeVp8Ids(p + rtp.payload_offset, *vp8, sp.picture_id, sp.tl0);
    }
    out->history.record(sp);
    out->last_route = r;
    ++out->sent_packets;
    out->sent_octets += static_cast<std::uint32_t>(rtp.payload_length);
    // The Ethernet/IPv4/UDP headers and the counters now, for the length the protect will give (the transport and
    // the copy's first lines are in cache here; after the protect batch they are not).
    if (!to->mac_known) {
      to->mac_known = s_.neighbors.lookup(to->key.remote_ip, to->remote_mac);
      to->tx_header_ready = false;
      if (!to->mac_known) return dropOn(to, c, DropReason::NoL2);
    }
    const std::uint32_t out_len = len + to->tx_rtp_overhead;
    buildHeaders(c, to, out_len);
    countOut(to, out, out_len, 1);
    queueProtect(c, to, out, p, len, room - static_cast<std::uint32_t>(kHeaders), out->srtp.get(), false,
                 vp8 || p == data ? nullptr : data, out_len);
  }

  /** `sign` (1 or -1) packets of `len` protected bytes out on transport `t` (and its stream `out`, if any). */
  static void countOut(Transport* t, OutboundStream* out, std::uint32_t len, int sign) noexcept {
    t->counters.packets_out += static_cast<std::uint64_t>(sign);
    t->counters.bytes_out += static_cast<std::uint64_t>(sign) * len;
    if (out) {
      out->counters.packets_out += static_cast<std::uint64_t>(sign);
      out->counters.bytes_out += static_cast<std::uint64_t>(sign) * len;
    }
  }

  void onRtcp(const RxMeta& meta, const SrtpOp& op) noexcept {
    Transport* t = meta.t;
    if (proto::validateCompound(op.data, op.len) != proto::RtcpParseStatus::Ok)
      return dropOn(t, meta.m, DropReason::BadRtcp);
    proto::RtcpCompound compound(op.data, op.len);
    proto::RtcpBlock b;
    while (compound.next(b) == proto::RtcpParseStatus::Ok) {
      if (b.type == proto::rtcp::kSr || b.type == proto::rtcp::kRr) {
        if (b.type == proto::rtcp::kSr) {
          if (InboundStream* in = t->inbound(b.sender_ssrc)) {
            in->reception.last_sr_ntp_mid = proto::load32(b.data + 10);
            in->reception.last_sr_ms = now_ms_;
            in->sr_ntp = (std::uint64_t{proto::load32(b.data + 8)} << 32) | proto::load32(b.data + 12);
            in->sr_rtp = proto::load32(b.data + 16);
            in->have_sr = true;
          }
        }
        remoteReports(t, b);
      } else if (b.type == proto::rtcp::kPsfb && b.count == proto::rtcp::kFmtPli) {
        keyframeFor(t, b.media_ssrc());
      } else if (b.type == proto::rtcp::kPsfb && b.count == proto::rtcp::kFmtFir) {
        std::uint32_t targets[8];
        const std::size_t n = proto::firTargets(b, targets, 8);
        for (std::size_t i = 0; i < n && i < 8; ++i)
          keyframeFor(t, targets[i]);
      } else if (b.type == proto::rtcp::kRtpfb && b.count == proto::rtcp::kFmtNack) {
        std::uint16_t seqs[kMaxNackPerBlock];
        const std::size_t n = proto::nackSequences(b, seqs, kMaxNackPerBlock);
        w_.counters.nack_in += n;
        OutboundStream* out = t->outbound(b.media_ssrc());
        if (out) out->counters.nacks += n;
        for (std::size_t i = 0; i < n; ++i)
          if (i >= kMaxNackPerBlock || !out || !resend(out, seqs[i])) ++w_.counters.rtx_cache_miss;
      }
    }
    rte_pktmbuf_free(meta.m);
  }

  /** Answers a NACK for outbound sequence `seq`: the source packet from its inbound stream's cache, rebuilt as it
   * went out, on the RTX SSRC (RFC 4588, OSN first in the payload) when negotiated, else as a plain resend. */
  bool resend(OutboundStream* out, std::uint16_t seq) noexcept {
    const SentPacket* sp = out->history.find(seq);
    Route* r = out->last_route;
    if (!sp || !r) return false;
    InboundStream* in = nullptr;
    for (std::uint8_t l = 0; l < r->layer_count; ++l)
      if (r->layers[l] && r->layers[l]->id == sp->in_stream) in = r->layers[l];
    std::size_t len = 0;
    const std::uint8_t* src = in ? in->cache.find(sp->in_seq, len) : nullptr;
    proto::RtpPacket rtp;
    if (!src || rtp.parse(src, len) != proto::RtpParseStatus::Ok) return false;
    const std::uint8_t rtx_pt = out->rtx_srtp ? out->rtx_pt[sp->payload_type & 0x7f] : 0xff;
    const bool as_rtx = rtx_pt != 0xff;
    Transport* to = out->transport;
    rte_mbuf* c = rte_pktmbuf_alloc(s_.pool);
    if (!c) {
      ++w_.counters.drops[static_cast<std::size_t>(DropReason::NoMbuf)];
      return false;
    }
    const std::uint32_t room = rte_pktmbuf_tailroom(c) - static_cast<std::uint32_t>(kHeaders);
    const std::uint32_t out_len = static_cast<std::uint32_t>(len) + (as_rtx ? 2 : 0);
    if (room < out_len + to->tx_rtp_overhead) {
      rte_pktmbuf_free(c);
      ++w_.counters.drops[static_cast<std::size_t>(DropReason::NoMbuf)];
      return false;
    }
    std::uint8_t* p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
    const std::size_t po = rtp.payload_offset;
    std::uint8_t* payload = p + po + (as_rtx ? 2 : 0);
    std::memcpy(p, src, po);
    std::memcpy(payload, src + po, len - po);
    proto::setTimestamp(p, sp->out_ts);
    if (as_rtx) {
      proto::store16(p + po, seq);
      proto::setSsrc(p, out->rtx_ssrc);
      proto::setSequence(p, out->rtx_seq++);
      proto::setPayloadType(p, rtx_pt);
    } else {
      proto::setSsrc(p, out->ssrc);
      proto::setSequence(p, seq);
      proto::setPayloadType(p, sp->payload_type);
    }
    Vp8Descriptor vp8;
    if (in->codec == VideoCodec::Vp8 && parseVp8(src + po, rtp.payload_length, vp8) == Vp8ParseStatus::Ok)
      writeVp8Ids(payload, vp8, sp->picture_id, sp->tl0);
    ++w_.counters.rtx_sent;
    queueProtect(c, to, out, p, out_len, room, as_rtx ? out->rtx_srtp.get() : out->srtp.get(), false);
    return true;
  }

  /** SR/RR report blocks about our outbound streams: keep the cumulative loss the remote sees (slowlink, stats). */
  static void remoteReports(Transport* t, const proto::RtcpBlock& b) noexcept {
    const std::size_t first = b.type == proto::rtcp::kSr ? 28 : 8;
    for (std::size_t i = 0; i < b.count && first + 24 * (i + 1) <= b.length; ++i) {
      const std::uint8_t* rb = b.data + first + 24 * i;
      if (OutboundStream* out = t->outbound(proto::load32(rb)))
        out->counters.remote_lost = proto::load32(rb + 4) & 0xffffff;
    }
  }

  /** A receiver on `t` asked for a keyframe of its outbound stream `ssrc`: ask the source publisher (RFC 4585). */
  void keyframeFor(Transport* t, std::uint32_t ssrc) noexcept {
    OutboundStream* out = t->outbound(ssrc);
    if (!out || !out->last_route) return;
    pli(out->last_route->in, true);
  }

  /** A PLI toward the publisher of `in`, at most one per pli_interval_ms per stream. */
  void pli(InboundStream* in, bool event) noexcept {
    if (in->last_pli_ms && now_ms_ - in->last_pli_ms < s_.pli_interval_ms) return;  // rate limit
    in->last_pli_ms = now_ms_ ? now_ms_ : 1;
    if (event) emit(EventType::KeyframeWanted, in->id, in->ssrc);
    Transport* src = in->transport;
    if (!src->rtcp_out) return;
    rte_mbuf* c = rte_pktmbuf_alloc(s_.pool);
    if (!c) return;
    std::uint8_t* p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
    const std::uint32_t room = rte_pktmbuf_tailroom(c) - static_cast<std::uint32_t>(kHeaders);
    const std::size_t len = proto::buildPli(p, room, src->rtcp_ssrc, in->ssrc);
    ++w_.counters.keyframe_requests;
    sendRtcp(c, src, p, len, room, src->rtcp_out.get());
  }

  /** Queues one RTCP packet we built at `p` in mbuf `c` (freed when the builder wrote nothing). */
  void sendRtcp(rte_mbuf* c, Transport* t, std::uint8_t* p, std::size_t len, std::uint32_t room,
                SrtpStreamContext* ctx) noexcept {
    if (!len) {
      rte_pktmbuf_free(c);
      return;
    }
    ++w_.counters.rtcp_out;
    queueProtect(c, t, nullptr, p, static_cast<std::uint32_t>(len), room, ctx, true);
  }

  /** `source`: RTP whose body is still in another buffer (see SrtpEngine::protectFrom), null when `data` holds it. */
  void queueProtect(rte_mbuf* m, Transport* t, OutboundStream* out, std::uint8_t* data, std::uint32_t len,
                    std::uint32_t capacity, SrtpStreamContext* ctx, bool rtcp, const std::uint8_t* source = nullptr,
                    std::uint32_t built_len = 0) noexcept {
    if (n_tx_ops_ == kTxBatch) flushProtect();
    tx_sources_[n_tx_ops_] = source;
    SrtpOp& op = tx_ops_[n_tx_ops_];
    op = SrtpOp{};
    op.data = data;
    op.len = len;
    op.capacity = capacity;
    op.ctx = ctx;
    op.rtcp = rtcp;
    tx_meta_[n_tx_ops_++] = TxMeta{m, t, out, built_len};
  }

  void flushProtect() noexcept {
    if (!n_tx_ops_) return freeSources();
    addCycles(w_.counters.srtp_cycles, [&] { w_.engine->protectFrom(tx_ops_, tx_sources_, n_tx_ops_); });
    ++protect_epoch_;  // no queued op reads a cache slot any more: the slots' pins lapse
    // Forwarded RTP went in with its headers built and counted: queued as it is, no line of it read (the batch
    // evicted them from L1). The rest (RTCP, retransmissions) is built here, its lines fetched one or two ahead.
    for (std::uint16_t i = 0; i < n_tx_ops_ && i < 2; ++i)
      if (!tx_meta_[i].built_len) rte_prefetch0(tx_meta_[i].m);
    for (std::uint16_t i = 0; i < n_tx_ops_; ++i) {
      if (i + 2 < n_tx_ops_ && !tx_meta_[i + 2].built_len) rte_prefetch0(tx_meta_[i + 2].m);
      if (i + 1 < n_tx_ops_ && !tx_meta_[i + 1].built_len) {
        const TxMeta& next = tx_meta_[i + 1];
        rte_prefetch0(rte_pktmbuf_mtod(next.m, void*));
        rte_prefetch0(next.t);
        rte_prefetch0(&next.t->counters);
        if (next.out) rte_prefetch0(&next.out->counters);
      }
      const SrtpOp& op = tx_ops_[i];
      const TxMeta& meta = tx_meta_[i];
      if (meta.built_len && op.status == SrtpStatus::Ok && op.len == meta.built_len) {
        queueTx(meta.m, kHeaders + (s_.vlan ? kVlanTagLength : 0u) + op.len);
        continue;
      }
      // A forwarded packet that did not come out as built (a failed protect; a length other than the profile's
      // overhead cannot happen) takes back its counts and is dropped.
      if (meta.built_len) countOut(meta.t, meta.out, meta.built_len, -1);
      if (op.status != SrtpStatus::Ok || meta.built_len) {
        if (meta.out) ++meta.out->counters.drops[static_cast<std::size_t>(DropReason::SrtpOther)];
        dropOn(meta.t, meta.m, DropReason::SrtpOther);
        continue;
      }
      Transport* t = meta.t;
      if (!t->mac_known) {
        t->mac_known = s_.neighbors.lookup(t->key.remote_ip, t->remote_mac);
        t->tx_header_ready = false;
      }
      if (!t->mac_known) {
        dropOn(t, meta.m, DropReason::NoL2);
        continue;
      }
      buildHeaders(meta.m, t, op.len);
      countOut(t, meta.out, op.len, 1);
      queueTx(meta.m);
    }
    n_tx_ops_ = 0;
    freeSources();
    flushTx();
  }

  /** The decrypted source packets of the copies just protected. */
  void freeSources() noexcept {
    if (!n_sources_) return;
    freeMbufs(sources_, n_sources_);
    n_sources_ = 0;
  }

  /** The transport's header template (see Transport::tx_header). */
  void buildHeaderTemplate(Transport* t) noexcept {
    std::uint8_t* f = t->tx_header.data();
    std::memcpy(f, t->remote_mac.data(), 6);
    std::memcpy(f + 6, s_.media_mac.data(), 6);
    f[12] = 0x08;
    f[13] = 0x00;
    std::uint8_t* ip = f + 14;
    ip[0] = 0x45;
    ip[1] = 0;
    proto::store16(ip + 2, 0);  // total length: per packet
    proto::store16(ip + 4, 0);
    proto::store16(ip + 6, 0x4000);  // DF
    ip[8] = 64;
    ip[9] = 17;
    proto::store16(ip + 10, 0);
    std::memcpy(ip + 12, &t->key.local_ip, 4);
    std::memcpy(ip + 16, &t->key.remote_ip, 4);
    t->tx_header_sum = rte_raw_cksum(ip, 20);
    std::uint8_t* udp = ip + 20;
    std::memcpy(udp, &t->key.local_port, 2);
    std::memcpy(udp + 2, &t->key.remote_port, 2);
    proto::store16(udp + 4, 0);  // length: per packet
    proto::store16(udp + 6, 0);  // RFC 768: no checksum (IPv4); SRTP authenticates the payload
    t->tx_header_ready = true;
  }

  /** Ethernet + IPv4 + UDP in front of `payload_len` bytes: the transport's template with the two lengths set and
   *  the IP checksum completed incrementally (RFC 1624: the template's sum plus the total length word). */
  [[gnu::always_inline]] void buildHeaders(rte_mbuf* m, Transport* t, std::uint32_t payload_len) noexcept {
    if (!t->tx_header_ready) buildHeaderTemplate(t);
    std::uint8_t* f = rte_pktmbuf_mtod(m, std::uint8_t*);
    std::memcpy(f, t->tx_header.data(), kHeaders);
    std::uint8_t* ip = f + 14;
    const auto total = static_cast<std::uint16_t>(20 + 8 + payload_len);
    proto::store16(ip + 2, total);
    std::uint16_t raw_total = 0;  // the length word as it lies in memory, the way rte_raw_cksum summed the rest
    std::memcpy(&raw_total, ip + 2, 2);
    std::uint32_t sum = std::uint32_t{t->tx_header_sum} + raw_total;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    const auto cksum = static_cast<std::uint16_t>(~sum);
    std::memcpy(ip + 10, &cksum, 2);
    proto::store16(ip + 20 + 4, static_cast<std::uint16_t>(8 + payload_len));
    m->data_len = static_cast<std::uint16_t>(kHeaders + payload_len);
    m->pkt_len = m->data_len;
    if (s_.vlan) vlanTag(m, s_.vlan);  // fresh mbuf: its headroom always has the 4 bytes
  }

  // ---- timers: media stopped, periodic PLI, NACK generation, RR, SR, REMB ---------------------------------
  void timers() noexcept {
    const std::uint32_t media_timeout = s_.media_timeout_ms.load(std::memory_order_relaxed);
    for (Transport* t : w_.owned) {
      t->learn_tokens = kSsrcLearnAttemptsPerTick;
      proto::RtcpReportBlock blocks[kMaxStreamsPerTransport];
      std::size_t nb = 0;
      for (InboundStream* in : t->in) {
        if (!in || !in->seen) continue;
        if (media_timeout && !in->stopped && now_ms_ - in->last_rx_ms >= media_timeout) {
          in->stopped = true;
          emit(EventType::MediaStopped, in->id, static_cast<std::uint32_t>(now_ms_ - in->last_rx_ms));
        }
        if (in->fir_freq_ms && now_ms_ - in->last_fir_ms >= in->fir_freq_ms) {
          in->last_fir_ms = now_ms_;
          pli(in, false);
        }
        if (in->generate_nack && in->nack.pending()) nackPublisher(t, in);
        if (in->reception.started) blocks[nb++] = reportBlock(*in);
      }
      remb(t);
      if (!s_.rr_interval_ms || !t->rtcp_out) continue;
      if (now_ms_ - t->last_sr_ms >= s_.rr_interval_ms) {
        t->last_sr_ms = now_ms_;
        for (OutboundStream* out : t->out)
          if (out) senderReport(out);
      }
      if (!nb || now_ms_ - t->last_rr_ms < s_.rr_interval_ms) continue;
      t->last_rr_ms = now_ms_;
      for (std::size_t i = 0; i < nb; ++i)
        commitReport(*t->inbound(blocks[i].ssrc));
      rte_mbuf* c = rte_pktmbuf_alloc(s_.pool);
      if (!c) continue;
      std::uint8_t* p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
      const std::uint32_t room = rte_pktmbuf_tailroom(c) - static_cast<std::uint32_t>(kHeaders);
      sendRtcp(c, t, p, proto::buildRr(p, room, t->rtcp_ssrc, blocks, nb), room, t->rtcp_out.get());
    }
  }

  /** Generic NACK toward the publisher for the gaps of `in` that are due (first ask or retry). */
  void nackPublisher(Transport* t, InboundStream* in) noexcept {
    std::uint16_t seqs[NackGenerator::kMaxPending];
    const std::size_t n = in->nack.due(now_ms_, seqs);
    if (!n || !t->rtcp_out) return;
    rte_mbuf* c = rte_pktmbuf_alloc(s_.pool);
    if (!c) return;
    std::uint8_t* p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
    const std::uint32_t room = rte_pktmbuf_tailroom(c) - static_cast<std::uint32_t>(kHeaders);
    w_.counters.nack_out += n;
    sendRtcp(c, t, p, proto::buildNack(p, room, t->rtcp_ssrc, in->ssrc, seqs, n), room, t->rtcp_out.get());
  }

  /** SR for an outbound stream (RFC 3550 §6.4.1): the NTP / RTP pair of the source's last SR, moved to now and
   * through the route's timestamp offset, with this stream's own packet / octet counts. Nothing before the source
   * has sent an SR (no mapping to translate). */
  void senderReport(OutboundStream* out) noexcept {
    Route* r = out->last_route;
    if (!r || !out->sent_packets || !r->rewrite.started()) return;
    const InboundStream* in = r->in;
    if (!in->have_sr) return;
    const std::uint64_t elapsed = now_ms_ - in->reception.last_sr_ms;
    const std::uint64_t ntp = in->sr_ntp + (elapsed << 32) / 1000;
    const auto rtp_ts =
        static_cast<std::uint32_t>(in->sr_rtp + elapsed * in->clock_rate / 1000 + r->rewrite.timestampOffset());
    rte_mbuf* c = rte_pktmbuf_alloc(s_.pool);
    if (!c) return;
    std::uint8_t* p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
    const std::uint32_t room = rte_pktmbuf_tailroom(c) - static_cast<std::uint32_t>(kHeaders);
    ++w_.counters.sr_out;
    sendRtcp(c, out->transport, p, proto::buildSr(p, room, out->ssrc, ntp, rtp_ts, out->sent_packets, out->sent_octets),
             room, out->srtp.get());
  }

  /** REMB toward a publisher: at once after a cap change, then every second while a cap is set. A stream's own cap
   * goes in its own REMB (bounded by the transport's); the others share one with the transport's cap. */
  void remb(Transport* t) noexcept {
    bool due = t->remb_due || (now_ms_ - t->last_remb_ms >= kRembIntervalMs);
    if (!due || !t->rtcp_out) return;
    std::uint32_t shared[kMaxStreamsPerTransport];
    std::size_t n = 0;
    bool any = false;
    for (InboundStream* in : t->in) {
      if (!in || !in->video) continue;
      in->remb_due = false;
      if (in->remb_bps) {
        const std::uint32_t cap = t->remb_bps && t->remb_bps < in->remb_bps ? t->remb_bps : in->remb_bps;
        sendRemb(t, cap, &in->ssrc, 1);
        any = true;
      } else if (t->remb_bps) {
        shared[n++] = in->ssrc;
      }
    }
    if (n) {
      sendRemb(t, t->remb_bps, shared, n);
      any = true;
    }
    t->remb_due = false;
    if (any) t->last_remb_ms = now_ms_;
  }

  void sendRemb(Transport* t, std::uint32_t bps, const std::uint32_t* ssrcs, std::size_t n) noexcept {
    rte_mbuf* c = rte_pktmbuf_alloc(s_.pool);
    if (!c) return;
    std::uint8_t* p = rte_pktmbuf_mtod(c, std::uint8_t*) + kHeaders;
    const std::uint32_t room = rte_pktmbuf_tailroom(c) - static_cast<std::uint32_t>(kHeaders);
    ++w_.counters.remb_out;
    sendRtcp(c, t, p, proto::buildRemb(p, room, t->rtcp_ssrc, bps, ssrcs, n), room, t->rtcp_out.get());
  }

  /** RFC 3550 §6.4.1 / A.3 report block for one inbound stream. */
  proto::RtcpReportBlock reportBlock(const InboundStream& in) const noexcept {
    const ReceptionStats& r = in.reception;
    proto::RtcpReportBlock b;
    b.ssrc = in.ssrc;
    const std::uint32_t ext_max = r.extendedMax();
    const std::uint32_t expected = ext_max - r.base_seq + 1;
    const std::int64_t lost = static_cast<std::int64_t>(expected) - r.received;
    b.cumulative_lost = lost < 0 ? 0 : static_cast<std::uint32_t>(lost > 0x7fffff ? 0x7fffff : lost);
    const std::uint32_t expected_interval = expected - r.expected_prior;
    const std::uint32_t received_interval = r.received - r.received_prior;
    const std::int64_t lost_interval = static_cast<std::int64_t>(expected_interval) - received_interval;
    b.fraction_lost = (expected_interval == 0 || lost_interval <= 0)
                          ? 0
                          : static_cast<std::uint8_t>((lost_interval << 8) / expected_interval);
    b.highest_seq = ext_max;
    b.lsr = r.last_sr_ntp_mid;
    b.dlsr = r.last_sr_ms ? static_cast<std::uint32_t>((now_ms_ - r.last_sr_ms) * 65536 / 1000) : 0;
    return b;
  }

  static void commitReport(InboundStream& in) noexcept {
    in.reception.expected_prior = in.reception.extendedMax() - in.reception.base_seq + 1;
    in.reception.received_prior = in.reception.received;
  }

  // ---- transmit ---------------------------------------------------------------------------------------------
  void queueTx(rte_mbuf* m) noexcept { queueTx(m, m->pkt_len); }
  /** `bytes`: the frame's length (m->pkt_len), when known without reading the mbuf. */
  void queueTx(rte_mbuf* m, std::uint32_t bytes) noexcept {
    ++w_.counters.tx_packets;
    w_.counters.tx_bytes += bytes;
    media_tx_[n_media_tx_++] = m;
    if (n_media_tx_ == kTxQueue) flushTx();
  }

  void flushTx() noexcept {
    if (n_media_tx_) {
      unsigned sent = 0;
      if (w_.media_txq >= 0) {
        addCycles(w_.counters.tx_cycles, [&] {
          for (int tries = 0; tries < 4 && sent < n_media_tx_; ++tries)
            sent += rte_eth_tx_burst(s_.media_port, static_cast<std::uint16_t>(w_.media_txq), media_tx_ + sent,
                                     static_cast<std::uint16_t>(n_media_tx_ - sent));
        });
      } else {
        sent =
            rte_ring_mp_enqueue_burst(s_.tx_fallback, reinterpret_cast<void* const*>(media_tx_), n_media_tx_, nullptr);
      }
      if (sent < n_media_tx_) {  // a full tx ring: counted and freed per burst
        const unsigned lost = n_media_tx_ - sent;
        w_.counters.tx_packets -= lost;
        w_.counters.drops[static_cast<std::size_t>(DropReason::TxFull)] += lost;
        for (unsigned i = sent; i < n_media_tx_; ++i) {
          w_.counters.tx_bytes -= media_tx_[i]->pkt_len;
          traceEvent(2, static_cast<std::uint8_t>(DropReason::TxFull), media_tx_[i]);
        }
        freeMbufs(media_tx_ + sent, lost);
      }
      n_media_tx_ = 0;
    }
    if (n_exc_tx_) {
      unsigned sent = 0;
      for (int tries = 0; tries < 4 && sent < n_exc_tx_; ++tries)
        sent += rte_eth_tx_burst(s_.exception_port, 0, exc_tx_ + sent, static_cast<std::uint16_t>(n_exc_tx_ - sent));
      for (unsigned i = sent; i < n_exc_tx_; ++i)
        drop(exc_tx_[i], DropReason::TxFull);
      n_exc_tx_ = 0;
    }
  }

  struct HandoffQueue {
    rte_mbuf* pkts[kRingBurst];
    std::uint16_t n = 0;
  };

  Worker& w_;
  Shared& s_;
  std::uint64_t now_ms_ = 0;
  HandoffQueue handoff_[kMaxWorkers];
  // onRtp's mbufs for the copies of one packet: a member, not 8 KiB of onRtp's stack frame, which every packet's
  // call (fan-out 1 too) stretched over two pages and its callees' frames with it (~1 ns per packet).
  rte_mbuf* copies_[kMaxRoutesPerStream];
  // receive()'s burst scratch: members, so that the burst's Classified are not constructed again for every burst.
  rte_mbuf* rx_cand_[kBurst];
  Classified rx_cls_[kBurst];
  SrtpOp rx_ops_[kRxBatch];          // the unprotect batch: admit() fills it, runRx() empties it
  std::uint8_t* rx_into_[kRxBatch];  // per op: the retransmission cache slot it decrypts into, or null (in place)
  RxMeta rx_meta_[kRxBatch];
  std::uint16_t n_rx_ = 0;
  SrtpOp tx_ops_[kTxBatch];
  TxMeta tx_meta_[kTxBatch];
  const std::uint8_t* tx_sources_[kTxBatch];
  rte_mbuf* sources_[kTxBatch];  // decrypted packets whose copies wait in tx_ops_
  std::uint16_t n_sources_ = 0;
  std::uint16_t n_tx_ops_ = 0;
  std::uint32_t protect_epoch_ = 1;  // flushProtect() runs so far + 1: the cache slots' pins (NackCache::pin)
  std::uint32_t rx_batch_ = 1;       // runRx() batches so far + 1: the cache slots' claims (NackCache::claim)
  rte_mbuf* media_tx_[kTxQueue];
  std::uint16_t n_media_tx_ = 0;
  rte_mbuf* exc_tx_[kTxQueue];
  std::uint16_t n_exc_tx_ = 0;
};

}  // namespace

int workerMain(void* arg) {
  auto* w = static_cast<Worker*>(arg);
  clockid_t clock{};
  if (pthread_getcpuclockid(pthread_self(), &clock) == 0) {
    w->cpu_clock = clock;
    w->has_cpu_clock.store(true, std::memory_order_release);
  }
  // The loop state (burst arrays, ~40 KiB) lives on this lcore's stack for the lcore's lifetime.
  Loop loop(*w);
  loop.run();
  w->stopped.store(true, std::memory_order_release);
  return 0;
}

}  // namespace portunus::dp
