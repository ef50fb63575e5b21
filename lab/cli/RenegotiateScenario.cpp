#include "lab/cli/RenegotiateScenario.hpp"

#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/log/Log.hpp"
#include "common/sdp/SdpParser.hpp"
#include "controlplane/webrtc/IceLoop.hpp"
#include "lab/cli/RoomRequests.hpp"
#include "lab/janus/JanusClient.hpp"

namespace portunus::lab {
namespace {

struct Feed {
  std::string name;
  std::uint64_t handle = 0;
  std::unique_ptr<LabPeer> peer;
  Json id;
};

/** The m-lines of an SDP: mid -> port (0: rejected). */
/** Each m-line as "mid#ssrc", with ":0" when rejected (port 0) and ":inactive" when it carries nothing. */
std::vector<std::string> mlines(const std::string& sdpText) {
  std::vector<std::string> out;
  const sdp::SessionDescription d = sdp::parseSdp(sdpText);
  for (const auto& m : d.media) {
    std::string line = m.mid.value_or("") + (m.ssrcs.empty() ? "" : "#" + std::to_string(m.ssrcs.front().ssrc));
    if (m.port == 0) {
      line += ":0";
    } else if (m.effectiveDirection() == sdp::Direction::Inactive) {
      line += ":inactive";
    }
    out.push_back(std::move(line));
  }
  return out;
}

class Scenario {
 public:
  explicit Scenario(const EchoTestOptions& o) : o_(o), client_(ServerUrl::parse(o.server)) {}

  EchoTestReport run() {
    report_.command = "videoroom";
    report_.server = o_.server;
    report_.transport = o_.transport;
    report_.role = "renegotiation: 3 publishers, 1 subscriber (unsubscribe, subscribe, update)";
    report_.trickle = o_.trickle == TrickleMode::Early    ? "early"
                      : o_.trickle == TrickleMode::Normal ? "normal"
                                                          : "none";
    report_.duration_s = o_.duration_s;
    report_.min_ratio = o_.min_ratio;
    try {
      client_.connect();
      session_ = client_.createSession();
      client_.setEventHandler([this](const JanusEvent& e) {
        std::lock_guard lock(peersMutex_);
        for (auto* p : peers_)
          p->onJanusEvent(e);
      });
      scenario();
    } catch (const std::exception& e) {
      report_.failure = e.what();
    }
    teardown();
    return report_;
  }

 private:
  void scenario() {
    for (const char* name : {"A", "B", "C"})
      feeds_.push_back(publish(name, static_cast<std::uint32_t>(10 * (feeds_.size() + 1))));
    Feed& a = feeds_[0];
    Feed& b = feeds_[1];
    Feed& c = feeds_[2];
    // A publisher whose PeerConnection is up cannot `publish` again (Janus checks the PeerConnection): 434.
    const Json again = pluginData(client_.message(session_, a.handle, {{"request", "publish"}}));
    report_.events.push_back("publish again: " + std::to_string(again.value("error_code", 0)) + " " +
                             again.value("error", std::string()));

    subHandle_ = client_.attach(session_, "janus.plugin.videoroom", "portunus-lab-renegotiate-sub");
    sub_ = std::make_unique<LabPeer>(client_, session_, subHandle_, loop_, identity_, peerOptions(o_));
    addPeer(sub_.get());
    const Json attached = joinAndStart(client_, session_, subHandle_, o_.room,
                                       Json::array({{{"feed", a.id}}, {{"feed", b.id}}}), *sub_, "subscriber");
    firstOffer_ = attached["jsep"].value("sdp", "");
    if (auto p = sub_->srtpProfile()) report_.srtp_profile = SrtpSession::opensslName(*p);
    report_.dtls_role = sub_->dtlsRole() == cp::DtlsRole::Client ? "client" : "server";
    hold("joined");
    round("joined", {&a, &b}, {&c});

    change("unsubscribe", {{"request", "unsubscribe"}, {"streams", {{{"feed", a.id}}}}});
    hold("unsubscribed");
    round("unsubscribed", {&b}, {&a, &c});

    change("subscribe", {{"request", "subscribe"}, {"streams", {{{"feed", c.id}}}}});
    hold("subscribed");
    round("subscribed", {&b, &c}, {&a});

    change("update", {{"request", "update"}, {"subscribe", {{{"feed", a.id}}}}, {"unsubscribe", {{{"feed", c.id}}}}});
    hold("updated");
    round("updated", {&a, &b}, {&c});
    const auto counters = sub_->counters();
    report_.counters = counters;
  }

  Feed publish(const std::string& name, std::uint32_t streamIdBase) {
    Feed f;
    f.name = name;
    LabPeerOptions po = peerOptions(o_);
    po.stream_id_base = streamIdBase;
    f.handle = client_.attach(session_, "janus.plugin.videoroom", "portunus-lab-renegotiate-pub");
    f.peer = std::make_unique<LabPeer>(client_, session_, f.handle, loop_, identity_, po);
    addPeer(f.peer.get());
    const Json joined = expectOk(
        f.peer->offer({{"request", "joinandconfigure"}, {"room", o_.room}, {"ptype", "publisher"}, {"display", name}}),
        "publisher " + name);
    f.id = pluginData(joined).value("id", Json());
    if (f.id.is_null()) throw std::runtime_error("no publisher id in " + joined.dump());
    if (!f.peer->waitForMediaPath(std::chrono::seconds(15)))
      throw std::runtime_error("publisher " + name + ": " + f.peer->failure());
    return f;
  }

