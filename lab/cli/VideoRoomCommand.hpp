// `portunus-lab videoroom`: a publisher handle offers into a VideoRoom (`joinandconfigure` + offer), a subscriber
// handle joins that feed, answers the server's offer (the lab peer as DTLS client) and `start`s; the publisher
// sends media and the subscriber verifies every payload it forwards. Proves the answering path and the DTLS
// client role against a server that offers.
#pragma once

#include "lab/cli/CliOptions.hpp"
#include "lab/cli/EchoTestReport.hpp"

namespace portunus::lab {

EchoTestReport runVideoRoom(const EchoTestOptions& options);

}  // namespace portunus::lab
