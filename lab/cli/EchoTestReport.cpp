#include "lab/cli/EchoTestReport.hpp"

#include <cstdio>

namespace portunus::lab {

std::vector<std::string> EchoTestReport::problems() const {
  std::vector<std::string> out;
  if (!failure.empty()) out.push_back(failure);
  if (streams.empty() && failure.empty()) out.push_back("no stream was sent");
  for (const auto& s : streams) {
    const std::string name = std::string(mediaKindName(s.kind)) + " (mid " + s.mid + ")";
    if (s.report.sent == 0) out.push_back(name + ": nothing sent");
    if (s.report.deliveredRatio() < min_ratio) {
      char buf[160];
      std::snprintf(buf, sizeof buf, ": %.1f %% of the packets sent after the warm-up echoed (need %.1f %%)",
                    100.0 * s.report.deliveredRatio(), 100.0 * min_ratio);
      out.push_back(name + buf);
    }
    if (s.report.bad_payloads)
      out.push_back(name + ": " + std::to_string(s.report.bad_payloads) + " payload mismatches");
  }
  if (counters.srtp_in_failed)
    out.push_back(std::to_string(counters.srtp_in_failed) + " SRTP packets failed to unprotect");
  return out;
}

std::string EchoTestReport::text() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%s %s over %s: role %s, DTLS %s, %s, trickle %s, %.1f s\n", command.c_str(),
                server.c_str(), transport.c_str(), role.c_str(), dtls_role.empty() ? "-" : dtls_role.c_str(),
                srtp_profile.empty() ? "no SRTP" : srtp_profile.c_str(), trickle.c_str(), duration_s);
  out += line;
  std::snprintf(line, sizeof line, "%-6s %-4s %7s %7s %5s %4s %5s %8s %8s %8s %8s\n", "stream", "mid", "sent", "recv",
                "lost", "dup", "reord", "p50 ms", "p99 ms", "max ms", "jit ms");
  out += line;
  for (const auto& s : streams) {
    const StreamReport& r = s.report;
    std::snprintf(line, sizeof line, "%-6s %-4s %7llu %7llu %5llu %4llu %5llu %8.3f %8.3f %8.3f %8.3f\n",
                  std::string(mediaKindName(s.kind)).c_str(), s.mid.c_str(), static_cast<unsigned long long>(r.sent),
                  static_cast<unsigned long long>(r.received), static_cast<unsigned long long>(r.lost),
                  static_cast<unsigned long long>(r.duplicates), static_cast<unsigned long long>(r.reordered),
                  r.latency_p50_ms, r.latency_p99_ms, r.latency_max_ms, r.jitter_ms);
    out += line;
  }
  std::snprintf(
      line, sizeof line, "srtp in %llu (failed %llu), srtcp in %llu, trickles sent %llu, remote candidates %llu\n",
      static_cast<unsigned long long>(counters.srtp_in), static_cast<unsigned long long>(counters.srtp_in_failed),
      static_cast<unsigned long long>(counters.srtcp_in), static_cast<unsigned long long>(counters.trickles_sent),
      static_cast<unsigned long long>(counters.remote_candidates));
  out += line;
  const auto why = problems();
  out += why.empty() ? "PASS\n" : "FAIL\n";
  for (const auto& p : why)
    out += "  - " + p + "\n";
  return out;
}

namespace {

/** Loss recovery and keyframe-request counters of a peer (or of all publishers). */
nlohmann::json feedbackJson(const PeerCounters& c) {
  return {{"pli_in", c.pli_in},          {"pli_in_other_ssrc", c.pli_in_other_ssrc},
          {"pli_sent", c.pli_sent},      {"nack_in", c.nack_in},
          {"rtx_sent", c.rtx_sent},      {"rtx_miss", c.rtx_miss},
          {"nack_sent", c.nack_sent},    {"nack_packets_sent", c.nack_packets_sent},
          {"send_failed", c.send_failed}};
}

}  // namespace

nlohmann::json EchoTestReport::json() const {
  nlohmann::json streamsJson = nlohmann::json::array();
  for (const auto& s : streams) {
    const StreamReport& r = s.report;
    streamsJson.push_back(
        {{"kind", mediaKindName(s.kind)},
         {"mid", s.mid},
         {"sent", r.sent},
         {"received", r.received},
         {"lost", r.lost},
         {"duplicates", r.duplicates},
         {"reordered", r.reordered},
         {"bad_payloads", r.bad_payloads},
         {"measured_sent", r.measured_sent},
         {"measured_received", r.measured_received},
         {"delivered_ratio", r.deliveredRatio()},
         {"latency_ms", {{"p50", r.latency_p50_ms}, {"p99", r.latency_p99_ms}, {"max", r.latency_max_ms}}},
         {"jitter_ms", r.jitter_ms},
         {"latency_cdf_ms", r.latency_cdf_ms}});
    if (s.recovery) {
      const RecoveryStats& v = *s.recovery;
      streamsJson.back()["recovery"] = {
          {"packets", v.packets},     {"lost_before_recovery", v.gaps}, {"recovered", v.recovered},
          {"residual", v.residual()}, {"abandoned", v.abandoned},       {"duplicates", v.duplicates},
          {"nacked", v.nacked},       {"nack_packets", v.nack_packets}, {"rtx_in", v.rtx_in}};
    }
  }
  nlohmann::json countersJson = {{"srtp_in", counters.srtp_in},
                                 {"srtp_in_failed", counters.srtp_in_failed},
                                 {"srtcp_in", counters.srtcp_in},
                                 {"srtcp_in_failed", counters.srtcp_in_failed},
                                 {"other_in", counters.other_in},
                                 {"trickles_sent", counters.trickles_sent},
                                 {"remote_candidates", counters.remote_candidates},
                                 {"dropped_on_purpose", counters.dropped_on_purpose},
                                 {"remb_in", counters.remb_in},
                                 {"remb_bps", counters.remb_bps},
                                 {"keepalives_sent", keepalives_sent}};
  countersJson.update(feedbackJson(counters));
  return {{"command", command},
          {"server", server},
          {"transport", transport},
          {"role", role},
          {"dtls_role", dtls_role},
          {"srtp_profile", srtp_profile},
          {"trickle", trickle},
          {"duration_s", duration_s},
          {"streams", streamsJson},
          {"counters", countersJson},
          {"publisher_counters", feedbackJson(publisher_counters)},
          {"events", events},
          {"failure", failure},
          {"passed", passed()},
          {"problems", problems()}};
}

}  // namespace portunus::lab
