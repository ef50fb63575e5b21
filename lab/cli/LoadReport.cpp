#include "lab/cli/LoadReport.hpp"

#include <algorithm>
#include <cstdio>

namespace portunus::lab {

namespace {

/** Nearest-rank percentile of `values` (sorted here); 0 for none. */
double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

struct Totals {
  std::uint64_t sent = 0, received = 0, measured_sent = 0, measured_received = 0, bytes_sent = 0, bad = 0;
  double media_s = 0;
  std::vector<double> setup, p50, p99, max, jitter, latency_points;
};

Totals totals(const std::vector<LoadPeerResult>& results) {
  Totals t;
  for (const auto& r : results) {
    if (!r.up) continue;
    t.sent += r.sent;
    t.received += r.received;
    t.measured_sent += r.measured_sent;
    t.measured_received += r.measured_received;
    t.bytes_sent += r.bytes_sent;
    t.bad += r.bad_payloads + r.srtp_in_failed;
    t.media_s = std::max(t.media_s, r.media_s);
    t.setup.push_back(r.setup_ms);
    t.p50.push_back(r.latency_p50_ms);
    t.p99.push_back(r.latency_p99_ms);
    t.max.push_back(r.latency_max_ms);
    t.jitter.push_back(r.jitter_ms);
    t.latency_points.insert(t.latency_points.end(), r.latency_points_ms.begin(), r.latency_points_ms.end());
  }
  return t;
}

/** The pooled streams' latency quantiles resampled to 100 points: the run's latency CDF (each stream weighs the
 * same, which is right for streams of similar packet counts, as audio and video here). */
std::vector<double> latencyCdf(std::vector<double> points) {
  std::vector<double> out;
  if (points.empty()) return out;
  std::sort(points.begin(), points.end());
  for (std::size_t k = 1; k <= 100; ++k)
    out.push_back(points[std::min(points.size() - 1, (k * points.size() + 99) / 100 - 1)]);
  return out;
}

}  // namespace

double LoadReport::setupRate() const {
  double last = 0;
  for (const auto& r : results)
    if (r.up) last = std::max(last, r.up_at_s);
  return last > 0 ? static_cast<double>(up()) / last : 0.0;
}

unsigned LoadReport::up() const {
  return static_cast<unsigned>(std::count_if(results.begin(), results.end(), [](const auto& r) { return r.up; }));
}

double LoadReport::lossPercent() const {
  const Totals t = totals(results);
  if (t.measured_sent == 0) return 100.0;
  return 100.0 * static_cast<double>(t.measured_sent - std::min(t.measured_sent, t.measured_received)) /
         static_cast<double>(t.measured_sent);
}

std::vector<std::string> LoadReport::problems() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < results.size(); ++i)
    if (!results[i].up) out.push_back("peer " + std::to_string(i) + ": " + results[i].failure);
  if (lossPercent() > 100.0 * (1.0 - min_ratio)) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "loss %.2f %% over the allowed %.2f %%", lossPercent(), 100.0 * (1.0 - min_ratio));
    out.emplace_back(buf);
  }
  const Totals t = totals(results);
  if (t.bad) out.push_back(std::to_string(t.bad) + " bad payloads or SRTP failures");
  return out;
}

std::string LoadReport::text() const {
  const Totals t = totals(results);
  const double media = t.media_s > 0 ? t.media_s : 1.0;
  std::string out;
  char line[320];
  std::snprintf(line, sizeof line,
                "load %s over %s: %u/%u peers up (ramp %.1f/s, %u ICE loops), %.1f s media, %.1f s wall\n",
                server.c_str(), transport.c_str(), up(), peers, ramp_per_s, loops, duration_s, wall_s);
  out += line;
  std::snprintf(line, sizeof line, "  setup ms (attach->webrtcup)  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
                percentile(t.setup, 50), percentile(t.setup, 90), percentile(t.setup, 99), percentile(t.setup, 100));
  out += line;
  std::snprintf(line, sizeof line,
                "  packets  sent %llu  received %llu  loss %.3f %%  pps out %.0f  in %.0f  Mbit/s out %.2f\n",
                static_cast<unsigned long long>(t.sent), static_cast<unsigned long long>(t.received), lossPercent(),
                static_cast<double>(t.sent) / media, static_cast<double>(t.received) / media,
                8.0 * static_cast<double>(t.bytes_sent) / media / 1e6);
  out += line;
  std::snprintf(line, sizeof line,
                "  RTT ms (per peer: median of p50 / median of p99 / max of p99 / max)  %.3f / %.3f / %.3f / %.3f  "
                "jitter ms (median) %.3f\n",
                percentile(t.p50, 50), percentile(t.p99, 50), percentile(t.p99, 100), percentile(t.max, 100),
                percentile(t.jitter, 50));
  out += line;
  for (const auto& p : problems())
    out += "  FAIL: " + p + "\n";
  out += passed() ? "PASS\n" : "FAIL\n";
  return out;
}

nlohmann::json LoadReport::json() const {
  const Totals t = totals(results);
  const double media = t.media_s > 0 ? t.media_s : 1.0;
  nlohmann::json peersJson = nlohmann::json::array();
  for (const auto& r : results) {
    peersJson.push_back({{"up", r.up},
                         {"setup_ms", r.setup_ms},
                         {"failure", r.failure},
                         {"sent", r.sent},
                         {"received", r.received},
                         {"measured_sent", r.measured_sent},
                         {"measured_received", r.measured_received},
                         {"latency_p50_ms", r.latency_p50_ms},
                         {"latency_p99_ms", r.latency_p99_ms},
                         {"latency_max_ms", r.latency_max_ms},
                         {"jitter_ms", r.jitter_ms}});
  }
  return {{"command", "load"},
          {"server", server},
          {"transport", transport},
          {"peers", peers},
          {"peers_up", up()},
          {"ramp_per_s", ramp_per_s},
          {"loops", loops},
          {"threads", threads},
          {"churn_peers", churn_peers},
          {"churn_per_s", churn_per_s},
          {"setup_threads", setup_threads},
          {"mean_lateness_us", mean_lateness_us},
          {"duration_s", duration_s},
          {"wall_s", wall_s},
          {"media_s", t.media_s},
          {"setup_rate_per_s", setupRate()},
          {"setup_ms",
           {{"p50", percentile(t.setup, 50)},
            {"p90", percentile(t.setup, 90)},
            {"p99", percentile(t.setup, 99)},
            {"max", percentile(t.setup, 100)}}},
          {"sent", t.sent},
          {"received", t.received},
          {"loss_percent", lossPercent()},
          {"pps_out", static_cast<double>(t.sent) / media},
          {"pps_in", static_cast<double>(t.received) / media},
          {"mbit_out", 8.0 * static_cast<double>(t.bytes_sent) / media / 1e6},
          {"rtt_ms",
           {{"p50", percentile(t.p50, 50)},
            {"p99", percentile(t.p99, 50)},
            {"p99_worst_peer", percentile(t.p99, 100)},
            {"max", percentile(t.max, 100)}}},
          {"jitter_ms", percentile(t.jitter, 50)},
          {"latency_cdf_ms", latencyCdf(t.latency_points)},
          {"passed", passed()},
          {"problems", problems()},
          {"per_peer", peersJson}};
}

}  // namespace portunus::lab
