#define BOOST_TEST_MODULE controlplane_core_registry
#include <boost/test/unit_test.hpp>
#include <set>
#include <tuple>
#include <vector>

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
  BOOST_TEST(h.addCandidate(trickleEntries(cand, false, false), clock.now()));
  auto media = std::make_unique<RecordingMedia>();
  auto* m = media.get();
  h.setMedia(std::move(media));
  BOOST_TEST(h.addCandidate(trickleEntries({{"completed", true}}, false, false), clock.now()));  // not ready yet
  m->ready = true;
  h.flushCandidates();
  BOOST_TEST(h.pendingCandidates() == 0u);
  BOOST_REQUIRE(m->got.size() == 2u);
  BOOST_TEST(m->got[0] == cand);
  BOOST_TEST(m->got[1] == (nlohmann::json{{"completed", true}}));
  BOOST_TEST(!h.addCandidate(trickleEntries(cand, false, true), clock.now()));  // ready: straight through
  BOOST_TEST(m->got.size() == 3u);
  BOOST_TEST(h.flags().allTrickles);
}

BOOST_AUTO_TEST_CASE(a_candidates_array_is_one_queued_entry) {
  portunus::plugins::EchoTestPlugin plugin;
  ManualClock clock;
  Handle h(1, 2, plugin, "", 0);
  const nlohmann::json cand = {{"candidate", "candidate:1 1 udp 1 198.18.0.2 5000 typ host"}, {"sdpMid", "0"}};
  const auto list = nlohmann::json::array({cand, cand, {{"completed", true}}});
  BOOST_TEST(h.addCandidate(trickleEntries(list, true, false), clock.now()));
  BOOST_TEST(h.pendingCandidates() == 1u);
  BOOST_TEST(!h.flags().allTrickles);  // not applied yet
  auto media = std::make_unique<RecordingMedia>();
  auto* m = media.get();
  m->ready = true;
  h.setMedia(std::move(media));
  h.flushCandidates();
  BOOST_TEST(h.pendingCandidates() == 0u);
  BOOST_TEST(m->got.size() == 3u);  // each candidate of the array reaches the PeerConnection
  BOOST_TEST(h.flags().allTrickles);
}

BOOST_AUTO_TEST_CASE(a_trickle_that_gives_nothing_is_still_one_queued_entry) {
  portunus::plugins::EchoTestPlugin plugin;
  ManualClock clock;
  Handle h(1, 2, plugin, "", 0);
  BOOST_TEST(h.addCandidate(trickleEntries(5, false, false), clock.now()));  // Janus queues it, then ignores it
  BOOST_TEST(h.pendingCandidates() == 1u);
  auto media = std::make_unique<RecordingMedia>();
  auto* m = media.get();
  m->ready = true;
  h.setMedia(std::move(media));
  h.flushCandidates();
  BOOST_TEST(m->got.empty());
  BOOST_TEST(!h.flags().allTrickles);
}

namespace {
const nlohmann::json kCand = {{"candidate", "candidate:1 1 udp 1 198.18.0.2 5000 typ host"}, {"sdpMid", "0"}};
const nlohmann::json kEnd = {{"completed", true}};
const nlohmann::json kNoMid = {{"candidate", "candidate:1 1 udp 1 198.18.0.2 5000 typ host"}};

struct TrickleCase {
  const char* name;
  nlohmann::json value;
  bool many;
  bool parsedNow;
  nlohmann::json entries;
};
}  // namespace

// What one trickle request gives the PeerConnection, as Janus 1.1.2's janus_ice_trickle_parse and its queue of early
// trickles take it.
BOOST_AUTO_TEST_CASE(trickle_entries_as_janus_takes_them) {
  using J = nlohmann::json;
  const std::vector<TrickleCase> cases = {
      {"object now", kCand, false, true, J::array({kCand})},
      {"object queued", kCand, false, false, J::array({kCand})},
      {"completed of any value ends", {{"completed", nullptr}}, false, true, J::array({kEnd})},
      {"completed false ends", {{"completed", false}}, false, false, J::array({kEnd})},
      {"completed with a candidate ends", {{"completed", "x"}, {"candidate", "a"}}, false, true, J::array({kEnd})},
      {"scalar now ends", 5, false, true, J::array({kEnd})},
      {"null now ends", nullptr, false, true, J::array({kEnd})},
      {"scalar queued is nothing", "x", false, false, J::array()},
      {"null queued is nothing", nullptr, false, false, J::array()},
      {"array as candidate now ends", J::array({kCand}), false, true, J::array({kEnd})},
      {"array as candidate queued is a list", J::array({kCand}), false, false, J::array({kCand})},
      {"list entries that are no object end", J::array({kCand, 5}), true, true, J::array({kCand, kEnd})},
      {"list entries Janus refuses are dropped", J::array({kNoMid, {{"sdpMid", 0}}, kCand}), true, false,
       J::array({kCand})},
      {"refused object queued is dropped", kNoMid, false, false, J::array()},
      {"empty list", J::array(), true, true, J::array()},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      BOOST_TEST(trickleEntries(c.value, c.many, c.parsedNow) == c.entries);
    }
  }
}

BOOST_AUTO_TEST_CASE(trickle_candidate_errors_in_janus_order) {
  using J = nlohmann::json;
  const std::vector<std::tuple<J, int, std::string>> cases = {
      {{{"sdpMid", 5}, {"sdpMLineIndex", -1}}, 467, "Trickle error: invalid element type (sdpMid should be a string)"},
      {{{"sdpMLineIndex", 0.5}, {"candidate", "a"}},
       467,
       "Trickle error: invalid element type (sdpMLineIndex should be a positive integer)"},
      {{{"candidate", "a"}}, 456, "Trickle error: missing mandatory element (sdpMid or sdpMLineIndex)"},
      {{{"sdpMLineIndex", 0}}, 456, "Trickle error: missing mandatory element (candidate)"},
      {{{"sdpMid", "0"}, {"candidate", nullptr}},
       467,
       "Trickle error: invalid element type (candidate should be a string)"},
  };
  for (const auto& [value, code, reason] : cases) {
    BOOST_TEST_CONTEXT(value.dump()) {
      const auto error = trickleCandidateError(value);
      BOOST_REQUIRE(error.has_value());
      BOOST_TEST(error->number() == code);
      BOOST_TEST(std::string(error->what()) == reason);
    }
  }
  BOOST_TEST(!trickleCandidateError(kCand).has_value());
  BOOST_TEST(!trickleCandidateError({{"completed", nullptr}}).has_value());
  BOOST_TEST(!trickleCandidateError(5).has_value());
}

BOOST_AUTO_TEST_CASE(queued_candidates_expire) {
  portunus::plugins::EchoTestPlugin plugin;
  ManualClock clock;
  Handle h(1, 2, plugin, "", 0);
  h.addCandidate(trickleEntries(kCand, false, false), clock.now());
  clock.advance(std::chrono::seconds(10));
  h.addCandidate(trickleEntries(kCand, false, false), clock.now());
  clock.advance(std::chrono::seconds(40));
  BOOST_TEST(h.expireCandidates(clock.now(), std::chrono::seconds(45)) == 1u);
  BOOST_TEST(h.pendingCandidates() == 1u);
}
