#include "dataplane/Dataplane.hpp"

#include <arpa/inet.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_telemetry.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "common/log/Log.hpp"
#include "dataplane/EalPorts.hpp"
#include "dataplane/Worker.hpp"

namespace portunus::dp {

namespace {

// The telemetry callback reads the running instance; guarded so stop() cannot free it underneath.
std::mutex g_telemetry_mu;
Dataplane::Impl* g_telemetry_target = nullptr;
bool g_telemetry_registered = false;

FlowKey keyOf(Endpoint local, Endpoint remote) {
  FlowKey k;
  k.local_ip = htonl(local.ip);
  k.remote_ip = htonl(remote.ip);
  k.local_port = htons(local.port);
  k.remote_port = htons(remote.port);
  return k;
}

void addDrops(std::map<std::string, std::uint64_t>& out, const std::array<std::uint64_t, kDropReasons>& drops) {
  for (std::size_t i = 0; i < kDropReasons; ++i)
    if (const auto v = relaxedLoad(drops[i])) out[std::string(dropName(static_cast<DropReason>(i)))] += v;
}

CounterSnapshot snapshot(const FlowCounters& c) {
  CounterSnapshot s;
  s.packets_in = relaxedLoad(c.packets_in);
  s.bytes_in = relaxedLoad(c.bytes_in);
  s.packets_out = relaxedLoad(c.packets_out);
  s.bytes_out = relaxedLoad(c.bytes_out);
  addDrops(s.drops, c.drops);
  return s;
}

}  // namespace

struct Dataplane::Impl {
  struct TransportRec {
    std::unique_ptr<Transport> t;
    TransportSpec spec;
    std::vector<std::unique_ptr<RtcpContext>> rtcp;
    unsigned n_in = 0, n_out = 0;
  };
  struct Retired {
    unsigned worker = 0;
    std::uint64_t seq = 0;
    bool token_taken = false;
    std::uint64_t token = 0;
    std::unique_ptr<Transport> transport;
    std::vector<std::unique_ptr<RtcpContext>> rtcp;
    std::unique_ptr<InboundStream> in;
    std::unique_ptr<OutboundStream> out;
    std::unique_ptr<Route> route;
  };

  mutable std::mutex mu;
  bool running = false;
  config::DataplaneConfig cfg;
  SrtpEngine* engine = nullptr;                            // control side: creates the stream contexts
  std::vector<std::unique_ptr<SrtpEngine>> owned_engines;  // from a factory: [0] control, [1 + i] worker i
  std::vector<SrtpEngine*> worker_engines;
  EalPorts ports;
  Shared shared;
  std::unique_ptr<FlowIndex> flows;  // shared.flows; written here, under mu
  std::vector<std::unique_ptr<Worker>> workers;
  std::vector<std::uint64_t> sent_seq;
  std::vector<std::uint32_t> free_slots;
  std::uint32_t next_id = 1;
  std::unordered_map<TransportId, TransportRec> transports;
  std::unordered_map<StreamId, std::unique_ptr<InboundStream>> inbound;
  std::unordered_map<StreamId, std::unique_ptr<OutboundStream>> outbound;
  std::unordered_map<RouteId, std::unique_ptr<Route>> routes;
  std::vector<Retired> retired;

  // ---- commands -----------------------------------------------------------------------------------------------
  bool room(unsigned worker, unsigned needed) const { return rte_ring_free_count(workers[worker]->commands) >= needed; }
  std::uint64_t send(unsigned worker, Command c) {
    c.seq = ++sent_seq[worker];
    // room() was checked by the caller under the mutex and this is the only producer: cannot fail.
    rte_ring_sp_enqueue_elem(workers[worker]->commands, &c, sizeof(Command));
    return c.seq;
  }
  void retire(Retired r) { retired.push_back(std::move(r)); }

  /** A flow into both directories (the complete rte_hash one, then the workers' port index); false if the hash is
   *  full. */
  bool addFlow(const FlowKey& key, std::uint64_t value) {
    if (rte_hash_add_key_data(shared.directory, &key, reinterpret_cast<void*>(value)) < 0) return false;
    flows->add(key, value);
    return true;
  }
  void removeFlow(const FlowKey& key) {
    rte_hash_del_key(shared.directory, &key);  // SYNC RCU mode: returns after readers are done with it
    flows->remove(key);
  }

  /** The inbound streams of a (simulcast) route: known, distinct, at most kMaxLayers, on `out`'s worker, each with
   * room for one more route (`self` is the route being re-pointed, not counted). */
  ApiStatus resolveLayers(const std::vector<StreamId>& ids, const OutboundStream* out, const Route* self,
                          std::array<InboundStream*, kMaxLayers>& layers, std::uint8_t& count) const {
    if (ids.empty() || ids.size() > kMaxLayers) return ApiStatus::InvalidArgument;
    count = 0;
    for (StreamId sid : ids) {
      auto it = inbound.find(sid);
      if (it == inbound.end()) return ApiStatus::NotFound;
      InboundStream* is = it->second.get();
      for (std::uint8_t i = 0; i < count; ++i)
        if (layers[i] == is) return ApiStatus::InvalidArgument;
      if (is->transport->worker != out->transport->worker) return ApiStatus::WrongWorker;
      std::size_t fanout = 0;
      for (const auto& [rid, r] : routes)
        fanout += r.get() != self && r->touchesCtl(is);
      if (fanout >= kMaxRoutesPerStream) return ApiStatus::TableFull;
      layers[count++] = is;
    }
    return ApiStatus::Ok;
  }

  /** Frees what every worker is done with: the owner applied the removal, then a full RCU grace period. */
  void collect() {
    for (auto it = retired.begin(); it != retired.end();) {
      if (running && workers[it->worker]->applied.load(std::memory_order_acquire) < it->seq) {
        ++it;
        continue;
      }
      if (running && !it->token_taken) {
        it->token = rte_rcu_qsbr_start(shared.qsbr);
        it->token_taken = true;
      }
      if (running && rte_rcu_qsbr_check(shared.qsbr, it->token, false) != 1) {
        ++it;
        continue;
      }
      it = retired.erase(it);
    }
  }

