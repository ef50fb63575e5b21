#include "lab/cli/CliOptions.hpp"

#include <charconv>

#include "lab/load/LoadScenario.hpp"
#include "lab/media/SrtpSession.hpp"

namespace portunus::lab {

namespace {

double toDouble(const std::string& flag, const std::string& value, double min, double max) {
  try {
    std::size_t used = 0;
    const double v = std::stod(value, &used);
    if (used != value.size() || v < min || v > max) throw std::out_of_range(value);
    return v;
  } catch (const std::exception&) {
    throw UsageError(flag + ": expected a number in [" + std::to_string(min) + ", " + std::to_string(max) + "], got '" +
                     value + "'");
  }
}

std::uint32_t toUint(const std::string& flag, const std::string& value, std::uint32_t min, std::uint32_t max) {
  std::uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc() || ptr != value.data() + value.size() || v < min || v > max) {
    throw UsageError(flag + ": expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) +
                     "], got '" + value + "'");
  }
  return v;
}

}  // namespace

std::string usageText() {
  return "usage: portunus-lab echotest --server URL [options]\n"
         "       portunus-lab videoroom --server URL [--room N] [--publishers P] [--subscribers S] [--churn K]\n"
         "                              [--rooms R]  (R > 1: R rooms created for the run, P x S in each)\n"
         "                              [--switch] [--publisher-leaves] [--send-pli MS]\n"
         "                              [--subscriber-address A] [--simulcast[-ssrc-group]] [options]\n"
         "       portunus-lab videoroom --renegotiate [--hold] --server URL [--room N] [options]\n"
         "                              one subscriber's unsubscribe/subscribe/update on one PeerConnection\n"
         "       portunus-lab load --server URL [--scenario FILE.yaml] [--peers N] [--ramp PER_S] [--loops K]\n"
         "                              [--threads T] [--setup-threads S] [--churn-rate R]\n"
         "                              [--churn-lifetime S] [--no-progress] [options]\n"
         "                              N EchoTest PCs in one process (one session, one connection), paced by T\n"
         "                              media threads (event loops), negotiated by S setup threads; R more PCs\n"
         "                              per second join, send S seconds and leave while they run; a live\n"
         "                              progress line and a report of setup time, loss, latency, jitter, pps\n"
         "       portunus-lab load --server URL --scenario FILE.yaml [--subscribers S] [--publishers P]\n"
         "                              [--rooms R] [--room N] [--threads T] [--loops K] [options]\n"
         "                              FILE says `scenario: webinar` (1 publisher -> S subscribers) or\n"
         "                              `scenario: meetings` (R rooms of P publishers x S subscribers);\n"
         "                              [--simulcast [--substream L]]: publishers send VP8 simulcast,\n"
         "                              subscribers ask for layer L (default 2)\n"
         "  --server URL            ws://host:8188 or http://host:8088/janus\n"
         "  --transport ws|http     (default: from the URL)\n"
         "  --duration S            seconds of media (default 5)\n"
         "  --warmup S              seconds not counted in the delivery ratio (default 1)\n"
         "  --audio | --no-audio    send an audio-like stream (default on)\n"
         "  --video | --no-video    send a video-like stream (default on)\n"
         "  --bitrate N             video bitrate in bit/s (default 500000)\n"
         "  --fps N                 video frame rate (default 30)\n"
         "  --srtp-profile P        offer only P: SRTP_AEAD_AES_128_GCM, SRTP_AEAD_AES_256_GCM,\n"
         "                          SRTP_AES128_CM_SHA1_80, SRTP_AES128_CM_SHA1_32 (or gcm128/gcm256/cm80/cm32)\n"
         "  --trickle early|normal|none   candidates before the offer, after it, or only in the SDP\n"
         "  --role offer|answer     offer (EchoTest) or answer a server offer\n"
         "  --ice-address A         local address to gather candidates on (default 127.0.0.1)\n"
         "  --min-ratio R           pass when >= R of the packets sent after the warm-up echo back (0.95)\n"
         "  --json FILE             write the report as JSON\n"
         "  --log LEVEL             trace|debug|info|warn|error (default info)\n"
         "  --echo-bitrate N        EchoTest `bitrate` (REMB cap, bit/s) in the first request\n"
         "  --drop-every N          do not send every Nth RTP packet (loss for the server to measure)\n"
         "  --bad-fingerprint       put a wrong DTLS fingerprint in our SDP\n"
         "  --nack                  loss recovery like a browser: rtx in the SDP, NACK (with an RR) for gaps in\n"
         "                          what we receive, RTX accepted, the server's NACKs answered from a history\n"
         "  --send-pli MS           videoroom: subscribers send a PLI for each video stream every MS ms\n"
         "  --subscriber-address A  videoroom: subscribers gather on A (default: --ice-address)\n"
         "  --dtls-close            after the media, send DTLS close_notify and wait for the server's hangup\n"
         "  --teardown MODE         hangup (hangup, detach, destroy), detach, destroy, close (drop the\n"
         "                          connection), none (leave the session to time out)\n";
}

