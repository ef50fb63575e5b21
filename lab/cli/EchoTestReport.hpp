// The result of one `portunus-lab echotest` run: per stream sent/received/lost/dup/reordered/latency/jitter, the
// verdict and its reasons; printed as a short table and written as JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lab/peer/LabPeer.hpp"

namespace portunus::lab {

struct EchoTestReport {
  std::string command = "echotest";  // or "videoroom"
  std::string server;
  std::string transport;
  std::string role;       // offer / answer
  std::string dtls_role;  // client / server
  std::string srtp_profile;
  std::string trickle;
  double duration_s = 0;
  std::vector<StreamResult> streams;
  PeerCounters counters;
  PeerCounters publisher_counters;  // videoroom: the publishers' (summed)
  std::uint64_t keepalives_sent = 0;
  std::vector<std::string> events;
  std::string failure;  // negotiation/ICE/DTLS failure, empty when media ran
  double min_ratio = 0.95;

  /** The reasons this run fails (empty = pass): a failure, a stream under min_ratio, any bad payload. */
  std::vector<std::string> problems() const;
  bool passed() const { return problems().empty(); }
  std::string text() const;
  nlohmann::json json() const;
};

}  // namespace portunus::lab
