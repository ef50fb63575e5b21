// Wires the control plane together on one io_context (DESIGN §2): plugins, router, admin, transports, the session
// watchdog and the signal handling that shuts everything down cleanly.
#pragma once

#include <optional>

#include "common/config/Config.hpp"

namespace portunus::cp {

struct DaemonOptions {
  std::optional<int> longPollKeepaliveMs;
};

/** Validates the parts of the configuration the daemon owns beyond the decoders (plugin sections). */
void validatePlugins(const config::Config& cfg);

/** Runs until SIGINT/SIGTERM; returns the process exit code. Throws std::runtime_error if an endpoint can't bind. */
int runDaemon(const config::Config& cfg, const DaemonOptions& options);

}  // namespace portunus::cp
