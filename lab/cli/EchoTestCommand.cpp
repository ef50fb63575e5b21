#include "lab/cli/EchoTestCommand.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "common/log/Log.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/janus/JanusClient.hpp"

namespace portunus::lab {

namespace {

const char* trickleName(TrickleMode mode) {
  switch (mode) {
    case TrickleMode::Early:
      return "early";
    case TrickleMode::Normal:
      return "normal";
    case TrickleMode::None:
      return "none";
  }
  return "?";
}

}  // namespace

EchoTestReport runEchoTest(const EchoTestOptions& o) {
  EchoTestReport report;
  report.server = o.server;
  report.transport = o.transport;
  report.role = o.role == PeerRole::Offer ? "offer" : "answer";
  report.trickle = trickleName(o.trickle);
  report.duration_s = o.duration_s;
  report.min_ratio = o.min_ratio;

  ServerUrl url = ServerUrl::parse(o.server);
  if ((o.transport == "http") != (url.scheme == ServerUrl::Scheme::Http)) {
    throw UsageError("--transport " + o.transport + " does not match the URL " + o.server);
  }
  cp::IceLoop loop("lab-ice");
  const cp::DtlsIdentity identity = cp::DtlsIdentity::generate("portunus-lab");
  JanusClient client(url);
  std::uint64_t session = 0, handle = 0;
  std::unique_ptr<LabPeer> peer;
  try {
    client.connect();
    session = client.createSession();
    std::mt19937 rng{std::random_device{}()};
    handle = client.attach(session, "janus.plugin.echotest", "echotest-portunus-lab-" + std::to_string(rng() % 100000));
    PLOG(Info, "lab") << "session " << session << " handle " << handle << " over " << client.transportName();
    LabPeerOptions po = peerOptions(o);
    po.drop_every = o.drop_every;
    po.bad_fingerprint = o.bad_fingerprint;
    peer = std::make_unique<LabPeer>(client, session, handle, loop, identity, po);
    client.setEventHandler([p = peer.get()](const JanusEvent& e) { p->onJanusEvent(e); });
    Json body = {{"audio", o.audio}, {"video", o.video}};
    if (o.echo_bitrate) body["bitrate"] = o.echo_bitrate;
    if (o.role == PeerRole::Offer) {
      peer->offer(body);
    } else {
      // A server that offers puts its JSEP on the reply to a request without one (e.g. a VideoRoom subscriber
      // join); EchoTest never does, so this path reports that clearly there.
      Json reply = client.message(session, handle, body);
      if (!reply.contains("jsep") || reply["jsep"].value("type", "") != "offer") {
        throw std::runtime_error("the server did not offer (reply: " + reply.dump() + ")");
      }
      Json answer = peer->answer(reply["jsep"]);
      client.message(session, handle, body, answer);
    }
    if (peer->waitForMediaPath(std::chrono::seconds(15))) {
      peer->runMedia(o.duration_s, o.warmup_s);
      if (o.dtls_close && !peer->closeDtls(std::chrono::seconds(10)))
        report.failure = "no hangup from the server after our DTLS close_notify";
    }
    if (report.failure.empty()) report.failure = peer->failure();
  } catch (const std::exception& e) {
    report.failure = e.what();
  }
  if (peer) {
    if (auto p = peer->srtpProfile()) {  // only once DTLS completed
      report.srtp_profile = SrtpSession::opensslName(*p);
      report.dtls_role = peer->dtlsRole() == cp::DtlsRole::Client ? "client" : "server";
    }
    report.streams = peer->results();
    report.counters = peer->counters();
  }
  // Teardown like janus.js (hangup, detach, destroy) or the part of it --teardown asks for; errors here only go to
  // the log. Close/None say nothing: the server must notice by itself (WebSocket close, session timeout).
  if (peer) peer->tearingDown();
  try {
    if (handle && o.teardown == Teardown::Hangup) {
      client.hangup(session, handle);
      // EchoTest answers a hangup with its `done` event, pushed after the reply: wait for it (at most 2 s) while the
      // handle still exists, or a slow long-poll loses it with the session.
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      auto done = [&] {
        const auto events = peer->events();
        return std::any_of(events.begin(), events.end(),
                           [](const std::string& e) { return e.find("\"result\":\"done\"") != std::string::npos; });
      };
      while (peer && !done() && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (handle && (o.teardown == Teardown::Hangup || o.teardown == Teardown::Detach)) client.detach(session, handle);
    if (session && o.teardown != Teardown::Close && o.teardown != Teardown::None) client.destroySession(session);
  } catch (const std::exception& e) {
    PLOG(Warn, "lab") << "teardown: " << e.what();
  }
  if (o.teardown != Teardown::Close && o.teardown != Teardown::None)
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the events that follow (hangup, detached)
  if (peer) report.events = peer->events();
  report.keepalives_sent = client.keepalivesSent();
  client.setEventHandler(nullptr);
  client.close();
  peer.reset();
  return report;
}

}  // namespace portunus::lab