  /** One subscription change: `updated` with an offer (same ICE/DTLS, stable mids: LabPeer checks), answered. */
  void change(const std::string& what, const Json& body) {
    const auto before = mlines(sub_->remoteSdp());
    const Json reply = expectOk(client_.message(session_, subHandle_, body), what);
    const Json data = pluginData(reply);
    if (data.value("videoroom", "") != "updated") throw std::runtime_error(what + ": no `updated`: " + reply.dump());
    if (!reply.contains("jsep") || reply["jsep"].value("type", "") != "offer")
      throw std::runtime_error(what + ": `updated` without a new offer: " + reply.dump());
    const Json answer = sub_->answer(reply["jsep"]);  // throws on an ICE restart, new fingerprint or moved mid
    const auto after = mlines(sub_->remoteSdp());
    std::string lines;
    for (const auto& m : after)
      lines += " " + m;
    report_.events.push_back(what + ": updated, m-lines" + lines + " (were " + std::to_string(before.size()) + ")");
    expectOk(client_.message(session_, subHandle_, {{"request", "start"}}, answer), what + " start");
    // The new m-lines' first packets follow the answer: give the dataplane's new routes a moment before media.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }

  /** Packets of `source`'s streams that reached the subscriber so far. The lab's payload sequence restarts with
   *  each media round, so a later round's packets are counted as repeats of the first round's: unique plus repeated
   *  ones is what arrived (a round that delivered more than it sent would show as received > sent). */
  std::vector<std::uint64_t> arrivedFrom(const Feed& source) const {
    std::vector<std::uint64_t> out;
    for (const auto& r : sub_->resultsFrom(*source.peer))
      out.push_back(r.report.received + r.report.duplicates);
    return out;
  }

  /** Every publisher sends; the subscriber must get all of `expected`'s packets of this round and none of `absent`'s.
   */
  void round(const std::string& phase, std::vector<Feed*> expected, std::vector<Feed*> absent) {
    std::map<const Feed*, std::vector<std::uint64_t>> before;
    for (const auto& f : feeds_)
      before[&f] = arrivedFrom(f);
    std::vector<std::thread> threads;
    for (auto& f : feeds_)
      threads.emplace_back([&f, this] { f.peer->runMedia(o_.duration_s, o_.warmup_s, 0.3); });
    for (auto& t : threads)
      t.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto delta = [&](const Feed* f, std::size_t i, const std::vector<std::uint64_t>& now) {
      const std::uint64_t was = i < before[f].size() ? before[f][i] : 0;
      return now[i] - was;
    };
    for (const Feed* f : expected) {
      const auto results = sub_->resultsFrom(*f->peer);
      const auto now = arrivedFrom(*f);
      for (std::size_t i = 0; i < results.size(); ++i) {
        StreamResult r = results[i];
        r.mid = phase + "/" + f->name + "/" + r.mid;
        r.report.received = delta(f, i, now);
        r.report.duplicates = 0;
        r.report.lost = r.report.sent > r.report.received ? r.report.sent - r.report.received : 0;
        r.report.measured_sent = r.report.sent;
        r.report.measured_received = r.report.received;
        report_.streams.push_back(std::move(r));
      }
    }
    for (const Feed* f : absent) {
      const auto now = arrivedFrom(*f);
      for (std::size_t i = 0; i < now.size(); ++i) {
        if (const std::uint64_t got = delta(f, i, now); got != 0)
          throw std::runtime_error(phase + ": received " + std::to_string(got) + " packets of feed " + f->name +
                                   " it does not subscribe to");
      }
    }
    report_.events.push_back(phase + ": media round verified");
  }

  void hold(const std::string& phase) {
    if (!o_.hold) return;
    std::cout << "hold " << phase << std::endl;
    std::string line;
    std::getline(std::cin, line);
  }

  void addPeer(LabPeer* p) {
    std::lock_guard lock(peersMutex_);
    peers_.push_back(p);
  }

  void teardown() {
    for (auto& f : feeds_)
      f.peer->tearingDown();
    if (sub_) sub_->tearingDown();
    try {
      if (subHandle_) client_.detach(session_, subHandle_);
      for (auto& f : feeds_)
        client_.detach(session_, f.handle);
      if (session_) client_.destroySession(session_);
    } catch (const std::exception& e) {
      PLOG(Warn, "lab") << "teardown: " << e.what();
    }
    report_.keepalives_sent = client_.keepalivesSent();
    client_.setEventHandler(nullptr);
    client_.close();
    sub_.reset();
    feeds_.clear();
  }

  const EchoTestOptions& o_;
  EchoTestReport report_;
  cp::IceLoop loop_{"lab-ice"};
  const cp::DtlsIdentity identity_ = cp::DtlsIdentity::generate("portunus-lab");
  JanusClient client_;
  std::uint64_t session_ = 0;
  std::mutex peersMutex_;
  std::vector<LabPeer*> peers_;
  std::vector<Feed> feeds_;
  std::uint64_t subHandle_ = 0;
  std::unique_ptr<LabPeer> sub_;
  std::string firstOffer_;
};

}  // namespace

EchoTestReport runRenegotiation(const EchoTestOptions& options) {
  return Scenario(options).run();
}

}  // namespace portunus::lab
