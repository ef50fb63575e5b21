// Receive-side accounting of one echoed stream, keyed by the sender sequence in the payload: unique packets,
// duplicates, reordering (arrived below the highest sequence seen), one-way-and-back latency from the payload's
// send time, and RFC 3550 §6.4.1 interarrival jitter computed on send/arrival times.
#pragma once

#include <cstdint>
#include <vector>

namespace portunus::lab {

struct StreamReport {
  std::uint64_t sent = 0;
  std::uint64_t received = 0;  // unique sender sequences received
  std::uint64_t lost = 0;      // sent - received
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t bad_payloads = 0;
  std::uint64_t measured_sent = 0;      // sent after the warm-up
  std::uint64_t measured_received = 0;  // of those, received
  double latency_p50_ms = 0, latency_p99_ms = 0, latency_max_ms = 0;
  double jitter_ms = 0;
  /** The latency distribution in kLatencyCdfPoints quantiles ((k+1)/kLatencyCdfPoints, k = 0..n-1), for CDF plots
   *  and for pooling streams of similar packet counts (the bench's latency CDF). Empty without samples. */
  static constexpr std::size_t kLatencyCdfPoints = 100;
  std::vector<double> latency_cdf_ms;
  double deliveredRatio() const noexcept {
    return measured_sent ? static_cast<double>(measured_received) / static_cast<double>(measured_sent) : 0.0;
  }
};

class StreamStats {
 public:
  /** One verified packet of this stream. */
  void record(std::uint32_t sequence, std::uint64_t sendTimeNs, std::uint64_t arrivalNs);
  void recordBadPayload() noexcept { ++bad_payloads_; }

  /** `sent` sender sequences 0..sent-1 went out; sequences >= `firstMeasured` count for the delivery ratio. */
  StreamReport report(std::uint64_t sent, std::uint64_t firstMeasured) const;

  std::uint64_t received() const noexcept { return received_; }

 private:
  std::vector<std::uint8_t> seen_;  // by sender sequence
  std::vector<std::uint64_t> latencies_ns_;
  std::uint64_t received_ = 0, duplicates_ = 0, reordered_ = 0, bad_payloads_ = 0;
  std::int64_t highest_ = -1;
  bool have_transit_ = false;
  std::int64_t last_transit_ns_ = 0;
  double jitter_ns_ = 0;
};

}  // namespace portunus::lab
