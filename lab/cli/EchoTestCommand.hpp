// `portunus-lab echotest`: session → attach janus.plugin.echotest → {audio,video} + offer (or, with --role answer,
// wait for the server's offer and answer it) → media for the duration → verify the echo → report → hangup,
// detach, destroy.
#pragma once

#include "lab/cli/CliOptions.hpp"
#include "lab/cli/EchoTestReport.hpp"

namespace portunus::lab {

/** Runs the test; never throws for a failed run (the report says why), only for a usage problem. */
EchoTestReport runEchoTest(const EchoTestOptions& options);

}  // namespace portunus::lab
