#include "lab/cli/LoadCommand.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log/Log.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/janus/JanusClient.hpp"
#include "lab/load/MediaScheduler.hpp"
#include "lab/peer/LabPeer.hpp"

namespace portunus::lab {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/** The peers of the run by handle, for the JanusClient's event thread and the progress line. */
class PeerTable {
 public:
  void add(std::uint64_t handle, LabPeer* peer) {
    std::lock_guard lock(mutex_);
    peers_[handle] = peer;
  }
  void remove(std::uint64_t handle) {
    std::lock_guard lock(mutex_);
    peers_.erase(handle);
  }
  void dispatch(const JanusEvent& e) {
    std::lock_guard lock(mutex_);
    if (auto it = peers_.find(e.sender); it != peers_.end()) it->second->onJanusEvent(e);
  }
  std::uint64_t srtpIn() {
    std::lock_guard lock(mutex_);
    std::uint64_t total = 0;
    for (const auto& [handle, peer] : peers_)
      total += peer->counters().srtp_in;
    return total;
  }

 private:
  std::mutex mutex_;
  std::map<std::uint64_t, LabPeer*> peers_;
};

}  // namespace

LoadReport runLoad(const EchoTestOptions& o) {
  LoadReport report;
  report.server = o.server;
  report.transport = o.transport;
  // Churn: while the base peers send, `churn_per_s` extra peers join one after the other, send for
  // `churn_lifetime_s` and leave (hangup + detach) at once.
  const unsigned churnPeers = static_cast<unsigned>(o.churn_per_s * o.duration_s);
  const unsigned total = o.peers + churnPeers;
  report.peers = total;
  report.churn_peers = churnPeers;
  report.churn_per_s = o.churn_per_s;
  report.ramp_per_s = o.ramp_per_s;
  report.duration_s = o.duration_s;
  report.loops = o.loops;
  report.threads = o.threads;
  report.setup_threads = o.setup_threads;
  report.min_ratio = o.min_ratio;
  report.results.resize(total);

  ServerUrl url = ServerUrl::parse(o.server);
  if ((o.transport == "http") != (url.scheme == ServerUrl::Scheme::Http)) {
    throw UsageError("--transport " + o.transport + " does not match the URL " + o.server);
  }
  std::vector<std::unique_ptr<cp::IceLoop>> loops;
  for (unsigned i = 0; i < o.loops; ++i)
    loops.push_back(std::make_unique<cp::IceLoop>("lab-ice" + std::to_string(i)));
  const cp::DtlsIdentity identity = cp::DtlsIdentity::generate("portunus-lab");
  JanusClient client(url);
  PeerTable table;
  client.setEventHandler([&table](const JanusEvent& e) { table.dispatch(e); });
  client.connect();
  const std::uint64_t session = client.createSession();
  const auto start = Clock::now();

  MediaScheduler scheduler(o.threads);
  std::vector<std::unique_ptr<LabPeer>> peers(total);
  std::vector<std::uint64_t> handles(total, 0);
  std::vector<Clock::time_point> mediaStart(total);
  std::unique_ptr<std::atomic<bool>[]> mediaDone(new std::atomic<bool>[total]);
  for (unsigned i = 0; i < total; ++i)
    mediaDone[i] = false;
  const auto startOf = [&](unsigned i) {
    const double at =
        i < o.peers ? static_cast<double>(i) / o.ramp_per_s
                    : static_cast<double>(o.peers) / o.ramp_per_s + static_cast<double>(i - o.peers) / o.churn_per_s;
    return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at));
  };
  std::atomic<unsigned> up{0}, done{0}, next{0};
  std::atomic<bool> finished{false};
  std::thread progress([&] {
    std::uint64_t lastIn = table.srtpIn(), lastOut = scheduler.packetsSent();
    auto last = Clock::now();
    while (!finished) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (Clock::now() - last < std::chrono::seconds(1)) continue;
      const std::uint64_t in = table.srtpIn(), out = scheduler.packetsSent();
      const double dt = secondsSince(last);
      last = Clock::now();
      const double dIn = static_cast<double>(in >= lastIn ? in - lastIn : 0);
      const double dOut = static_cast<double>(out - lastOut);
      if (o.progress)
        std::fprintf(stderr, "[%6.1f s] peers up %u/%u, sending %u, done %u, pps out %.0f in %.0f, loss %.2f %%\n",
                     secondsSince(start), up.load(), total, scheduler.active(), done.load(), dOut / dt, dIn / dt,
                     dOut > 0 ? std::max(0.0, 100.0 * (dOut - dIn) / dOut) : 0.0);
      lastIn = in;
      lastOut = out;
    }
  });

  // Negotiation blocks (request/reply, waiting for webrtcup): a small pool of setup threads takes the peers in
  // ramp order; once a peer's media path is up its pacing moves to the scheduler's media threads, and everything
  // that carries packets in (ICE, DTLS, SRTP unprotect, verification) runs on the shared IceLoops.
  auto setupOne = [&](unsigned i) {
    LoadPeerResult& r = report.results[i];
    const auto t0 = Clock::now();
    try {
      handles[i] = client.attach(session, "janus.plugin.echotest", "load-" + std::to_string(i));
      peers[i] =
          std::make_unique<LabPeer>(client, session, handles[i], *loops[i % loops.size()], identity, peerOptions(o));
      table.add(handles[i], peers[i].get());
      peers[i]->offer(Json{{"audio", o.audio}, {"video", o.video}});
      if (peers[i]->waitForMediaPath(std::chrono::seconds(20))) {
        r.setup_ms = 1000.0 * secondsSince(t0);
        r.up = true;
        r.up_at_s = secondsSince(start);
        ++up;
        mediaStart[i] = Clock::now();
        const bool churn = i >= o.peers;
        const double seconds = churn ? o.churn_lifetime_s : o.duration_s;
        scheduler.add(*peers[i], seconds, churn ? std::min(o.warmup_s, seconds / 2) : o.warmup_s,
                      [&, i, seconds](bool) {
                        report.results[i].media_s = std::min(secondsSince(mediaStart[i]), seconds);
                        mediaDone[i] = true;
                        ++done;
                      });
        return;
      }
      r.failure = peers[i]->failure();
      if (r.failure.empty()) r.failure = "media path not up within 20 s";
    } catch (const std::exception& e) {
      r.failure = e.what();
      r.up = false;
    }
    ++done;
  };
  // A peer's figures, once its media is over (and before it leaves).
  auto collect = [&](unsigned i) {
    LoadPeerResult& r = report.results[i];
    LabPeer* peer = peers[i].get();
    if (!peer) return;
    for (const auto& s : peer->results()) {
      r.sent += s.report.sent;
      r.received += s.report.received;
      r.measured_sent += s.report.measured_sent;
      r.measured_received += s.report.measured_received;
      r.bad_payloads += s.report.bad_payloads;
      r.latency_p50_ms = std::max(r.latency_p50_ms, s.report.latency_p50_ms);
      r.latency_p99_ms = std::max(r.latency_p99_ms, s.report.latency_p99_ms);
      r.latency_max_ms = std::max(r.latency_max_ms, s.report.latency_max_ms);
      r.jitter_ms = std::max(r.jitter_ms, s.report.jitter_ms);
      r.latency_points_ms.insert(r.latency_points_ms.end(), s.report.latency_cdf_ms.begin(),
                                 s.report.latency_cdf_ms.end());
    }
    if (r.up && r.failure.empty()) r.failure = peer->failure();
    r.srtp_in_failed = peer->counters().srtp_in_failed;
    r.bytes_sent = peer->bytesSent();
    peer->tearingDown();
  };
  // hangup + detach, then the peer goes.
  auto leave = [&](unsigned i) {
    try {
      if (handles[i]) {
        client.hangup(session, handles[i]);
        client.detach(session, handles[i]);
      }
    } catch (const std::exception& e) {
      PLOG(Warn, "lab") << "teardown of peer " << i << ": " << e.what();
    }
    if (handles[i]) table.remove(handles[i]);
    peers[i].reset();
  };
  std::vector<std::thread> setup;
  for (unsigned t = 0; t < std::min(o.setup_threads, total); ++t)
    setup.emplace_back([&] {
      for (unsigned i = next++; i < total; i = next++) {
        std::this_thread::sleep_until(startOf(i));
        setupOne(i);
        if (i < o.peers || !peers[i]) continue;
        // A churn peer leaves as soon as its media is over (its echoes get 300 ms to come back).
        while (!mediaDone[i] && !(report.results[i].failure.size() && !report.results[i].up))
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        collect(i);
        leave(i);
      }
    });
  for (auto& t : setup)
    t.join();
  while (done.load() < total)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  scheduler.stop();
  // Drain: wait until the echoes stop arriving (nothing new for 300 ms) or 2 s are up.
  {
    const auto drainEnd = Clock::now() + std::chrono::seconds(2);
    std::uint64_t last = ~0ull;
    while (Clock::now() < drainEnd) {
      std::uint64_t received = 0, sent = 0;
      for (const auto& p : peers) {
        if (!p) continue;
        const auto [in, out] = p->echoProgress();
        received += in;
        sent += out;
      }
      if (received >= sent || received == last) break;
      last = received;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
  }
  finished = true;
  progress.join();
  report.mean_lateness_us = scheduler.meanLatenessUs();

  for (unsigned i = 0; i < total; ++i)
    collect(i);
  // Teardown with the same pool: hangup + detach per handle, then the peers go.
  next = 0;
  setup.clear();
  for (unsigned t = 0; t < std::min(o.setup_threads, total); ++t)
    setup.emplace_back([&] {
      for (unsigned i = next++; i < total; i = next++)
        leave(i);
    });
  for (auto& t : setup)
    t.join();
  try {
    client.destroySession(session);
  } catch (const std::exception& e) {
    PLOG(Warn, "lab") << "destroy: " << e.what();
  }
  client.setEventHandler(nullptr);
  client.close();
  report.wall_s = secondsSince(start);
  return report;
}

}  // namespace portunus::lab
