// The result of one `portunus-lab load` run: how many PeerConnections came up and how fast (attach → webrtcup
// percentiles), and the echoed media of all of them together: packets, loss, latency (payload send time → echo
// arrival: the round trip through the server), jitter, packet and bit rates. Printed as a table and as JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace portunus::lab {

/** One peer's outcome. */
struct LoadPeerResult {
  bool up = false;      // webrtcup and DTLS connected
  double setup_ms = 0;  // attach → media path up
  std::string failure;  // empty when media ran
  std::uint64_t sent = 0, received = 0, measured_sent = 0, measured_received = 0, bytes_sent = 0;
  std::uint64_t bad_payloads = 0, srtp_in_failed = 0;
  double latency_p50_ms = 0, latency_p99_ms = 0, latency_max_ms = 0, jitter_ms = 0;
  double media_s = 0;                     // seconds this peer sent
  double up_at_s = 0;                     // when its media path came up, from the start of the run
  std::vector<double> latency_points_ms;  // every stream's latency quantiles (StreamReport::latency_cdf_ms)
};

struct LoadReport {
  std::string server;
  std::string transport;
  unsigned peers = 0;
  double ramp_per_s = 0;
  double duration_s = 0;
  double wall_s = 0;  // the whole run, ramp and drain included
  unsigned loops = 0;
  unsigned churn_peers = 0;  // of `peers`: joined and left while the others sent
  double churn_per_s = 0;
  unsigned threads = 0;         // media threads pacing the senders
  unsigned setup_threads = 0;   // threads negotiating the peers
  double mean_lateness_us = 0;  // how late the media threads sent, on average
  double min_ratio = 0.95;
  std::vector<LoadPeerResult> results;

  unsigned up() const;
  /** PeerConnections up per second: up() over the time the last one came up (the ramp included). */
  double setupRate() const;
  /** Percent of the packets sent after the warm-up that did not come back. */
  double lossPercent() const;
  /** The reasons the run fails (empty = pass): a peer that did not come up, loss over 1 - min_ratio, bad payloads. */
  std::vector<std::string> problems() const;
  bool passed() const { return problems().empty(); }
  std::string text() const;
  nlohmann::json json() const;
};

}  // namespace portunus::lab