  // ---- lifecycle ----------------------------------------------------------------------------------------------
  /** `factory` empty: `shared_engine` serves the control side and every worker. */
  void start(const config::DataplaneConfig& c, const SrtpEngineFactory& factory, SrtpEngine* shared_engine) {
    cfg = c;
    EalPorts::initEal(cfg);
    owned_engines.clear();
    worker_engines.clear();
    if (factory) {
      for (std::size_t i = 0; i <= cfg.workers.size(); ++i)
        owned_engines.push_back(factory());
      engine = owned_engines.front().get();
      for (std::size_t i = 0; i < cfg.workers.size(); ++i)
        worker_engines.push_back(owned_engines[1 + i].get());
    } else {
      engine = shared_engine;
      worker_engines.assign(cfg.workers.size(), shared_engine);
    }
    const unsigned main = rte_get_main_lcore();
    for (unsigned l : cfg.workers)
      if (l == main || !rte_lcore_is_enabled(l))
        throw DataplaneError("worker lcore " + std::to_string(l) +
                             " is the main lcore or not enabled by the EAL arguments (-l/--lcores)");
    const unsigned nw = static_cast<unsigned>(cfg.workers.size());
    if (nw > kMaxWorkers) throw DataplaneError("at most " + std::to_string(kMaxWorkers) + " workers");
    const PortSetup ps = ports.open(cfg, nw);
    static std::atomic<unsigned> instance{0};
    const std::string sfx = std::to_string(instance.fetch_add(1));
    try {
      shared.pool = ports.pool();
      shared.media_port = ps.media_port;
      shared.media_rx_queues = ps.media_rx_queues;
      shared.rx_per_worker = ps.rx_per_worker;
      shared.exception_port = ps.exception_port;
      shared.media_mac = ps.media_mac;
      shared.vlan = cfg.port.vlan;
      shared.busy_poll = cfg.poll == "busy";
      shared.media_timeout_ms.store(cfg.media_timeout_ms);
      shared.pli_interval_ms = cfg.pli_interval_ms;
      shared.rr_interval_ms = cfg.rr_interval_ms;
      shared.tsc_per_ms = std::max<std::uint64_t>(1, rte_get_tsc_hz() / 1000);
      shared.trace.store(cfg.trace);
      const int socket = static_cast<int>(rte_socket_id());
      shared.events =
          rte_ring_create_elem(("pdp_ev" + sfx).c_str(), sizeof(Event), cfg.ring_size, socket, RING_F_SC_DEQ);
      if (ps.media_tx_queues < nw)
        shared.tx_fallback = rte_ring_create(("pdp_txf" + sfx).c_str(), cfg.ring_size, socket, RING_F_SC_DEQ);
      if (ps.rx_per_worker) {
        shared.punts = rte_ring_create(("pdp_punt" + sfx).c_str(), cfg.ring_size, socket, RING_F_SC_DEQ);
        if (!shared.punts) throw DataplaneError("cannot create the punt ring");
      }
      const std::size_t qsize = rte_rcu_qsbr_get_memsize(nw);
      shared.qsbr = static_cast<rte_rcu_qsbr*>(rte_zmalloc("pdp_qsbr", qsize, RTE_CACHE_LINE_SIZE));
      if (!shared.events || (ps.media_tx_queues < nw && !shared.tx_fallback) || !shared.qsbr ||
          rte_rcu_qsbr_init(shared.qsbr, nw) != 0)
        throw DataplaneError("cannot create the event ring / qsbr");
      const std::string hname = "pdp_flows" + sfx;
      rte_hash_parameters hp{};
      hp.name = hname.c_str();
      hp.entries = std::max<std::uint32_t>(64, cfg.max_transports * 2);
      hp.key_len = sizeof(FlowKey);
      hp.socket_id = socket;
      hp.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
      shared.directory = rte_hash_create(&hp);
      if (!shared.directory) throw DataplaneError("cannot create the flow directory");
      rte_hash_rcu_config rc{};
      rc.v = shared.qsbr;
      rc.mode = RTE_HASH_QSBR_MODE_SYNC;
      if (rte_hash_rcu_qsbr_add(shared.directory, &rc) != 0) throw DataplaneError("rte_hash_rcu_qsbr_add failed");
      flows = std::make_unique<FlowIndex>();
      shared.flows = flows.get();

      for (unsigned i = 0; i < nw; ++i) {
        auto w = std::make_unique<Worker>();
        w->index = i;
        w->lcore = cfg.workers[i];
        w->io = i == 0;
        w->shared = &shared;
        w->engine = worker_engines[i];
        w->media_txq = i < ps.media_tx_queues ? static_cast<std::int32_t>(i) : -1;
        w->commands = rte_ring_create_elem(("pdp_cmd" + sfx + "_" + std::to_string(i)).c_str(), sizeof(Command),
                                           cfg.ring_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
        w->handoff = rte_ring_create(("pdp_ho" + sfx + "_" + std::to_string(i)).c_str(), cfg.ring_size * 4, socket,
                                     ps.rx_per_worker ? RING_F_SC_DEQ : RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (!w->commands || !w->handoff) throw DataplaneError("cannot create worker rings");
        w->table.assign(cfg.max_transports, nullptr);
        w->owned.reserve(cfg.max_transports);
        shared.workers.push_back(w.get());
        workers.push_back(std::move(w));
      }
      sent_seq.assign(nw, 0);
      free_slots.clear();
      for (std::uint32_t s = cfg.max_transports; s > 0; --s)
        free_slots.push_back(s - 1);
      shared.running.store(true);
      for (auto& w : workers)
        if (rte_eal_remote_launch(workerMain, w.get(), w->lcore) != 0)
          throw DataplaneError("cannot launch worker on lcore " + std::to_string(w->lcore));
    } catch (...) {
      teardown();
      throw;
    }
    running = true;
    registerTelemetry();
    PLOG(Info, "dataplane") << "started: " << nw << " worker(s), poll " << cfg.poll << ", engine " << engine->name();
  }

  void registerTelemetry();

  // ---- SSRC learning: the control side's half --------------------------------------------------------------
  std::vector<StreamId> pending_contexts;  // learned SSRCs whose contexts still have to be sent

  void onSsrcLearned(const Event& e) {
    auto it = inbound.find(e.id);
    if (it == inbound.end()) return;  // removed meanwhile
    it->second->spec.ssrc = e.value;
    if (e.detail != 0) pending_contexts.push_back(e.id);  // the engine could not rebind: new contexts
  }

  /** Contexts for learned SSRCs, created here (allocation allowed) and swapped in by the owner. */
  void sendPendingContexts() {
    for (auto it = pending_contexts.begin(); it != pending_contexts.end();) {
      auto s = inbound.find(*it);
      if (s == inbound.end()) {
        it = pending_contexts.erase(it);
        continue;
      }
      InboundStream& in = *s->second;
      auto rec = transports.find(in.transport->id);
      if (rec == transports.end()) {
        it = pending_contexts.erase(it);
        continue;
      }
      if (!room(in.transport->worker, 1)) break;  // next pollEvents
      try {
        in.next_srtp = engine->createStream(rec->second.spec.rx_keys, in.spec.ssrc, SrtpDirection::Inbound);
        in.next_srtcp = engine->createStream(rec->second.spec.rx_keys, in.spec.ssrc, SrtpDirection::Inbound);
      } catch (const std::exception& e) {
        PLOG(Warn, "dataplane") << "stream " << in.id << ": no SRTP context for learned SSRC " << in.spec.ssrc << ": "
                                << e.what();
        it = pending_contexts.erase(it);
        continue;
      }
      Command c;
      c.type = CommandType::SetInboundContexts;
      c.a = in.transport;
      c.b = &in;
      send(in.transport->worker, c);
      it = pending_contexts.erase(it);
    }
  }

  void teardown() noexcept {
    shared.running.store(false);
    for (auto& w : workers)
      rte_eal_wait_lcore(w->lcore);
    running = false;
    retired.clear();
    routes.clear();
    inbound.clear();
    outbound.clear();
    transports.clear();
    // Drain what the rings still hold (mbufs go back to the pool before it is freed).
    for (auto& w : workers) {
      void* m = nullptr;
      while (rte_ring_dequeue(w->handoff, &m) == 0)
        rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
      rte_ring_free(w->handoff);
      rte_ring_free(w->commands);
    }
    for (rte_ring* r : {shared.tx_fallback, shared.punts}) {
      void* m = nullptr;
      while (r && rte_ring_dequeue(r, &m) == 0)
        rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
    }
    workers.clear();
    shared.workers.clear();
    rte_hash_free(shared.directory);
    shared.flows = nullptr;
    flows.reset();
    rte_ring_free(shared.events);
    rte_ring_free(shared.tx_fallback);
    rte_ring_free(shared.punts);
    shared.punts = nullptr;
    shared.rx_per_worker = false;
    rte_free(shared.qsbr);
    shared.directory = nullptr;
    shared.events = nullptr;
    shared.tx_fallback = nullptr;
    shared.qsbr = nullptr;
    ports.close();
    engine = nullptr;
    worker_engines.clear();
    owned_engines.clear();
  }
};

namespace {

int telemetryWorkers(const char*, const char*, rte_tel_data* d) {
  std::lock_guard lock(g_telemetry_mu);
  rte_tel_data_start_dict(d);
  if (!g_telemetry_target) return 0;
  const auto& w = g_telemetry_target->workers;
  WorkerCounters sum;
  for (const auto& wk : w) {
    const WorkerCounters& c = wk->counters;
    sum.rx_packets += relaxedLoad(c.rx_packets);
    sum.tx_packets += relaxedLoad(c.tx_packets);
    sum.exception_in += relaxedLoad(c.exception_in);
    sum.exception_out += relaxedLoad(c.exception_out);
    sum.nack_in += relaxedLoad(c.nack_in);
    sum.nack_out += relaxedLoad(c.nack_out);
    sum.rtx_sent += relaxedLoad(c.rtx_sent);
    sum.rtx_cache_miss += relaxedLoad(c.rtx_cache_miss);
    sum.keyframe_requests += relaxedLoad(c.keyframe_requests);
    sum.layer_switches += relaxedLoad(c.layer_switches);
    for (std::size_t i = 0; i < kPuntReasons; ++i)
      sum.punts[i] += relaxedLoad(c.punts[i]);
    for (std::size_t i = 0; i < kDropReasons; ++i)
      sum.drops[i] += relaxedLoad(c.drops[i]);
  }
  rte_tel_data_add_dict_u64(d, "workers", w.size());
  rte_tel_data_add_dict_u64(d, "rx_packets", sum.rx_packets);
  rte_tel_data_add_dict_u64(d, "tx_packets", sum.tx_packets);
  rte_tel_data_add_dict_u64(d, "exception_in", sum.exception_in);
  rte_tel_data_add_dict_u64(d, "exception_out", sum.exception_out);
  rte_tel_data_add_dict_u64(d, "nack_in", sum.nack_in);
  rte_tel_data_add_dict_u64(d, "nack_out", sum.nack_out);
  rte_tel_data_add_dict_u64(d, "rtx_sent", sum.rtx_sent);
  rte_tel_data_add_dict_u64(d, "rtx_cache_miss", sum.rtx_cache_miss);
  rte_tel_data_add_dict_u64(d, "keyframe_requests", sum.keyframe_requests);
  rte_tel_data_add_dict_u64(d, "layer_switches", sum.layer_switches);
  for (std::size_t i = 0; i < kPuntReasons; ++i)
    rte_tel_data_add_dict_u64(d, ("punt_" + std::string(puntName(static_cast<PuntReason>(i)))).c_str(), sum.punts[i]);
  for (std::size_t i = 0; i < kDropReasons; ++i)
    rte_tel_data_add_dict_u64(d, ("drop_" + std::string(dropName(static_cast<DropReason>(i)))).c_str(), sum.drops[i]);
  return 0;
}

}  // namespace

void Dataplane::Impl::registerTelemetry() {
  std::lock_guard lock(g_telemetry_mu);
  g_telemetry_target = this;
  if (!g_telemetry_registered) {
    g_telemetry_registered = true;
    rte_telemetry_register_cmd("/portunus/dataplane", telemetryWorkers,
                               "Portunus dataplane counters summed over the workers (packets, punts, drops by reason)");
  }
}

Dataplane::Dataplane() : impl_(std::make_unique<Impl>()) {}
Dataplane::~Dataplane() {
  stop();
}

void Dataplane::start(const config::DataplaneConfig& cfg) {
  start(cfg, makeSrtpEngineFactory(cfg.srtp_engine));
}

void Dataplane::start(const config::DataplaneConfig& cfg, const SrtpEngineFactory& factory) {
  std::lock_guard lock(impl_->mu);
  if (impl_->running) throw DataplaneError("dataplane already running");
  if (!factory) throw DataplaneError("no SRTP engine factory");
  impl_->start(cfg, factory, nullptr);
}

void Dataplane::start(const config::DataplaneConfig& cfg, SrtpEngine& engine) {
  std::lock_guard lock(impl_->mu);
  if (impl_->running) throw DataplaneError("dataplane already running");
  impl_->start(cfg, {}, &engine);
}

std::optional<std::uint16_t> Dataplane::workerForFlow(Endpoint local, Endpoint remote) const {
  std::lock_guard lock(impl_->mu);
  if (!impl_->running) return std::nullopt;
  const int q = impl_->ports.rssQueue(remote.ip, local.ip, remote.port, local.port);  // frames come remote -> local
  if (q < 0 || static_cast<std::size_t>(q) >= impl_->workers.size()) return std::nullopt;
  return static_cast<std::uint16_t>(q);
}

std::string Dataplane::engineName() const {
  std::lock_guard lock(impl_->mu);
  return impl_->running && impl_->engine ? std::string(impl_->engine->name()) : std::string();
}

void Dataplane::stop() noexcept {
  std::lock_guard lock(impl_->mu);
  if (!impl_->running) return;
  {
    std::lock_guard tl(g_telemetry_mu);
    if (g_telemetry_target == impl_.get()) g_telemetry_target = nullptr;
  }
  impl_->teardown();
  PLOG(Info, "dataplane") << "stopped";
}

bool Dataplane::running() const noexcept {
  std::lock_guard lock(impl_->mu);
  return impl_->running;
}

ApiStatus Dataplane::addTransport(const TransportSpec& spec, TransportId& id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  if (spec.worker >= d.workers.size() || spec.local.port == 0 || spec.remote.port == 0 || spec.local.ip == 0 ||
      spec.remote.ip == 0)
    return ApiStatus::InvalidArgument;
  if (d.free_slots.empty()) return ApiStatus::TableFull;
  const FlowKey key = keyOf(spec.local, spec.remote);
  if (rte_hash_lookup(d.shared.directory, &key) >= 0) return ApiStatus::Exists;
  if (!d.room(spec.worker, 1)) return ApiStatus::RingFull;
  Impl::TransportRec rec;
  rec.spec = spec;
  rec.t = std::make_unique<Transport>();
  Transport& t = *rec.t;
  t.id = d.next_id;
  t.worker = spec.worker;
  t.key = key;
  t.remote_mac = spec.remote_mac;
  t.mac_pinned = t.mac_known = spec.remote_mac != MacAddress{};
  t.rtcp_ssrc = spec.rtcp_ssrc ? spec.rtcp_ssrc : 0x50000000u | t.id;
  t.rx_profile = spec.rx_keys.profile;
  t.tx_profile = spec.tx_keys.profile;
  t.tx_rtp_overhead = static_cast<std::uint8_t>(srtpOverhead(t.tx_profile, false));
  try {
    t.rtcp_out = d.engine->createStream(spec.tx_keys, t.rtcp_ssrc, SrtpDirection::Outbound);
    t.rtcp_verifier = std::make_unique<SrtcpVerifier>(spec.rx_keys);
    for (std::uint32_t ssrc : spec.remote_rtcp_ssrcs) {
      if (rec.rtcp.size() == kMaxRtcpContexts) return ApiStatus::TableFull;
      auto c = std::make_unique<RtcpContext>();
      c->ssrc = ssrc;
      c->ctx = d.engine->createStream(spec.rx_keys, ssrc, SrtpDirection::Inbound);
      t.rtcp_in[rec.rtcp.size()] = c.get();
      rec.rtcp.push_back(std::move(c));
    }
  } catch (const std::exception& e) {
    PLOG(Warn, "dataplane") << "transport rejected: " << e.what();
    return ApiStatus::InvalidArgument;
  }
  t.slot = d.free_slots.back();
  const auto value = (std::uint64_t{spec.worker} << 32) | t.slot;
  Command c;
  c.type = CommandType::AddTransport;
  c.a = &t;
  d.send(spec.worker, c);
  // Published after the command: a packet that finds the flow before the worker installs it is a counted stale drop.
  if (!d.addFlow(key, value)) {
    // Cannot happen (sized 2x max_transports); undo through the ring to stay consistent.
    Command r;
    r.type = CommandType::RemoveTransport;
    r.a = &t;
    Impl::Retired ret;
    ret.worker = spec.worker;
    ret.seq = d.send(spec.worker, r);
    ret.transport = std::move(rec.t);
    d.retire(std::move(ret));
    return ApiStatus::TableFull;
  }
  d.free_slots.pop_back();
  id = d.next_id++;
  d.transports.emplace(id, std::move(rec));
  return ApiStatus::Ok;
}

ApiStatus Dataplane::updateTransport(TransportId id, Endpoint local, Endpoint remote, MacAddress remote_mac) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto it = d.transports.find(id);
  if (it == d.transports.end()) return ApiStatus::NotFound;
  Transport& t = *it->second.t;
  const FlowKey key = keyOf(local, remote);
  if (!(key == keyOf(it->second.spec.local, it->second.spec.remote)) && rte_hash_lookup(d.shared.directory, &key) >= 0)
    return ApiStatus::Exists;
  if (!d.room(t.worker, 1)) return ApiStatus::RingFull;
  const FlowKey prev = keyOf(it->second.spec.local, it->second.spec.remote);
  d.removeFlow(prev);
  Command c;
  c.type = CommandType::UpdateTransport;
  c.a = &t;
  c.key = key;
  c.mac = remote_mac;
  c.flag = remote_mac != MacAddress{};
  d.send(t.worker, c);
  const auto value = (std::uint64_t{t.worker} << 32) | t.slot;
  d.addFlow(key, value);
  it->second.spec.local = local;
  it->second.spec.remote = remote;
  return ApiStatus::Ok;
}

ApiStatus Dataplane::addRemoteRtcpSsrc(TransportId id, std::uint32_t ssrc) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto it = d.transports.find(id);
  if (it == d.transports.end()) return ApiStatus::NotFound;
  auto& rec = it->second;
  for (const auto& c : rec.rtcp)
    if (c->ssrc == ssrc) return ApiStatus::Exists;
  if (rec.rtcp.size() == kMaxRtcpContexts) return ApiStatus::TableFull;
  if (!d.room(rec.t->worker, 1)) return ApiStatus::RingFull;
  auto c = std::make_unique<RtcpContext>();
  c->ssrc = ssrc;
  try {
    c->ctx = d.engine->createStream(rec.spec.rx_keys, ssrc, SrtpDirection::Inbound);
  } catch (const std::exception&) {
    return ApiStatus::InvalidArgument;
  }
  Command cmd;
  cmd.type = CommandType::AddRtcpContext;
  cmd.a = rec.t.get();
  cmd.b = c.get();
  d.send(rec.t->worker, cmd);
  rec.rtcp.push_back(std::move(c));
  return ApiStatus::Ok;
}

ApiStatus Dataplane::addInboundStream(const InboundStreamSpec& spec, StreamId& id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto it = d.transports.find(spec.transport);
  if (it == d.transports.end()) return ApiStatus::NotFound;
  auto& rec = it->second;
  // SSRC 0: learned from the first packet carrying the mid (and rid) in the given header extensions.
  const bool learning = spec.ssrc == 0;
  if (learning && (spec.mid.empty() || spec.mid.size() > SsrcLearnKey::kMaxValue || spec.mid_ext_id == 0 ||
                   spec.rid.size() > SsrcLearnKey::kMaxValue || (!spec.rid.empty() && spec.rid_ext_id == 0)))
    return ApiStatus::InvalidArgument;
  if (spec.clock_rate == 0) return ApiStatus::InvalidArgument;
  for (const auto& [sid, s] : d.inbound)
    if (s->transport == rec.t.get() &&
        ((!learning && s->spec.ssrc == spec.ssrc) ||  // spec.ssrc: control-side copy (a learner's worker sets ssrc)
         (learning && s->spec.ssrc == 0 && s->spec.mid == spec.mid && s->spec.rid == spec.rid) ||
         (spec.rtx_ssrc && s->rtx_ssrc == spec.rtx_ssrc)))
      return ApiStatus::Exists;
  if (rec.n_in == kMaxStreamsPerTransport || d.inbound.size() + d.outbound.size() >= d.cfg.max_streams)
    return ApiStatus::TableFull;
  if (!d.room(rec.t->worker, 1)) return ApiStatus::RingFull;
  auto s = std::make_unique<InboundStream>();
  s->id = d.next_id;
  s->transport = rec.t.get();
  s->ssrc = spec.ssrc;
  s->rtx_ssrc = spec.rtx_ssrc;
  s->clock_rate = spec.clock_rate;
  s->codec = spec.codec;
  s->video = spec.kind == MediaKind::Video;
  s->fir_freq_ms = spec.fir_freq_s * 1000;
  s->generate_nack = spec.generate_nack;
  s->rtx_apt.fill(0xff);
  for (const RtxPayloadType& r : spec.rtx_payload_types) {
    if (r.rtx > 127 || r.apt > 127) return ApiStatus::InvalidArgument;
    s->rtx_apt[r.rtx] = r.apt;
  }
  s->spec = spec;
  if (learning) {
    SsrcLearnKey& k = s->learn;
    k.active = true;
    k.mid_id = spec.mid_ext_id;
    k.rid_id = spec.rid_ext_id;
    k.mid_len = static_cast<std::uint8_t>(spec.mid.size());
    k.rid_len = static_cast<std::uint8_t>(spec.rid.size());
    std::memcpy(k.mid, spec.mid.data(), spec.mid.size());
    std::memcpy(k.rid, spec.rid.data(), spec.rid.size());
  }
  try {
    s->srtp = d.engine->createStream(rec.spec.rx_keys, spec.ssrc, SrtpDirection::Inbound);
    s->srtcp = d.engine->createStream(rec.spec.rx_keys, spec.ssrc, SrtpDirection::Inbound);
    if (spec.rtx_ssrc) {
      s->rtx_srtp = d.engine->createStream(rec.spec.rx_keys, spec.rtx_ssrc, SrtpDirection::Inbound);
      s->rtx_srtcp = d.engine->createStream(rec.spec.rx_keys, spec.rtx_ssrc, SrtpDirection::Inbound);
    }
    s->cache = NackCache(spec.nack_cache_packets);
  } catch (const std::exception&) {
    return ApiStatus::InvalidArgument;
  }
  Command c;
  c.type = CommandType::AddInbound;
  c.a = rec.t.get();
  c.b = s.get();
  d.send(rec.t->worker, c);
  ++rec.n_in;
  id = d.next_id++;
  d.inbound.emplace(id, std::move(s));
  return ApiStatus::Ok;
}

ApiStatus Dataplane::addOutboundStream(const OutboundStreamSpec& spec, StreamId& id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto it = d.transports.find(spec.transport);
  if (it == d.transports.end()) return ApiStatus::NotFound;
  auto& rec = it->second;
  if (spec.ssrc == 0) return ApiStatus::InvalidArgument;
  for (const auto& [sid, s] : d.outbound)
    if (s->transport == rec.t.get() && s->ssrc == spec.ssrc) return ApiStatus::Exists;
  if (rec.n_out == kMaxStreamsPerTransport || d.inbound.size() + d.outbound.size() >= d.cfg.max_streams)
    return ApiStatus::TableFull;
  if (!d.room(rec.t->worker, 1)) return ApiStatus::RingFull;
  auto s = std::make_unique<OutboundStream>();
  s->id = d.next_id;
  s->transport = rec.t.get();
  s->ssrc = spec.ssrc;
  s->rtx_ssrc = spec.rtx_ssrc;
  s->rtx_pt.fill(0xff);
  for (const RtxPayloadType& r : spec.rtx_payload_types) {
    if (r.rtx > 127 || r.apt > 127) return ApiStatus::InvalidArgument;
    s->rtx_pt[r.apt] = r.rtx;
  }
  s->spec = spec;
  try {
    s->srtp = d.engine->createStream(rec.spec.tx_keys, spec.ssrc, SrtpDirection::Outbound);
    if (spec.rtx_ssrc) s->rtx_srtp = d.engine->createStream(rec.spec.tx_keys, spec.rtx_ssrc, SrtpDirection::Outbound);
    s->history = SentHistory(spec.kind == MediaKind::Video);
  } catch (const std::exception&) {
    return ApiStatus::InvalidArgument;
  }
  Command c;
  c.type = CommandType::AddOutbound;
  c.a = rec.t.get();
  c.b = s.get();
  d.send(rec.t->worker, c);
  ++rec.n_out;
  id = d.next_id++;
  d.outbound.emplace(id, std::move(s));
  return ApiStatus::Ok;
}

ApiStatus Dataplane::addRoute(const RouteSpec& spec, RouteId& id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto out = d.outbound.find(spec.out);
  if (out == d.outbound.end()) return ApiStatus::NotFound;
  OutboundStream* os = out->second.get();
  std::array<InboundStream*, kMaxLayers> layers{};
  std::uint8_t count = 0;
  ApiStatus st =
      d.resolveLayers(spec.layers.empty() ? std::vector<StreamId>{spec.in} : spec.layers, os, nullptr, layers, count);
  if (st != ApiStatus::Ok) return st;
  InboundStream* is = layers[0];
  for (const auto& [rid, r] : d.routes)
    if (r->touchesCtl(is) && r->out == os) return ApiStatus::Exists;
  if (d.routes.size() >= d.cfg.max_routes) return ApiStatus::TableFull;
  for (const auto& [a, b] : spec.pt_map)
    if (a > 127 || b > 127) return ApiStatus::InvalidArgument;
  if (spec.target.substream >= kMaxLayers && !spec.layers.empty()) return ApiStatus::InvalidArgument;
  if (!d.room(is->transport->worker, 1)) return ApiStatus::RingFull;
  auto r = std::make_unique<Route>();
  r->id = d.next_id;
  r->in = is;
  r->out = os;
  r->layers = r->ctl_layers = layers;
  r->layer_count = r->ctl_layer_count = count;
  r->simulcast = !spec.layers.empty();
  r->paused = spec.paused;
  r->selector.configure(count, spec.target);
  for (const auto& [a, b] : spec.pt_map)
    r->rewrite.pt_map[a] = b;
  Command c;
  c.type = CommandType::AddRoute;
  c.a = r.get();
  d.send(is->transport->worker, c);
  id = d.next_id++;
  d.routes.emplace(id, std::move(r));
  return ApiStatus::Ok;
}

ApiStatus Dataplane::moveRoute(RouteId id, StreamId new_in) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto r = d.routes.find(id);
  auto in = d.inbound.find(new_in);
  if (r == d.routes.end() || in == d.inbound.end()) return ApiStatus::NotFound;
  Route& route = *r->second;
  InboundStream* is = in->second.get();
  if (is->transport->worker != route.out->transport->worker) return ApiStatus::WrongWorker;
  std::size_t fanout = 0;
  for (const auto& [rid, other] : d.routes)
    fanout += other.get() != &route && other->touchesCtl(is);
  if (fanout >= kMaxRoutesPerStream) return ApiStatus::TableFull;
  if (!d.room(is->transport->worker, 1)) return ApiStatus::RingFull;
  Command c;
  c.type = CommandType::MoveRoute;
  c.a = &route;
  c.b = is;
  d.send(is->transport->worker, c);
  route.ctl_layers = {is, nullptr, nullptr};
  route.ctl_layer_count = 1;
  return ApiStatus::Ok;
}

