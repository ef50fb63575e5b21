// A load scenario file for `portunus-lab load --scenario FILE.yaml` (examples under bench/scenarios/), decoded
// strictly like the daemon's configuration (common/config: unknown keys rejected with their path, ranges checked).
// The file sets the same options as the flags; flags given after --scenario override it.
//
//   scenario: echotest          # N EchoTest PeerConnections
//   peers: 150
//   ramp_per_s: 50              # PeerConnections started per second
//   warmup_s: 1                 # media seconds not counted in the loss
//   duration_s: 8               # media seconds per peer
//   threads: 2                  # media threads (event loops)
//   setup_threads: 16           # negotiation threads
//   loops: 2                    # IceLoops (receive paths)
//   churn: {rate_per_s: 2, lifetime_s: 3}  # extra PCs joining per second while the others send, each leaving
//                                          # after lifetime_s (0: no churn)
//   media: {audio: true, video: true, video_bitrate_bps: 500000, video_fps: 30}
//
//   scenario: webinar           # one publisher -> N subscribers in a VideoRoom (room 1234 unless `room` says)
//   subscribers: 150
//   room: 1234
//   nack: false                 # loss recovery (rtx, NACK, RTX) on every peer
//   duration_s, warmup_s, threads, loops, media: as above; and in media (webinar and meetings only):
//     simulcast: false          # publishers send VP8 simulcast (rids h, m, l: 900, 300, 100 kbit/s; 3 temporal
//     substream: 2              #   layers) and every subscriber asks for this layer (0 lowest), reported alone
//
//   scenario: meetings          # R rooms created for the run, P publishers and S subscribers in each; every
//   rooms: 4                    # subscriber receives every publisher of its room
//   publishers: 3
//   subscribers: 3
//   nack: false
//   duration_s, warmup_s, threads, loops, media: as above
//
// Keys of the other kind (peers, ramp_per_s, setup_threads, churn for webinar/meetings; publishers, subscribers,
// rooms, room, nack for echotest) are refused by name.
#pragma once

#include <string>

#include "lab/cli/CliOptions.hpp"

namespace portunus::lab {

/** Applies the scenario in `yamlText` to `options`; throws UsageError naming the offending key. */
void applyLoadScenario(const std::string& yamlText, EchoTestOptions& options);
/** Reads `path` and applies it; throws UsageError when it cannot be read or is invalid. */
void applyLoadScenarioFile(const std::string& path, EchoTestOptions& options);

}  // namespace portunus::lab
