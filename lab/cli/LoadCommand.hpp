#pragma once

#include "lab/cli/CliOptions.hpp"
#include "lab/cli/LoadReport.hpp"

namespace portunus::lab {

/** `portunus-lab load`: o.peers EchoTest PeerConnections in this process over one Janus connection and session,
 * started at o.ramp_per_s, ICE/DTLS/receive on o.loops shared IceLoops; each sends o.duration_s of media once
 * up. A progress line goes to stderr every second unless o.progress is off. */
LoadReport runLoad(const EchoTestOptions& o);

}  // namespace portunus::lab
