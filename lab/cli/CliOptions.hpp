// Command line of portunus-lab:
//   portunus-lab echotest --server URL [--transport ws|http] [--duration S] [--audio|--no-audio]
//       [--video|--no-video] [--bitrate N] [--fps N] [--srtp-profile P] [--trickle early|normal|none]
//       [--role offer|answer] [--ice-address A] [--json FILE] [--warmup S] [--min-ratio R]
//       [--log LEVEL] [--echo-bitrate N] [--drop-every N] [--bad-fingerprint] [--dtls-close]
//       [--teardown hangup|detach|destroy|close|none]
//   portunus-lab videoroom --server URL [--room N] [same media/transport options]
//       one publisher and one subscriber (which answers the server's offer) in a VideoRoom; the subscriber
//       verifies what the publisher sent; [--nack] loss recovery (rtx, NACK, RTX) on every peer, [--send-pli MS]
//       subscribers' keyframe requests, [--subscriber-address A] subscribers gather on their own address
//   portunus-lab load --server URL [--scenario FILE.yaml] [--peers N] ...   (usageText() has every option)
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dataplane/srtp/SrtpEngine.hpp"

namespace portunus::lab {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** When our ICE candidates reach the server: before the offer (janus.js style, queued by the server), after it,
 * or only inside the SDP (no trickle at all, `jsep.trickle:false`). */
enum class TrickleMode : std::uint8_t { Early, Normal, None };
enum class PeerRole : std::uint8_t { Offer, Answer };
/** How the run ends toward the server: janus.js's hangup+detach+destroy, detach+destroy, destroy only, closing the
 * connection without a word (WebSocket close; HTTP: just stop polling), or nothing at all (the session times out). */
enum class Teardown : std::uint8_t { Hangup, Detach, Destroy, Close, None };

struct EchoTestOptions {
  std::string server;
  std::string transport;  // "ws" or "http"; empty = from the URL's scheme
  double duration_s = 5.0;
  double warmup_s = 1.0;
  bool audio = true;
  bool video = true;
  std::uint32_t video_bitrate_bps = 500'000;
  std::uint32_t video_fps = 30;
  std::optional<dp::SrtpProfile> srtp_profile;  // offered alone when set; else all four, GCM first
  TrickleMode trickle = TrickleMode::Normal;
  PeerRole role = PeerRole::Offer;
  std::string ice_address = "127.0.0.1";  // the local address libnice gathers on
  std::string json_path;
  double min_ratio = 0.95;
  std::string log_level = "info";
  std::uint64_t room = 1234;       // videoroom only
  std::uint64_t echo_bitrate = 0;  // EchoTest `bitrate` (REMB cap) asked in the first request; 0: not sent
  std::uint32_t drop_every = 0;    // skip every Nth RTP packet on send (loss the server measures); 0: none
  bool bad_fingerprint = false;    // put a wrong a=fingerprint in our SDP (the server's DTLS check must fail)
  bool dtls_close = false;         // after the media, close DTLS (close_notify) and wait for the server's hangup
  Teardown teardown = Teardown::Hangup;
  // videoroom room scenario: P publishers, S subscribers each subscribed to every feed, then K subscribers joining
  // and leaving one after the other; --switch: subscriber 0 starts on feed 0 only and switches to feed 1 for a
  // second media round; --publisher-leaves: the last publisher leaves while subscribed (subscribers get `updated`).
  unsigned publishers = 1;
  unsigned subscribers = 1;
  unsigned rooms = 1;  // --rooms R > 1: meetings, R rooms created for the run, P publishers and S subscribers in each
  unsigned churn = 0;
  bool switch_feed = false;
  bool publisher_leaves = false;
  bool renegotiate = false;  // --renegotiate: lab/cli/RenegotiateScenario.hpp
  bool hold = false;         // --hold: stop after each renegotiation step until a line on stdin
  // Loss recovery (every peer): rtx in the SDP, NACKs for the gaps of what it receives, the server's NACKs
  // answered; --send-pli MS: subscribers ask for a keyframe every MS ms; --subscriber-address A: subscribers gather
  // on A instead of --ice-address (so that the network can treat their link apart, e.g. loss toward one of them).
  bool nack = false;
  std::uint32_t send_pli_ms = 0;
  std::string subscriber_address;
  // --simulcast: one publisher sends VP8 simulcast (rids h, m, l; 3 temporal layers), one subscriber switches layers
  // with `configure` (lab/cli/SimulcastCommand.hpp); each phase lasts `duration` seconds (at least 1).
  bool simulcast = false;
  bool simulcast_ssrc_group = false;  // --simulcast-ssrc-group: the same with a=ssrc-group:SIM instead of rids
  // load webinar/meetings with --simulcast (YAML media.simulcast): a media profile instead, every publisher's video
  // is VP8 simulcast (3 rids, 3 temporal layers), every subscriber asks for `substream` (YAML media.substream).
  unsigned substream = 2;
  // load: `peers` EchoTest PCs in one process, started at `ramp` per second, their ICE/DTLS/receive paths shared
  // by `loops` IceLoop threads; each sends for `duration` seconds once up.
  unsigned peers = 10;
  double ramp_per_s = 5.0;
  unsigned loops = 2;
  double churn_per_s = 0;         // load: extra peers joining (and leaving) per second while the others send
  double churn_lifetime_s = 2.0;  // load: how long each of them sends before it leaves
  unsigned threads = 2;           // media threads (event loops pacing many peers each)
  unsigned setup_threads = 16;    // negotiation threads (attach, offer, wait for webrtcup)
  bool progress = true;
  // load --scenario FILE: "echotest" (the above), "webinar" or "meetings" (the VideoRoom room scenario above, its
  // publishers paced by `threads` media threads); lab/load/LoadScenario.hpp.
  std::string load_scenario = "echotest";
};

struct CliCommand {
  std::string name;  // "echotest", "videoroom", "load" or "help"
  EchoTestOptions echotest;
};

/** Throws UsageError with a message naming the offending argument. */
CliCommand parseCommandLine(const std::vector<std::string>& args);
std::string usageText();

}  // namespace portunus::lab
