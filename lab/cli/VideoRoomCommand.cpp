#include "lab/cli/VideoRoomCommand.hpp"

#include "common/log/Log.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/janus/JanusClient.hpp"

namespace portunus::lab {

namespace {

Json pluginData(const Json& message) {
  return message.value("plugindata", Json::object()).value("data", Json::object());
}

void expectNoPluginError(const Json& message, const char* what) {
  const Json data = pluginData(message);
  if (data.contains("error")) {
    throw std::runtime_error(std::string(what) + ": plugin error " + std::to_string(data.value("error_code", 0)) +
                             ": " + data["error"].get<std::string>());
  }
}

}  // namespace

EchoTestReport runVideoRoom(const EchoTestOptions& o) {
  EchoTestReport report;
  report.command = "videoroom";
  report.server = o.server;
  report.transport = o.transport;
  report.role = "answer (subscriber)";
  report.trickle = o.trickle == TrickleMode::Early ? "early" : o.trickle == TrickleMode::Normal ? "normal" : "none";
  report.duration_s = o.duration_s;
  report.min_ratio = o.min_ratio;

  ServerUrl url = ServerUrl::parse(o.server);
  cp::IceLoop loop("lab-ice");
  const cp::DtlsIdentity identity = cp::DtlsIdentity::generate("portunus-lab");
  JanusClient client(url);
  std::uint64_t session = 0, pubHandle = 0, subHandle = 0;
  std::unique_ptr<LabPeer> publisher, subscriber;
  LabPeerOptions po;
  po.audio = o.audio;
  po.video = o.video;
  po.video_bitrate_bps = o.video_bitrate_bps;
  po.video_fps = o.video_fps;
  po.srtp_profile = o.srtp_profile;
  po.trickle = o.trickle;
  po.ice_address = o.ice_address;
  try {
    client.connect();
    session = client.createSession();
    pubHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-pub");
    subHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-sub");
    publisher = std::make_unique<LabPeer>(client, session, pubHandle, loop, identity, po);
    subscriber = std::make_unique<LabPeer>(client, session, subHandle, loop, identity, po);
    client.setEventHandler([p = publisher.get(), s = subscriber.get()](const JanusEvent& e) {
      p->onJanusEvent(e);
      s->onJanusEvent(e);
    });
    const Json joined = publisher->offer({{"request", "joinandconfigure"},
                                          {"room", o.room},
                                          {"ptype", "publisher"},
                                          {"display", "portunus-lab"},
                                          {"audio", o.audio},
                                          {"video", o.video}});
    expectNoPluginError(joined, "publisher joinandconfigure");
    const auto feed = pluginData(joined).value("id", std::uint64_t{0});
    if (feed == 0) throw std::runtime_error("no publisher id in " + joined.dump());
    if (!publisher->waitForMediaPath(std::chrono::seconds(15)))
      throw std::runtime_error("publisher: " + publisher->failure());

    const Json attached = client.message(
        session, subHandle,
        {{"request", "join"}, {"room", o.room}, {"ptype", "subscriber"}, {"streams", {{{"feed", feed}}}}});
    expectNoPluginError(attached, "subscriber join");
    if (!attached.contains("jsep") || attached["jsep"].value("type", "") != "offer") {
      throw std::runtime_error("the server did not offer (reply: " + attached.dump() + ")");
    }
    const Json answer = subscriber->answer(attached["jsep"]);
    const Json started = client.message(session, subHandle, {{"request", "start"}}, answer);
    expectNoPluginError(started, "subscriber start");
    if (!subscriber->waitForMediaPath(std::chrono::seconds(15)))
      throw std::runtime_error("subscriber: " + subscriber->failure());
    publisher->runMedia(o.duration_s, o.warmup_s);
    report.failure = publisher->failure().empty() ? subscriber->failure() : publisher->failure();
  } catch (const std::exception& e) {
    report.failure = e.what();
  }
  if (subscriber && publisher) {
    if (auto p = subscriber->srtpProfile()) {
      report.srtp_profile = SrtpSession::opensslName(*p);
      report.dtls_role = subscriber->dtlsRole() == cp::DtlsRole::Client ? "client" : "server";
    }
    report.streams = subscriber->resultsFrom(*publisher);
    report.counters = subscriber->counters();
  }
  if (publisher) publisher->tearingDown();
  if (subscriber) subscriber->tearingDown();
  try {
    if (subHandle) client.detach(session, subHandle);
    if (pubHandle) client.detach(session, pubHandle);
    if (session) client.destroySession(session);
  } catch (const std::exception& e) {
    PLOG(Warn, "lab") << "teardown: " << e.what();
  }
  if (subscriber) report.events = subscriber->events();
  report.keepalives_sent = client.keepalivesSent();
  client.setEventHandler(nullptr);
  client.close();
  subscriber.reset();
  publisher.reset();
  return report;
}

}  // namespace portunus::lab
