#include "lab/cli/VideoRoomCommand.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/log/Log.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/cli/RenegotiateScenario.hpp"
#include "lab/cli/RoomRequests.hpp"
#include "lab/janus/JanusClient.hpp"
#include "lab/load/MediaScheduler.hpp"

namespace portunus::lab {

namespace {

/** The peers the client's events go to (each keeps those of its own handle); peers come and go during a run. */
class PeerSet {
 public:
  void add(LabPeer* p) {
    std::lock_guard lock(mutex_);
    peers_.push_back(p);
  }
  void remove(LabPeer* p) {
    std::lock_guard lock(mutex_);
    peers_.erase(std::remove(peers_.begin(), peers_.end(), p), peers_.end());
  }
  void dispatch(const JanusEvent& e) {
    std::lock_guard lock(mutex_);
    for (auto* p : peers_)
      p->onJanusEvent(e);
  }

 private:
  std::mutex mutex_;
  std::vector<LabPeer*> peers_;
};

struct RoomPeer {
  std::uint64_t handle = 0;
  std::unique_ptr<LabPeer> peer;
  Json feed;  // publishers: their participant id
};

/** The publishers' media round: every publisher sends at once, paced by `o.threads` media threads (a
 *  MediaScheduler: event loops, not a thread per publisher); the subscribers' receivers (on the IceLoops) count what
 *  arrives. With `progress`, a line each second on stderr: publishers sending, pps out (what they send) and in (what
 *  the subscribers receive), and the loss against `fanout` copies of each packet sent. */
void runPublishers(const std::vector<RoomPeer*>& publishers, const std::vector<RoomPeer>& subscribers, double fanout,
                   const EchoTestOptions& o, bool progress) {
  using Clock = std::chrono::steady_clock;
  MediaScheduler scheduler(std::max(1u, o.threads));
  std::atomic<unsigned> done{0};
  unsigned started = 0;
  for (RoomPeer* p : publishers)
    if (p->peer) {
      scheduler.add(*p->peer, o.duration_s, o.warmup_s, [&done](bool) { ++done; });
      ++started;
    }
  const auto received = [&subscribers] {
    std::uint64_t in = 0;
    for (const auto& s : subscribers)
      in += s.peer->counters().srtp_in;
    return in;
  };
  const auto start = Clock::now();
  auto last = start;
  std::uint64_t lastIn = received(), lastOut = scheduler.packetsSent();
  while (done.load() < started) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!progress || Clock::now() - last < std::chrono::seconds(1)) continue;
    const std::uint64_t in = received(), out = scheduler.packetsSent();
    const double dt = std::chrono::duration<double>(Clock::now() - last).count();
    last = Clock::now();
    const double dIn = static_cast<double>(in - lastIn), expected = static_cast<double>(out - lastOut) * fanout;
    char loss[32] = "";
    if (fanout > 0)
      std::snprintf(loss, sizeof loss, ", loss %.2f %%",
                    expected > 0 ? std::max(0.0, 100.0 * (expected - dIn) / expected) : 0.0);
    std::fprintf(stderr, "[%6.1f s] publishers sending %u/%u, subscribers %zu, pps out %.0f in %.0f%s\n",
                 std::chrono::duration<double>(last - start).count(), scheduler.active(), started, subscribers.size(),
                 static_cast<double>(out - lastOut) / dt, dIn / dt, loss);
    lastIn = in;
    lastOut = out;
  }
  scheduler.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last packets through the room
}

/** A subscriber handle joined to `feeds` (all streams of each), answered and started. */
RoomPeer subscribe(JanusClient& client, std::uint64_t session, cp::IceLoop& loop, const cp::DtlsIdentity& identity,
                   const LabPeerOptions& po, PeerSet& set, std::uint64_t room, const Json& feeds,
                   const std::string& label) {
  RoomPeer sub;
  sub.handle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-" + label);
  sub.peer = std::make_unique<LabPeer>(client, session, sub.handle, loop, identity, po);
  set.add(sub.peer.get());
  Json streams = Json::array();
  for (const auto& f : feeds)
    streams.push_back({{"feed", f}});
  const Json attached = joinAndStart(client, session, sub.handle, room, streams, *sub.peer, label);
  if (po.simulcast_layer >= 0 && po.simulcast_layer != 2) {
    // Every video stream on the wanted layer (the default is the highest) before the publishers send.
    Json layers = Json::array();
    for (const auto& s : pluginData(attached).value("streams", Json::array()))
      if (s.value("type", "") == "video" && s.contains("mid"))
        layers.push_back({{"mid", s["mid"]}, {"substream", po.simulcast_layer}});
    if (!layers.empty())
      expectOk(client.message(session, sub.handle, {{"request", "configure"}, {"streams", layers}}),
               label + " configure substream");
  }
  return sub;
}