ApiStatus Dataplane::moveRouteLayers(RouteId id, const std::vector<StreamId>& layers) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto r = d.routes.find(id);
  if (r == d.routes.end()) return ApiStatus::NotFound;
  Route& route = *r->second;
  if (layers.empty()) return ApiStatus::InvalidArgument;
  std::array<InboundStream*, kMaxLayers> ls{};
  std::uint8_t count = 0;
  const ApiStatus st = d.resolveLayers(layers, route.out, &route, ls, count);
  if (st != ApiStatus::Ok) return st;
  const unsigned w = route.out->transport->worker;
  if (!d.room(w, 1)) return ApiStatus::RingFull;
  Command c;
  c.type = CommandType::MoveRouteLayers;
  c.a = &route;
  c.b = ls[0];
  c.c = ls[1];
  c.d = ls[2];
  c.flag = count;
  d.send(w, c);
  route.ctl_layers = ls;
  route.ctl_layer_count = count;
  return ApiStatus::Ok;
}

namespace {

/** Sends a one-object command to the worker owning it. */
ApiStatus routeCommand(Dataplane::Impl& d, RouteId id, Command c) {
  if (!d.running) return ApiStatus::NotRunning;
  auto r = d.routes.find(id);
  if (r == d.routes.end()) return ApiStatus::NotFound;
  const unsigned w = r->second->out->transport->worker;
  if (!d.room(w, 1)) return ApiStatus::RingFull;
  c.a = r->second.get();
  d.send(w, c);
  return ApiStatus::Ok;
}

ApiStatus inboundCommand(Dataplane::Impl& d, StreamId id, Command c) {
  if (!d.running) return ApiStatus::NotRunning;
  auto in = d.inbound.find(id);
  if (in == d.inbound.end()) return ApiStatus::NotFound;
  const unsigned w = in->second->transport->worker;
  if (!d.room(w, 1)) return ApiStatus::RingFull;
  c.b = in->second.get();
  d.send(w, c);
  return ApiStatus::Ok;
}

}  // namespace

