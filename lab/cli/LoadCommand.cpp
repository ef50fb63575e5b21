#include "lab/cli/LoadCommand.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/log/Log.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/janus/JanusClient.hpp"
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
  report.peers = o.peers;
  report.ramp_per_s = o.ramp_per_s;
  report.duration_s = o.duration_s;
  report.loops = o.loops;
  report.min_ratio = o.min_ratio;
  report.results.resize(o.peers);

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

  std::atomic<unsigned> up{0}, done{0};
  std::atomic<bool> finished{false};
  std::thread progress([&] {
    std::uint64_t lastIn = table.srtpIn();
    auto last = Clock::now();
    while (!finished) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (Clock::now() - last < std::chrono::seconds(1)) continue;
      const std::uint64_t in = table.srtpIn();
      const double dt = secondsSince(last);
      last = Clock::now();
      if (o.progress)
        std::fprintf(stderr, "[%6.1f s] peers up %u/%u, done %u, echo in %.0f pps\n", secondsSince(start), up.load(),
                     o.peers, done.load(), static_cast<double>(in >= lastIn ? in - lastIn : 0) / dt);
      lastIn = in;
    }
  });

  // Each peer's negotiation and RTP pacing run on a thread of its own (they block: request/reply, paced sleeps);
  // everything that carries packets in (ICE, DTLS, SRTP unprotect, verification) runs on the shared loops.
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < o.peers; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(static_cast<double>(i) / o.ramp_per_s)));
    workers.emplace_back([&, i] {
      LoadPeerResult& r = report.results[i];
      std::uint64_t handle = 0;
      std::unique_ptr<LabPeer> peer;
      const auto t0 = Clock::now();
      try {
        handle = client.attach(session, "janus.plugin.echotest", "load-" + std::to_string(i));
        LabPeerOptions po = peerOptions(o);
        peer = std::make_unique<LabPeer>(client, session, handle, *loops[i % loops.size()], identity, po);
        table.add(handle, peer.get());
        peer->offer(Json{{"audio", o.audio}, {"video", o.video}});
        if (peer->waitForMediaPath(std::chrono::seconds(20))) {
          r.setup_ms = 1000.0 * secondsSince(t0);
          r.up = true;
          ++up;
          const auto m0 = Clock::now();
          peer->runMedia(o.duration_s, o.warmup_s);
          r.media_s = std::min(secondsSince(m0), o.duration_s);
        }
        r.failure = peer->failure();
        if (!r.up && r.failure.empty()) r.failure = "media path not up within 20 s";
      } catch (const std::exception& e) {
        r.failure = e.what();
        r.up = false;
      }
      if (peer) {
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
        }
        r.srtp_in_failed = peer->counters().srtp_in_failed;
        r.bytes_sent = peer->bytesSent();
        peer->tearingDown();
      }
      try {
        if (handle) {
          client.hangup(session, handle);
          client.detach(session, handle);
        }
      } catch (const std::exception& e) {
        PLOG(Warn, "lab") << "teardown of peer " << i << ": " << e.what();
      }
      if (handle) table.remove(handle);
      peer.reset();
      ++done;
    });
  }
  for (auto& w : workers)
    w.join();
  finished = true;
  progress.join();
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