/** Subscribers: their own address if given (a link the network treats apart) and the keyframe requests. */
LabPeerOptions subscriberOptions(LabPeerOptions po, const EchoTestOptions& o) {
  if (!o.subscriber_address.empty()) po.ice_address = o.subscriber_address;
  po.pli_interval_ms = o.send_pli_ms;
  po.simulcast = false;
  po.simulcast_media = false;
  if (o.simulcast && o.load_scenario != "echotest") po.simulcast_layer = static_cast<int>(o.substream);
  return po;
}

void addCounters(PeerCounters& sum, const PeerCounters& c) {
  sum.pli_in += c.pli_in;
  sum.pli_in_other_ssrc += c.pli_in_other_ssrc;
  sum.pli_sent += c.pli_sent;
  sum.nack_in += c.nack_in;
  sum.rtx_sent += c.rtx_sent;
  sum.rtx_miss += c.rtx_miss;
  sum.nack_sent += c.nack_sent;
  sum.nack_packets_sent += c.nack_packets_sent;
  sum.send_failed += c.send_failed;
}

void collect(EchoTestReport& report, const RoomPeer& sub, const RoomPeer& pub, const std::string& label) {
  for (auto r : sub.peer->resultsFrom(*pub.peer)) {
    r.mid = label + "/" + r.mid;
    report.streams.push_back(std::move(r));
  }
}

