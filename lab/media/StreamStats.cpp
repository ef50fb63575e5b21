#include "lab/media/StreamStats.hpp"

#include <algorithm>
#include <cmath>

namespace portunus::lab {

void StreamStats::record(std::uint32_t sequence, std::uint64_t sendTimeNs, std::uint64_t arrivalNs) {
  if (sequence >= seen_.size()) seen_.resize(std::max<std::size_t>(sequence + 1, seen_.size() * 2), 0);
  if (seen_[sequence]) {
    ++duplicates_;
    return;
  }
  seen_[sequence] = 1;
  ++received_;
  if (static_cast<std::int64_t>(sequence) < highest_) {
    ++reordered_;
  } else {
    highest_ = sequence;
  }
  latencies_ns_.push_back(arrivalNs >= sendTimeNs ? arrivalNs - sendTimeNs : 0);
  // RFC 3550 §6.4.1: J += (|D(i-1,i)| - J) / 16, D being the difference of transit times, in arrival order.
  const auto transit = static_cast<std::int64_t>(arrivalNs) - static_cast<std::int64_t>(sendTimeNs);
  if (have_transit_) {
    const double d = std::fabs(static_cast<double>(transit - last_transit_ns_));
    jitter_ns_ += (d - jitter_ns_) / 16.0;
  }
  have_transit_ = true;
  last_transit_ns_ = transit;
}

StreamReport StreamStats::report(std::uint64_t sent, std::uint64_t firstMeasured) const {
  StreamReport r;
  r.sent = sent;
  for (std::uint64_t s = 0; s < std::min<std::uint64_t>(sent, seen_.size()); ++s) {
    if (!seen_[s]) continue;
    ++r.received;
    if (s >= firstMeasured) ++r.measured_received;
  }
  r.measured_sent = sent > firstMeasured ? sent - firstMeasured : 0;
  r.lost = sent - r.received;
  r.duplicates = duplicates_;
  r.reordered = reordered_;
  r.bad_payloads = bad_payloads_;
  if (!latencies_ns_.empty()) {
    auto sorted = latencies_ns_;
    std::sort(sorted.begin(), sorted.end());
    auto at = [&](double q) {
      const auto index = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))) - 1;
      return static_cast<double>(sorted[std::min(index, sorted.size() - 1)]) / 1e6;
    };
    r.latency_p50_ms = at(0.50);
    r.latency_p99_ms = at(0.99);
    r.latency_max_ms = static_cast<double>(sorted.back()) / 1e6;
    r.latency_cdf_ms.reserve(StreamReport::kLatencyCdfPoints);
    for (std::size_t k = 1; k <= StreamReport::kLatencyCdfPoints; ++k)
      r.latency_cdf_ms.push_back(at(static_cast<double>(k) / StreamReport::kLatencyCdfPoints));
  }
  r.jitter_ms = jitter_ns_ / 1e6;
  return r;
}

}  // namespace portunus::lab