ApiStatus Dataplane::setRoutePaused(RouteId id, bool paused) {
  std::lock_guard lock(impl_->mu);
  Command c;
  c.type = CommandType::SetRoutePaused;
  c.flag = paused ? 1 : 0;
  return routeCommand(*impl_, id, c);
}

ApiStatus Dataplane::setLayerTarget(RouteId id, const LayerTarget& target) {
  std::lock_guard lock(impl_->mu);
  if (target.substream >= kMaxLayers) return ApiStatus::InvalidArgument;
  Command c;
  c.type = CommandType::SetLayerTarget;
  c.flag = target.substream;
  c.value = target.temporal;
  c.value2 = target.fallback_ms;
  return routeCommand(*impl_, id, c);
}

ApiStatus Dataplane::requestKeyframe(StreamId inbound) {
  std::lock_guard lock(impl_->mu);
  Command c;
  c.type = CommandType::RequestKeyframe;
  return inboundCommand(*impl_, inbound, c);
}

ApiStatus Dataplane::setFirFreq(StreamId inbound, std::uint32_t seconds) {
  std::lock_guard lock(impl_->mu);
  if (seconds > 3600) return ApiStatus::InvalidArgument;
  Command c;
  c.type = CommandType::SetFirFreq;
  c.value = seconds * 1000;
  return inboundCommand(*impl_, inbound, c);
}

