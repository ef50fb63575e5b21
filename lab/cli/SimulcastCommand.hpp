// `portunus-lab videoroom --simulcast`: a publisher offers VP8 simulcast by rid (h, m, l) and sends three layers with
// three temporal layers each (SimulcastSender); one subscriber joins its feed and walks through `configure`
// requests (substream 2 -> 0 -> 1, temporal 2 -> 0 -> 1, then substream 2 and the high layer stopping: fallback).
// Per phase it reports which layers and temporal ids arrived, when the stream settled on the requested one (after a
// keyframe), and the `substream` / `temporal` events the server sent; over the whole run the continuity of what the
// SFU rewrote (SimulcastTrack).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lab/cli/CliOptions.hpp"

namespace portunus::lab {

struct SimulcastPhase {
  std::string action;  // what was asked ("configure substream 0", "stop layer h")
  int substream = 2;   // what the subscriber should then receive
  int temporal = 2;
  double settle_ms = -1;               // from the request until only that layer/temporal layers arrived (-1: never)
  double settled_s = 0;                // how long it then stayed settled until the next phase
  bool keyframe_first = false;         // the settled stream began with a keyframe (substream switches)
  nlohmann::json layers, tids;         // packets per layer / temporal id during the phase
  std::vector<nlohmann::json> events;  // `substream` / `temporal` events that arrived during the phase
};

struct SimulcastReport {
  std::string server;
  std::string form;  // "rid" or "ssrc-group:SIM"
  std::string failure;
  std::vector<SimulcastPhase> phases;
  nlohmann::json continuity;
  nlohmann::json sent;  // packets per layer, keyframes
  std::uint64_t pli_in = 0;

  std::vector<std::string> problems() const;
  bool passed() const { return problems().empty(); }
  std::string text() const;
  nlohmann::json json() const;
};

SimulcastReport runVideoRoomSimulcast(const EchoTestOptions& options);

}  // namespace portunus::lab
