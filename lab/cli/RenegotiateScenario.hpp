// `portunus-lab videoroom --renegotiate`: one subscriber PeerConnection whose m-lines change under it. Three
// publishers A, B, C; the subscriber starts on A and B, then `unsubscribe`s A, `subscribe`s C, and `update`s
// (subscribe A, unsubscribe C) in one request. Every change must come back as `updated` with a new offer on the same
// PeerConnection (ICE and DTLS untouched, mids stable, dropped m-lines kept inactive), which the lab peer answers
// with `start`; after each change one media round proves, payload-verified, that the subscriber receives exactly the
// feeds it holds. With --hold the run stops after each change (a line "hold <phase>" on stdout) until a line
// arrives on stdin, so that a test can read the dataplane's objects in between.
#pragma once

#include "lab/cli/CliOptions.hpp"
#include "lab/cli/EchoTestReport.hpp"

namespace portunus::lab {

EchoTestReport runRenegotiation(const EchoTestOptions& options);

}  // namespace portunus::lab
