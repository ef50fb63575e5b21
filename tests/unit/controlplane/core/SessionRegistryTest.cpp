#define BOOST_TEST_MODULE controlplane_core_registry
#include <boost/test/unit_test.hpp>
#include <set>

#include "controlplane/core/JanusError.hpp"
#include "controlplane/core/SessionRegistry.hpp"
#include "controlplane/core/TokenStore.hpp"
#include "plugins/echotest/EchoTestPlugin.hpp"

using namespace portunus::cp;

BOOST_AUTO_TEST_CASE(ids_are_random_unique_and_below_2_53) {
  SessionRegistry reg(7);
  ManualClock clock;
  portunus::plugins::EchoTestPlugin plugin;
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto s = reg.create(clock.now());
    BOOST_TEST(s->id() < (std::uint64_t{1} << 53));
    BOOST_TEST(s->id() > 0u);
    BOOST_TEST(seen.insert(s->id()).second);
    auto h = reg.attach(*s, plugin, "", 0);
    BOOST_TEST(seen.insert(h->id()).second);
  }
  BOOST_TEST(reg.size() == 200u);
  BOOST_TEST(reg.handleCount() == 200u);
}

BOOST_AUTO_TEST_CASE(requested_ids_and_conflicts) {
  SessionRegistry reg;
  ManualClock clock;
  BOOST_TEST(reg.create(clock.now(), 12345)->id() == 12345u);
  try {
    reg.create(clock.now(), 12345);
    BOOST_FAIL("expected 468");
  } catch (const JanusError& e) {
    BOOST_TEST(e.number() == 468);
  }
}

BOOST_AUTO_TEST_CASE(detached_handles_stay_indexed_until_released) {
  SessionRegistry reg;
  ManualClock clock;
  portunus::plugins::EchoTestPlugin plugin;
  auto s = reg.create(clock.now());
  auto h = reg.attach(*s, plugin, "op", 1);
  const auto hid = h->id();
  BOOST_TEST(reg.detach(*s, hid) == h);
  BOOST_TEST(s->handle(hid) == nullptr);
  BOOST_TEST(reg.indexed(hid) == h);  // late plugin events still find it
  reg.release(hid);
  BOOST_TEST(reg.indexed(hid) == nullptr);
  BOOST_TEST(reg.detach(*s, hid) == nullptr);
  reg.attach(*s, plugin, "", 2);
  reg.erase(s->id());
  BOOST_TEST(reg.find(s->id()) == nullptr);
  BOOST_TEST(reg.handleCount() == 0u);
}

BOOST_AUTO_TEST_CASE(token_store) {
  TokenStore t;
  BOOST_TEST((t.add("a", {"p1", "p2", "p1"}) == std::vector<std::string>{"p1", "p2"}));
  BOOST_TEST(t.contains("a"));
  BOOST_TEST(t.allows("a", "p2"));
  BOOST_TEST(!t.allows("a", "p3"));
  BOOST_TEST(!t.allows("b", "p1"));
  BOOST_TEST((t.disallow("a", {"p1"}) == std::vector<std::string>{"p2"}));
  BOOST_TEST((t.allow("a", {"p3"}) == std::vector<std::string>{"p2", "p3"}));
  BOOST_CHECK_THROW(t.allow("zz", {"p1"}), JanusError);
  BOOST_TEST(t.list().size() == 1u);
  BOOST_TEST(t.remove("a"));
  BOOST_TEST(!t.remove("a"));
}

/** A PeerConnection stand-in that records what the handle hands it. */
class RecordingMedia final : public MediaHandler {
 public:
  bool readyForCandidates() const override { return ready; }
  void addRemoteCandidate(const nlohmann::json& c) override { got.push_back(c); }
  void hangup(std::string_view) override {}
  nlohmann::json info() const override { return {{"agent-created", 1}}; }
  bool ready = false;
  std::vector<nlohmann::json> got;
};

BOOST_AUTO_TEST_CASE(trickle_queue_waits_for_the_peerconnection) {
  portunus::plugins::EchoTestPlugin plugin;
  ManualClock clock;
  Handle h(1, 2, plugin, "", 0);
  const nlohmann::json cand = {{"candidate", "candidate:1 1 udp 1 198.18.0.2 5000 typ host"}, {"sdpMid", "0"}};
  BOOST_TEST(h.addCandidate(cand, clock.now()));
  auto media = std::make_unique<RecordingMedia>();
  auto* m = media.get();
  h.setMedia(std::move(media));
  BOOST_TEST(h.addCandidate(nullptr, clock.now()));  // not ready yet: still queued
  m->ready = true;
  h.flushCandidates();
  BOOST_TEST(h.pendingCandidates() == 0u);
  BOOST_REQUIRE(m->got.size() == 2u);
  BOOST_TEST(m->got[0] == cand);
  BOOST_TEST(m->got[1] == (nlohmann::json{{"completed", true}}));  // a null candidate means end-of-candidates
  BOOST_TEST(!h.addCandidate(cand, clock.now()));                  // ready: straight through
  BOOST_TEST(m->got.size() == 3u);
  BOOST_TEST(h.flags().allTrickles);
}

BOOST_AUTO_TEST_CASE(queued_candidates_expire) {
  portunus::plugins::EchoTestPlugin plugin;
  ManualClock clock;
  Handle h(1, 2, plugin, "", 0);
  h.addCandidate({{"candidate", "a"}}, clock.now());
  clock.advance(std::chrono::seconds(10));
  h.addCandidate({{"candidate", "b"}}, clock.now());
  clock.advance(std::chrono::seconds(40));
  BOOST_TEST(h.expireCandidates(clock.now(), std::chrono::seconds(45)) == 1u);
  BOOST_TEST(h.pendingCandidates() == 1u);
}