ApiStatus Dataplane::setBitrateCap(std::uint32_t id, std::uint32_t bps) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  Command c;
  c.type = CommandType::SetBitrateCap;
  c.value = bps;
  if (auto t = d.transports.find(id); t != d.transports.end()) {
    if (!d.room(t->second.t->worker, 1)) return ApiStatus::RingFull;
    c.a = t->second.t.get();
    d.send(t->second.t->worker, c);
    return ApiStatus::Ok;
  }
  return inboundCommand(d, id, c);
}

namespace {

void retireRoute(Dataplane::Impl& d, RouteId id) {
  auto it = d.routes.find(id);
  Route* r = it->second.get();
  const unsigned w = r->out->transport->worker;
  Command c;
  c.type = CommandType::RemoveRoute;
  c.a = r;
  Dataplane::Impl::Retired ret;
  ret.worker = w;
  ret.seq = d.send(w, c);
  ret.route = std::move(it->second);
  d.routes.erase(it);
  d.retire(std::move(ret));
}

std::vector<RouteId> routesTouching(const Dataplane::Impl& d, const void* in, const void* out) {
  std::vector<RouteId> ids;
  for (const auto& [rid, r] : d.routes)
    if ((in && r->touchesCtl(in)) || r->out == out) ids.push_back(rid);
  return ids;
}

}  // namespace