EchoTestReport runVideoRoomScenario(const EchoTestOptions& o) {
  EchoTestReport report;
  report.command = o.load_scenario == "echotest" ? "videoroom" : "load " + o.load_scenario;
  report.server = o.server;
  report.transport = o.transport;
  report.role = (o.rooms > 1 || o.load_scenario == "meetings" ? std::to_string(o.rooms) + " room(s), each: "
                                                              : std::string("room: ")) +
                std::to_string(o.publishers) + " publisher(s), " + std::to_string(o.subscribers) +
                " subscriber(s), churn " + std::to_string(o.churn) +
                (o.simulcast ? ", simulcast (substream " + std::to_string(o.substream) + ")" : std::string());
  report.trickle = o.trickle == TrickleMode::Early ? "early" : o.trickle == TrickleMode::Normal ? "normal" : "none";
  report.duration_s = o.duration_s;
  report.min_ratio = o.min_ratio;

  ServerUrl url = ServerUrl::parse(o.server);
  // --loops IceLoops share the receive paths (a webinar's subscribers verify every packet): round robin.
  std::vector<std::unique_ptr<cp::IceLoop>> loops;
  for (unsigned i = 0; i < std::max(1u, o.loops); ++i)
    loops.push_back(std::make_unique<cp::IceLoop>(i == 0 ? "lab-ice" : "lab-ice" + std::to_string(i)));
  cp::IceLoop& loop = *loops.front();
  const cp::DtlsIdentity identity = cp::DtlsIdentity::generate("portunus-lab");
  JanusClient client(url);
  PeerSet set;
  std::uint64_t session = 0;
  // Room r's publishers are publishers[r * P, (r + 1) * P), its subscribers subscribers[r * S, (r + 1) * S).
  std::vector<RoomPeer> publishers, subscribers;
  // With --rooms R > 1 or a `meetings` load scenario: R rooms created for the run (destroyed at its end).
  const bool createRooms = o.rooms > 1 || o.load_scenario == "meetings";
  std::vector<std::uint64_t> rooms;
  std::uint64_t roomsHandle = 0;  // the handle that creates and destroys them
  LabPeerOptions po = peerOptions(o);
  if (o.simulcast && o.load_scenario != "echotest") {  // the simulcast media profile of the load scenarios
    po.simulcast = true;
    po.simulcast_media = true;
  }
  const LabPeerOptions spo = subscriberOptions(po, o);
  try {
    client.connect();
    session = client.createSession();
    client.setEventHandler([&set](const JanusEvent& e) { set.dispatch(e); });
    if (createRooms) {
      roomsHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-rooms");
      for (unsigned r = 0; r < o.rooms; ++r) {
        const Json created = client.message(session, roomsHandle,
                                            {{"request", "create"},
                                             {"publishers", std::max(o.publishers, 3u)},
                                             {"description", "portunus-lab meeting " + std::to_string(r)}});
        expectOk(created, "create room");
        const Json id = pluginData(created).value("room", Json());
        if (!id.is_number_unsigned()) throw std::runtime_error("no room id in " + created.dump());
        rooms.push_back(id.get<std::uint64_t>());
      }
    }
    const std::vector<std::uint64_t> roomIds = createRooms ? rooms : std::vector<std::uint64_t>{o.room};
    auto prefix = [&](std::size_t r) { return createRooms ? "r" + std::to_string(r) : std::string(); };
    for (std::size_t r = 0; r < roomIds.size(); ++r) {
      for (unsigned j = 0; j < o.publishers; ++j) {
        RoomPeer pub;
        LabPeerOptions ppo = po;
        ppo.stream_id_base = static_cast<std::uint32_t>(10 * (publishers.size() + 1));
        pub.handle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-pub");
        pub.peer = std::make_unique<LabPeer>(client, session, pub.handle, loop, identity, ppo);
        set.add(pub.peer.get());
        const Json joined = pub.peer->offer({{"request", "joinandconfigure"},
                                             {"room", roomIds[r]},
                                             {"ptype", "publisher"},
                                             {"display", "lab-pub-" + prefix(r) + std::to_string(j)}});
        expectOk(joined, "publisher joinandconfigure");
        pub.feed = pluginData(joined).value("id", Json());
        if (pub.feed.is_null()) throw std::runtime_error("no publisher id in " + joined.dump());
        if (!pub.peer->waitForMediaPath(std::chrono::seconds(15)))
          throw std::runtime_error("publisher " + prefix(r) + std::to_string(j) + ": " + pub.peer->failure());
        publishers.push_back(std::move(pub));
      }
    }
    for (std::size_t r = 0; r < roomIds.size(); ++r) {
      Json roomFeeds = Json::array();
      for (unsigned j = 0; j < o.publishers; ++j)
        roomFeeds.push_back(publishers[r * o.publishers + j].feed);
      for (unsigned i = 0; i < o.subscribers; ++i) {
        // With --switch, subscriber 0 starts on feed 0 alone and moves to feed 1 later.
        const Json feeds = o.switch_feed && i == 0 ? Json::array({publishers[0].feed}) : roomFeeds;
        subscribers.push_back(subscribe(client, session, *loops[(subscribers.size() + 1) % loops.size()], identity, spo,
                                        set, roomIds[r], feeds, prefix(r) + "sub" + std::to_string(i)));
      }
    }
    if (auto p = subscribers.front().peer->srtpProfile()) {
      report.srtp_profile = SrtpSession::opensslName(*p);
      report.dtls_role = subscribers.front().peer->dtlsRole() == cp::DtlsRole::Client ? "client" : "server";
    }

    std::vector<RoomPeer*> everyPublisher;
    for (auto& p : publishers)
      everyPublisher.push_back(&p);
    // Each packet a publisher sends goes to the S subscribers of its room (subscriber 0 of --switch: feed 0 only).
    // (Simulcast: each subscriber takes one layer of three, the line shows no loss; the report has it per layer.)
    runPublishers(everyPublisher, subscribers, o.simulcast ? 0.0 : static_cast<double>(o.subscribers), o, o.progress);
    for (std::size_t r = 0; r < roomIds.size(); ++r) {
      for (unsigned i = 0; i < o.subscribers; ++i) {
        for (unsigned j = 0; j < o.publishers; ++j) {
          if (o.switch_feed && i == 0 && j != 0) continue;
          collect(report, subscribers[r * o.subscribers + i], publishers[r * o.publishers + j],
                  prefix(r) + "s" + std::to_string(i) + "<-p" + std::to_string(j));
        }
      }
    }

    if (o.switch_feed && publishers.size() > 1) {
      // Subscriber 0's m-lines now carry feed 1 (same codecs): no renegotiation, the SSRCs it sees stay.
      Json changes = Json::array();
      for (const std::string kind : {"audio", "video"}) {
        if ((kind == "audio" && !o.audio) || (kind == "video" && !o.video)) continue;
        const std::string mid = kind == "audio" ? "0" : (o.audio ? "1" : "0");
        changes.push_back({{"feed", publishers[1].feed}, {"mid", mid}, {"sub_mid", mid}});
      }
      const Json switched =
          client.message(session, subscribers[0].handle, {{"request", "switch"}, {"streams", changes}});
      expectOk(switched, "switch");
      if (pluginData(switched).value("switched", "") != "ok") throw std::runtime_error("switch: " + switched.dump());
      report.events.push_back("switched: " + pluginData(switched).dump());
      // Only feeds 0 and 1 send in this round; what subscriber 0 gets from feed 1 is all new.
      runPublishers({&publishers[0], &publishers[1]}, subscribers, 0, o, false);
      collect(report, subscribers[0], publishers[1], "s0<-p1(switched)");
    }

    Json allFeeds = Json::array();  // (--churn runs in one room)
    for (const auto& p : publishers)
      allFeeds.push_back(p.feed);
    for (unsigned k = 0; k < o.churn; ++k) {
      RoomPeer c = subscribe(client, session, loop, identity, po, set, o.room, allFeeds, "churn" + std::to_string(k));
      c.peer->tearingDown();
      set.remove(c.peer.get());
      client.detach(session, c.handle);
    }

    if (o.publisher_leaves && publishers.size() > 1) {
      RoomPeer& last = publishers.back();
      last.peer->tearingDown();
      expectOk(client.message(session, last.handle, {{"request", "leave"}}), "publisher leave");
      // Every subscriber of that feed is told (`updated` with a new offer).
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      for (const auto& s : subscribers) {
        if (o.switch_feed && &s == &subscribers.front()) continue;
        bool updated = false;
        while (!updated && std::chrono::steady_clock::now() < deadline) {
          for (const auto& e : s.peer->events())
            if (e.find("\"videoroom\":\"updated\"") != std::string::npos) updated = true;
          if (!updated) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!updated) throw std::runtime_error("a subscriber got no `updated` after the publisher left");
      }
      report.events.push_back("publisher left: every subscriber updated");
    }
    for (const auto& p : publishers)
      if (report.failure.empty() && !p.peer->failure().empty()) report.failure = p.peer->failure();
    for (const auto& s : subscribers)
      if (report.failure.empty() && !s.peer->failure().empty()) report.failure = s.peer->failure();
  } catch (const std::exception& e) {
    report.failure = e.what();
  }
  for (auto& p : publishers) {
    p.peer->tearingDown();
    addCounters(report.publisher_counters, p.peer->counters());
  }
  for (auto& s : subscribers) {
    s.peer->tearingDown();
    const auto c = s.peer->counters();
    addCounters(report.counters, c);
    report.counters.srtp_in += c.srtp_in;
    report.counters.srtp_in_failed += c.srtp_in_failed;
    report.counters.srtcp_in += c.srtcp_in;
  }
  try {
    for (auto& s : subscribers)
      client.detach(session, s.handle);
    for (auto& p : publishers)
      client.detach(session, p.handle);
    for (const std::uint64_t room : rooms)
      expectOk(client.message(session, roomsHandle, {{"request", "destroy"}, {"room", room}}), "destroy room");
    if (roomsHandle) client.detach(session, roomsHandle);
    if (session) client.destroySession(session);
  } catch (const std::exception& e) {
    PLOG(Warn, "lab") << "teardown: " << e.what();
  }
  report.keepalives_sent = client.keepalivesSent();
  client.setEventHandler(nullptr);
  client.close();
  subscribers.clear();
  publishers.clear();
  return report;
}

}  // namespace