CliCommand parseCommandLine(const std::vector<std::string>& args) {
  CliCommand command;
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    command.name = "help";
    return command;
  }
  if (args[0] != "echotest" && args[0] != "videoroom" && args[0] != "load")
    throw UsageError("unknown command '" + args[0] + "'");
  command.name = args[0];
  EchoTestOptions& o = command.echotest;
  // `load` takes the room flags for its webinar/meetings scenarios and the EchoTest flags for its echotest one;
  // which scenario it is may be known only at the end (--scenario FILE), so the first misplaced flag is kept.
  std::string roomFlagGiven, echoFlagGiven;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    auto roomFlag = [&] {
      if (command.name == "load" && roomFlagGiven.empty()) roomFlagGiven = flag;
      return command.name == "videoroom" || command.name == "load";
    };
    auto echoLoadFlag = [&] {
      if (command.name == "load" && echoFlagGiven.empty()) echoFlagGiven = flag;
      return command.name == "load";
    };
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw UsageError(flag + " needs a value");
      return args[++i];
    };
    if (flag == "--server") {
      o.server = value();
    } else if (flag == "--transport") {
      o.transport = value();
      if (o.transport != "ws" && o.transport != "http")
        throw UsageError("--transport: ws or http, got '" + o.transport + "'");
    } else if (flag == "--duration") {
      o.duration_s = toDouble(flag, value(), 0.1, 86400);
    } else if (flag == "--warmup") {
      o.warmup_s = toDouble(flag, value(), 0, 3600);
    } else if (flag == "--audio") {
      o.audio = true;
    } else if (flag == "--no-audio") {
      o.audio = false;
    } else if (flag == "--video") {
      o.video = true;
    } else if (flag == "--no-video") {
      o.video = false;
    } else if (flag == "--bitrate") {
      o.video_bitrate_bps = toUint(flag, value(), 8000, 100'000'000);
    } else if (flag == "--fps") {
      o.video_fps = toUint(flag, value(), 1, 240);
    } else if (flag == "--srtp-profile") {
      const std::string& name = value();
      try {
        o.srtp_profile = SrtpSession::parseProfile(name);
      } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--srtp-profile: ") + e.what());
      }
    } else if (flag == "--trickle") {
      const std::string& mode = value();
      if (mode == "early")
        o.trickle = TrickleMode::Early;
      else if (mode == "normal")
        o.trickle = TrickleMode::Normal;
      else if (mode == "none")
        o.trickle = TrickleMode::None;
      else
        throw UsageError("--trickle: early, normal or none, got '" + mode + "'");
    } else if (flag == "--role") {
      const std::string& role = value();
      if (role == "offer")
        o.role = PeerRole::Offer;
      else if (role == "answer")
        o.role = PeerRole::Answer;
      else
        throw UsageError("--role: offer or answer, got '" + role + "'");
    } else if (flag == "--ice-address") {
      o.ice_address = value();
    } else if (flag == "--min-ratio") {
      o.min_ratio = toDouble(flag, value(), 0, 1);
    } else if (flag == "--json") {
      o.json_path = value();
    } else if (flag == "--room" && roomFlag()) {
      o.room = toUint(flag, value(), 1, 0xffffffffu);
    } else if (flag == "--publishers" && roomFlag()) {
      o.publishers = static_cast<unsigned>(toUint(flag, value(), 1, 16));
    } else if (flag == "--subscribers" && roomFlag()) {
      o.subscribers = static_cast<unsigned>(toUint(flag, value(), 1, 1000));
    } else if (flag == "--rooms" && roomFlag()) {
      o.rooms = static_cast<unsigned>(toUint(flag, value(), 1, 64));
    } else if (flag == "--churn" && command.name == "videoroom") {
      o.churn = static_cast<unsigned>(toUint(flag, value(), 0, 1000));
    } else if (flag == "--switch" && command.name == "videoroom") {
      o.switch_feed = true;
    } else if (flag == "--publisher-leaves" && command.name == "videoroom") {
      o.publisher_leaves = true;
    } else if (flag == "--renegotiate" && command.name == "videoroom") {
      o.renegotiate = true;
    } else if (flag == "--hold" && command.name == "videoroom") {
      o.hold = true;
    } else if (flag == "--send-pli" && command.name == "videoroom") {
      o.send_pli_ms = toUint(flag, value(), 10, 600'000);
    } else if (flag == "--subscriber-address" && command.name == "videoroom") {
      o.subscriber_address = value();
    } else if (flag == "--nack") {
      o.nack = true;
    } else if (flag == "--simulcast" && (command.name == "videoroom" || roomFlag())) {
      o.simulcast = true;
    } else if (flag == "--substream" && command.name == "load" && roomFlag()) {
      o.substream = static_cast<unsigned>(toUint(flag, value(), 0, 2));
    } else if (flag == "--simulcast-ssrc-group" && command.name == "videoroom") {
      o.simulcast = true;
      o.simulcast_ssrc_group = true;
    } else if (flag == "--peers" && echoLoadFlag()) {
      o.peers = static_cast<unsigned>(toUint(flag, value(), 1, 2000));
    } else if (flag == "--ramp" && echoLoadFlag()) {
      o.ramp_per_s = toDouble(flag, value(), 0.1, 1000);
    } else if (flag == "--loops" && (command.name == "load" || command.name == "videoroom")) {
      o.loops = static_cast<unsigned>(toUint(flag, value(), 1, 64));
    } else if (flag == "--scenario" && command.name == "load") {
      applyLoadScenarioFile(value(), o);
    } else if (flag == "--churn-rate" && echoLoadFlag()) {
      o.churn_per_s = toDouble(flag, value(), 0, 100);
    } else if (flag == "--churn-lifetime" && echoLoadFlag()) {
      o.churn_lifetime_s = toDouble(flag, value(), 0.5, 3600);
    } else if (flag == "--threads" && (command.name == "load" || command.name == "videoroom")) {
      o.threads = static_cast<unsigned>(toUint(flag, value(), 1, 64));
    } else if (flag == "--setup-threads" && echoLoadFlag()) {
      o.setup_threads = static_cast<unsigned>(toUint(flag, value(), 1, 256));
    } else if (flag == "--no-progress" && (command.name == "load" || command.name == "videoroom")) {
      o.progress = false;
    } else if (flag == "--log") {
      o.log_level = value();
    } else if (flag == "--echo-bitrate") {
      o.echo_bitrate = toUint(flag, value(), 1, 0xffffffffu);
    } else if (flag == "--drop-every") {
      o.drop_every = toUint(flag, value(), 2, 1'000'000);
    } else if (flag == "--bad-fingerprint") {
      o.bad_fingerprint = true;
    } else if (flag == "--dtls-close") {
      o.dtls_close = true;
    } else if (flag == "--teardown") {
      const std::string& mode = value();
      if (mode == "hangup")
        o.teardown = Teardown::Hangup;
      else if (mode == "detach")
        o.teardown = Teardown::Detach;
      else if (mode == "destroy")
        o.teardown = Teardown::Destroy;
      else if (mode == "close")
        o.teardown = Teardown::Close;
      else if (mode == "none")
        o.teardown = Teardown::None;
      else
        throw UsageError("--teardown: hangup, detach, destroy, close or none, got '" + mode + "'");
    } else {
      throw UsageError("unknown option '" + flag + "'");
    }
  }
  if (o.server.empty()) throw UsageError("--server URL is required");
  if (command.name == "load" && o.load_scenario == "echotest" && !roomFlagGiven.empty())
    throw UsageError(roomFlagGiven + ": applies to load scenarios webinar and meetings only");
  if (command.name == "load" && o.load_scenario != "echotest" && !echoFlagGiven.empty())
    throw UsageError(echoFlagGiven + ": applies to load scenario echotest only");
  if (command.name == "load" && o.load_scenario == "webinar" && (o.publishers != 1 || o.rooms != 1))
    throw UsageError("a webinar has one publisher in one room");
  if (command.name == "load" && o.simulcast && (!o.video || o.nack))
    throw UsageError("--simulcast: needs video and is not with --nack");
  if (command.name == "videoroom" && o.rooms > 1 &&
      (o.churn > 0 || o.switch_feed || o.publisher_leaves || o.renegotiate || o.simulcast))
    throw UsageError("--rooms: not with --churn, --switch, --publisher-leaves, --renegotiate or --simulcast");
  if (!o.audio && !o.video) throw UsageError("nothing to send: both --no-audio and --no-video");
  if (o.warmup_s >= o.duration_s) throw UsageError("--warmup must be shorter than --duration");
  if (o.transport.empty()) o.transport = o.server.starts_with("http://") ? "http" : "ws";
  return command;
}

}  // namespace portunus::lab