ApiStatus Dataplane::removeRoute(RouteId id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto it = d.routes.find(id);
  if (it == d.routes.end()) return ApiStatus::NotFound;
  if (!d.room(it->second->out->transport->worker, 1)) return ApiStatus::RingFull;
  retireRoute(d, id);
  d.collect();
  return ApiStatus::Ok;
}

namespace {

void retireStream(Dataplane::Impl& d, StreamId id) {
  if (auto in = d.inbound.find(id); in != d.inbound.end()) {
    for (RouteId r : routesTouching(d, in->second.get(), nullptr))
      retireRoute(d, r);
    Transport* t = in->second->transport;
    Command c;
    c.type = CommandType::RemoveInbound;
    c.a = t;
    c.b = in->second.get();
    Dataplane::Impl::Retired ret;
    ret.worker = t->worker;
    ret.seq = d.send(t->worker, c);
    ret.in = std::move(in->second);
    d.inbound.erase(in);
    d.retire(std::move(ret));
    --d.transports.at(t->id).n_in;
    return;
  }
  auto out = d.outbound.find(id);
  for (RouteId r : routesTouching(d, nullptr, out->second.get()))
    retireRoute(d, r);
  Transport* t = out->second->transport;
  Command c;
  c.type = CommandType::RemoveOutbound;
  c.a = t;
  c.b = out->second.get();
  Dataplane::Impl::Retired ret;
  ret.worker = t->worker;
  ret.seq = d.send(t->worker, c);
  ret.out = std::move(out->second);
  d.outbound.erase(out);
  d.retire(std::move(ret));
  --d.transports.at(t->id).n_out;
}

/** Commands a stream removal needs on each worker (its routes, then itself). */
std::vector<unsigned> streamCommandCount(const Dataplane::Impl& d, StreamId id) {
  std::vector<unsigned> need(d.workers.size(), 0);
  const void* in = nullptr;
  const void* out = nullptr;
  unsigned w = 0;
  if (auto it = d.inbound.find(id); it != d.inbound.end()) {
    in = it->second.get();
    w = it->second->transport->worker;
  } else if (auto o = d.outbound.find(id); o != d.outbound.end()) {
    out = o->second.get();
    w = o->second->transport->worker;
  }
  need[w] += 1 + static_cast<unsigned>(routesTouching(d, in, out).size());
  return need;
}

}  // namespace