EchoTestReport runVideoRoom(const EchoTestOptions& o) {
  if (o.renegotiate) return runRenegotiation(o);
  if (o.publishers > 1 || o.subscribers > 1 || o.rooms > 1 || o.churn > 0 || o.switch_feed || o.publisher_leaves ||
      o.load_scenario != "echotest")
    return runVideoRoomScenario(o);
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
  LabPeerOptions po = peerOptions(o);
  try {
    client.connect();
    session = client.createSession();
    pubHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-pub");
    subHandle = client.attach(session, "janus.plugin.videoroom", "videoroom-portunus-lab-sub");
    publisher = std::make_unique<LabPeer>(client, session, pubHandle, loop, identity, po);
    subscriber = std::make_unique<LabPeer>(client, session, subHandle, loop, identity, subscriberOptions(po, o));
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
    expectOk(joined, "publisher joinandconfigure");
    const auto feed = pluginData(joined).value("id", std::uint64_t{0});
    if (feed == 0) throw std::runtime_error("no publisher id in " + joined.dump());
    if (!publisher->waitForMediaPath(std::chrono::seconds(15)))
      throw std::runtime_error("publisher: " + publisher->failure());

    joinAndStart(client, session, subHandle, o.room, Json::array({{{"feed", feed}}}), *subscriber, "subscriber");
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
    report.publisher_counters = publisher->counters();
  }
  endScenario(client, session, {publisher.get(), subscriber.get()}, {subHandle, pubHandle});
  if (subscriber) report.events = subscriber->events();
  report.keepalives_sent = client.keepalivesSent();
  client.setEventHandler(nullptr);
  client.close();
  subscriber.reset();
  publisher.reset();
  return report;
}

}  // namespace portunus::lab
