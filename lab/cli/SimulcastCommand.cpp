#include "lab/cli/SimulcastCommand.hpp"

#include <atomic>
#include <random>
#include <sstream>
#include <thread>

#include "common/log/Log.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/cli/RoomRequests.hpp"
#include "lab/janus/JanusClient.hpp"
#include "lab/media/SimulcastSender.hpp"
#include "lab/media/SimulcastTrack.hpp"
#include "lab/peer/LabPeer.hpp"

namespace portunus::lab {

namespace {

/** The `substream` / `temporal` events among the peer's events from index `from` on. */
std::vector<Json> layerEvents(const LabPeer& peer, std::size_t from, std::size_t& to) {
  std::vector<Json> out;
  const auto events = peer.events();
  for (std::size_t i = from; i < events.size(); ++i) {
    if (!events[i].starts_with("event ")) continue;
    const Json data = Json::parse(events[i].substr(6), nullptr, false);
    if (data.is_object() && (data.contains("substream") || data.contains("temporal"))) out.push_back(data);
  }
  to = events.size();
  return out;
}

}  // namespace

std::vector<std::string> SimulcastReport::problems() const {
  std::vector<std::string> p;
  if (!failure.empty()) p.push_back(failure);
  for (const auto& ph : phases) {
    if (ph.settle_ms < 0) {
      p.push_back(ph.action + ": never received only substream " + std::to_string(ph.substream) +
                  " temporal <= " + std::to_string(ph.temporal));
    } else if (ph.settled_s < 0.3) {
      p.push_back(ph.action + ": settled for only " + std::to_string(ph.settled_s) + " s");
    }
  }
  if (!continuity.is_object()) return p;
  for (const char* key : {"unverified", "seq_gaps", "ts_backwards", "picture_id_jumps", "switch_without_keyframe"})
    if (continuity.value(key, 0) != 0) p.push_back(std::string(key) + ": " + std::to_string(continuity.value(key, 0)));
  if (continuity.value("ssrcs", 0) != 1) p.push_back("the subscriber saw " + continuity["ssrcs"].dump() + " SSRCs");
  return p;
}

nlohmann::json SimulcastReport::json() const {
  Json phasesJson = Json::array();
  for (const auto& ph : phases)
    phasesJson.push_back({{"action", ph.action},
                          {"substream", ph.substream},
                          {"temporal", ph.temporal},
                          {"settle_ms", ph.settle_ms},
                          {"settled_s", ph.settled_s},
                          {"keyframe_first", ph.keyframe_first},
                          {"layers", ph.layers},
                          {"tids", ph.tids},
                          {"events", ph.events}});
  return {{"command", "videoroom --simulcast"},
          {"server", server},
          {"form", form},
          {"failure", failure},
          {"phases", phasesJson},
          {"continuity", continuity},
          {"sent", sent},
          {"pli_in", pli_in},
          {"passed", passed()},
          {"problems", problems()}};
}

std::string SimulcastReport::text() const {
  std::ostringstream out;
  out << "videoroom simulcast (" << form << ") against " << server << "\n";
  for (const auto& ph : phases) {
    out << "  " << ph.action << ": want substream " << ph.substream << " temporal <= " << ph.temporal << ", settled "
        << (ph.settle_ms < 0 ? std::string("never") : std::to_string(static_cast<int>(ph.settle_ms)) + " ms")
        << (ph.keyframe_first ? " (keyframe)" : "") << ", layers " << ph.layers.dump() << ", tids " << ph.tids.dump()
        << ", events " << Json(ph.events).dump() << "\n";
  }
  out << "  continuity " << continuity.dump() << "\n  sent " << sent.dump() << ", PLI/FIR in " << pli_in << "\n";
  const auto p = problems();
  out << (p.empty() ? "PASS" : "FAIL") << "\n";
  for (const auto& reason : p)
    out << "  - " << reason << "\n";
  return out.str();
}

SimulcastReport runVideoRoomSimulcast(const EchoTestOptions& o) {
  SimulcastReport report;
  report.server = o.server;
  report.form = o.simulcast_ssrc_group ? "ssrc-group:SIM" : "rid";
  cp::IceLoop loop("lab-ice");
  const cp::DtlsIdentity identity = cp::DtlsIdentity::generate("portunus-lab");
  JanusClient client(ServerUrl::parse(o.server));
  std::uint64_t session = 0, pubHandle = 0, subHandle = 0;
  std::unique_ptr<LabPeer> publisher, subscriber;
  SimulcastTrack track;
  std::unique_ptr<SimulcastSender> sender;
  std::atomic<bool> stop{false};
  std::thread media;
  LabPeerOptions po = peerOptions(o);
  po.audio = false;
  po.video = true;
  try {
    client.connect();
    session = client.createSession();
    pubHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-simulcast-pub");
    subHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-simulcast-sub");
    const std::uint32_t seed = std::random_device{}();
    const auto layers = defaultSimulcastLayers(seed);
    LabPeerOptions ppo = po;
    ppo.simulcast = true;
    if (o.simulcast_ssrc_group) {
      for (const auto& l : layers)
        ppo.simulcast_ssrcs.push_back(l.ssrc);
    }
    publisher = std::make_unique<LabPeer>(client, session, pubHandle, loop, identity, ppo);
    subscriber = std::make_unique<LabPeer>(client, session, subHandle, loop, identity, po);
    subscriber->setRtpObserver(
        [&track](const std::uint8_t* rtp, std::size_t len, std::uint64_t now) { track.receive(rtp, len, now); });
    client.setEventHandler([p = publisher.get(), s = subscriber.get()](const JanusEvent& e) {
      p->onJanusEvent(e);
      s->onJanusEvent(e);
    });
    const Json joined = publisher->offer({{"request", "joinandconfigure"},
                                          {"room", o.room},
                                          {"ptype", "publisher"},
                                          {"display", "portunus-lab-simulcast"}});
    expectOk(joined, "publisher joinandconfigure");
    const Json feed = pluginData(joined).value("id", Json());
    if (feed.is_null()) throw std::runtime_error("no publisher id in " + joined.dump());
    if (!publisher->waitForMediaPath(std::chrono::seconds(15)))
      throw std::runtime_error("publisher: " + publisher->failure());

    // The publisher sends from now on, answering keyframe requests.
    SimulcastSenderConfig sc = simulcastSenderConfig(publisher->localMedia().front(), o.video_fps);
    sc.layers = layers;
    if (o.simulcast_ssrc_group) sc.announce_frames = 0;  // the SSRCs are in the SDP
    sender = std::make_unique<SimulcastSender>(sc, seed + 1);
    media = std::thread([&] {
      using Clock = std::chrono::steady_clock;
      auto due = Clock::now();
      std::uint64_t plis = 0;
      while (!stop) {
        std::this_thread::sleep_until(due);
        due += std::chrono::nanoseconds(sender->intervalNs());
        const auto c = publisher->counters();
        if (c.pli_in != plis) {
          plis = c.pli_in;
          sender->requestKeyframe();
        }
        sender->sendFrame([&](std::span<std::uint8_t> packet) { publisher->sendRtp(packet); });
      }
    });

    const Json attached =
        joinAndStart(client, session, subHandle, o.room, Json::array({{{"feed", feed}}}), *subscriber, "subscriber");
    const std::string mid = pluginData(attached).value("streams", Json::array()).empty()
                                ? "0"
                                : pluginData(attached)["streams"][0].value("mid", std::string("0"));

    // The phases: a configure (or the high layer stopping), then `dwell` of media.
    struct Step {
      std::string action;
      Json configure;  // null: none
      int substream, temporal;
      bool stopHigh = false;
    };
    const std::vector<Step> steps = {
        // A long fallback first: a publisher stalled by a busy machine must not look like a stopped layer.
        {"configure substream 2 temporal 2", {{"substream", 2}, {"temporal", 2}, {"fallback", 1000000}}, 2, 2},
        {"configure substream 0", {{"substream", 0}}, 0, 2},
        {"configure substream 1", {{"substream", 1}}, 1, 2},
        {"configure temporal 0", {{"temporal", 0}}, 1, 0},
        {"configure temporal 1", {{"temporal", 1}}, 1, 1},
        {"configure substream 2 temporal 2 fallback 500 ms",
         {{"substream", 2}, {"temporal", 2}, {"fallback", 500000}},
         2,
         2},
        {"the publisher stops layer h (fallback)", nullptr, 1, 2, true},
    };
    const auto dwell = std::chrono::milliseconds(static_cast<int>(1000 * std::max(1.0, o.duration_s)));
    std::size_t eventIndex = 0;
    layerEvents(*subscriber, 0, eventIndex);
    for (const auto& step : steps) {
      SimulcastPhase ph;
      ph.action = step.action;
      ph.substream = step.substream;
      ph.temporal = step.temporal;
      const std::uint64_t start = monotonicNowNs();
      if (step.stopHigh) sender->setLayerActive(2, false);
      if (!step.configure.is_null()) {
        Json body = {{"request", "configure"}, {"streams", {step.configure}}};
        body["streams"][0]["mid"] = mid;
        expectOk(client.message(session, subHandle, body), step.action);
      }
      std::this_thread::sleep_for(dwell);
      const std::uint64_t end = monotonicNowNs();
      const auto w = track.window(start, end);
      for (const auto& [layer, n] : w.layers)
        ph.layers[std::to_string(layer)] = n;
      for (const auto& [tid, n] : w.tids)
        ph.tids[std::to_string(tid)] = n;
      const std::uint64_t settled = track.settledAt(step.substream, step.temporal, start, end);
      if (settled) {
        ph.settle_ms = static_cast<double>(settled - start) / 1e6;
        ph.settled_s = static_cast<double>(end - settled) / 1e9;
        const std::uint64_t key = track.firstKeyframe(step.substream, start);
        ph.keyframe_first = key != 0 && key <= settled;
      }
      ph.events = layerEvents(*subscriber, eventIndex, eventIndex);
      report.phases.push_back(std::move(ph));
    }
    report.failure = publisher->failure().empty() ? subscriber->failure() : publisher->failure();
  } catch (const std::exception& e) {
    report.failure = e.what();
  }
  stop = true;
  if (media.joinable()) media.join();
  report.continuity = track.continuity();
  if (sender) {
    Json perLayer = Json::object();
    for (std::size_t l = 0; l < sender->config().layers.size(); ++l)
      perLayer[sender->config().layers[l].rid] = sender->packetsSent(l);
    report.sent = {{"packets", perLayer}, {"keyframes", sender->keyframesSent()}};
  }
  if (publisher) report.pli_in = publisher->counters().pli_in;
  endScenario(client, session, {publisher.get(), subscriber.get()}, {subHandle, pubHandle});
  client.setEventHandler(nullptr);
  client.close();
  subscriber.reset();
  publisher.reset();
  return report;
}

}  // namespace portunus::lab