ApiStatus Dataplane::removeStream(StreamId id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  if (!d.inbound.count(id) && !d.outbound.count(id)) return ApiStatus::NotFound;
  const auto need = streamCommandCount(d, id);
  for (unsigned w = 0; w < need.size(); ++w)
    if (!d.room(w, need[w])) return ApiStatus::RingFull;
  retireStream(d, id);
  d.collect();
  return ApiStatus::Ok;
}

ApiStatus Dataplane::removeTransport(TransportId id) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return ApiStatus::NotRunning;
  auto it = d.transports.find(id);
  if (it == d.transports.end()) return ApiStatus::NotFound;
  Transport* t = it->second.t.get();
  std::vector<StreamId> streams;
  for (const auto& [sid, s] : d.inbound)
    if (s->transport == t) streams.push_back(sid);
  for (const auto& [sid, s] : d.outbound)
    if (s->transport == t) streams.push_back(sid);
  std::vector<unsigned> need(d.workers.size(), 0);
  need[t->worker] += 1;
  for (StreamId s : streams) {
    const auto n = streamCommandCount(d, s);
    for (unsigned w = 0; w < n.size(); ++w)
      need[w] += n[w];
  }
  for (unsigned w = 0; w < need.size(); ++w)
    if (!d.room(w, need[w])) return ApiStatus::RingFull;
  for (StreamId s : streams)
    retireStream(d, s);
  const FlowKey key = keyOf(it->second.spec.local, it->second.spec.remote);
  d.removeFlow(key);
  Command c;
  c.type = CommandType::RemoveTransport;
  c.a = t;
  Impl::Retired ret;
  ret.worker = t->worker;
  ret.seq = d.send(t->worker, c);
  ret.transport = std::move(it->second.t);
  ret.rtcp = std::move(it->second.rtcp);
  d.free_slots.push_back(ret.transport->slot);
  d.transports.erase(it);
  d.retire(std::move(ret));
  d.collect();
  return ApiStatus::Ok;
}

std::size_t Dataplane::pollEvents(std::vector<Event>& out) {
  std::lock_guard lock(impl_->mu);
  Impl& d = *impl_;
  if (!d.running) return 0;
  d.collect();
  Event buf[64];
  std::size_t total = 0;
  for (;;) {
    const unsigned n = rte_ring_sc_dequeue_burst_elem(d.shared.events, buf, sizeof(Event), 64, nullptr);
    for (unsigned i = 0; i < n; ++i)
      if (buf[i].type == EventType::SsrcLearned) d.onSsrcLearned(buf[i]);
    out.insert(out.end(), buf, buf + n);
    total += n;
    if (n < 64) break;
  }
  d.sendPendingContexts();
  return total;
}

StatsSnapshot Dataplane::stats() const {
  std::lock_guard lock(impl_->mu);
  const Impl& d = *impl_;
  StatsSnapshot s;
  if (d.running && d.engine) s.engine = std::string(d.engine->name());
  for (const auto& w : d.workers) {
    const WorkerCounters& c = w->counters;
    WorkerStats ws;
    ws.lcore = w->lcore;
    ws.rx_packets = relaxedLoad(c.rx_packets);
    ws.rx_bytes = relaxedLoad(c.rx_bytes);
    ws.tx_packets = relaxedLoad(c.tx_packets);
    ws.tx_bytes = relaxedLoad(c.tx_bytes);
    ws.exception_in = relaxedLoad(c.exception_in);
    ws.exception_out = relaxedLoad(c.exception_out);
    ws.handoff_in = relaxedLoad(c.handoff_in);
    ws.commands = relaxedLoad(c.commands);
    ws.rtcp_in = relaxedLoad(c.rtcp_in);
    ws.rtcp_out = relaxedLoad(c.rtcp_out);
    ws.keyframe_requests = relaxedLoad(c.keyframe_requests);
    ws.busy_loops = relaxedLoad(c.busy_loops);
    ws.idle_loops = relaxedLoad(c.idle_loops);
    ws.busy_cycles = relaxedLoad(c.busy_cycles);
    ws.total_cycles = relaxedLoad(c.total_cycles);
    ws.tx_cycles = relaxedLoad(c.tx_cycles);
    ws.srtp_cycles = relaxedLoad(c.srtp_cycles);
    ws.tsc_hz = rte_get_tsc_hz();
    ws.events_lost = relaxedLoad(c.events_lost);
    ws.nack_in = relaxedLoad(c.nack_in);
    ws.nack_out = relaxedLoad(c.nack_out);
    ws.rtx_sent = relaxedLoad(c.rtx_sent);
    ws.rtx_cache_miss = relaxedLoad(c.rtx_cache_miss);
    ws.rtx_in = relaxedLoad(c.rtx_in);
    ws.sr_out = relaxedLoad(c.sr_out);
    ws.remb_out = relaxedLoad(c.remb_out);
    ws.layer_switches = relaxedLoad(c.layer_switches);
    timespec cpu{};
    if (w->has_cpu_clock.load(std::memory_order_acquire) && !w->stopped.load(std::memory_order_acquire) &&
        clock_gettime(w->cpu_clock, &cpu) == 0)
      ws.cpu_ns = static_cast<std::uint64_t>(cpu.tv_sec) * 1000000000u + static_cast<std::uint64_t>(cpu.tv_nsec);
    for (std::size_t i = 0; i < kPuntReasons; ++i)
      if (const auto v = relaxedLoad(c.punts[i])) ws.punts[std::string(puntName(static_cast<PuntReason>(i)))] = v;
    addDrops(ws.drops, c.drops);
    s.workers.push_back(std::move(ws));
  }
  for (const auto& [id, rec] : d.transports)
    s.transports[id] = snapshot(rec.t->counters);
  for (const auto& [id, in] : d.inbound) {
    CounterSnapshot c = snapshot(in->counters);
    // Read racily from the owner's reception stats: a snapshot may be one packet behind, never torn per field.
    const ReceptionStats& r = in->reception;
    if (relaxedLoad(r.started)) {
      const std::uint32_t expected = relaxedLoad(r.cycles) + relaxedLoad(r.max_seq) - relaxedLoad(r.base_seq) + 1;
      const std::uint32_t received = relaxedLoad(r.received);
      c.lost = expected > received ? expected - received : 0;
    }
    s.streams[id] = std::move(c);
  }
  for (const auto& [id, out] : d.outbound) {
    CounterSnapshot c = snapshot(out->counters);
    c.lost = relaxedLoad(out->counters.remote_lost);
    c.nacks = relaxedLoad(out->counters.nacks);
    s.streams[id] = std::move(c);
  }
  if (const rte_mempool* pool = d.ports.pool()) {
    s.mbufs_in_use = rte_mempool_in_use_count(pool);
    s.mbufs_total = pool->size;
  }
  return s;
}

void Dataplane::setMediaTimeout(std::uint32_t ms) noexcept {
  impl_->shared.media_timeout_ms.store(ms, std::memory_order_relaxed);
}
std::uint32_t Dataplane::mediaTimeout() const noexcept {
  return impl_->shared.media_timeout_ms.load(std::memory_order_relaxed);
}
void Dataplane::setTrace(bool on) noexcept {
  impl_->shared.trace.store(on);
}
bool Dataplane::trace() const noexcept {
  return impl_->shared.trace.load();
}
MacAddress Dataplane::mediaMac() const noexcept {
  return impl_->shared.media_mac;
}

bool Dataplane::sync(unsigned timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    {
      std::lock_guard lock(impl_->mu);
      Impl& d = *impl_;
      if (!d.running) return false;
      bool done = true;
      for (std::size_t w = 0; w < d.workers.size(); ++w)
        done = done && d.workers[w]->applied.load(std::memory_order_acquire) >= d.sent_seq[w];
      if (done) {
        d.collect();
        return true;
      }
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

}  // namespace portunus::dp
