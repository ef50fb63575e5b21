#define BOOST_TEST_MODULE controlplane_webrtc_ice_agent
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <future>
#include <stdexcept>
#include <thread>

#include "common/config/Config.hpp"
#include "controlplane/webrtc/IceAgent.hpp"
#include "controlplane/webrtc/IceLoopPool.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"
#include "tests/unit/controlplane/webrtc/IcePeers.hpp"

using namespace portunus::cp;
using namespace std::chrono_literals;
using test::IceEndpoint;

BOOST_AUTO_TEST_SUITE(ice_loop_pool)

BOOST_AUTO_TEST_CASE(loops_are_assigned_round_robin) {
  IceLoopPool pool(3);
  BOOST_TEST(pool.size() == 3u);
  IceLoop* first = &pool.next();
  IceLoop* second = &pool.next();
  IceLoop* third = &pool.next();
  BOOST_TEST(first != second);
  BOOST_TEST(second != third);
  BOOST_TEST(first != third);
  BOOST_TEST(&pool.next() == first);
  BOOST_TEST(IceLoopPool(0).size() == 1u);
}

BOOST_AUTO_TEST_CASE(posted_tasks_run_in_order_on_the_loop_thread) {
  IceLoopPool pool(1);
  IceLoop& loop = pool.loop(0);
  std::vector<int> order;
  std::atomic<bool> on_loop{true};
  for (int i = 0; i < 100; ++i)
    loop.post([&, i] {
      order.push_back(i);
      if (!loop.isCurrent()) on_loop = false;
    });
  loop.runSync([] {});
  BOOST_TEST(on_loop.load());
  BOOST_REQUIRE(order.size() == 100u);
  for (int i = 0; i < 100; ++i)
    BOOST_TEST(order[static_cast<std::size_t>(i)] == i);
  BOOST_TEST(!loop.isCurrent());
}

BOOST_AUTO_TEST_CASE(run_sync_rethrows_and_runs_inline_on_the_loop) {
  IceLoopPool pool(1);
  IceLoop& loop = pool.loop(0);
  BOOST_CHECK_THROW(loop.runSync([] { throw std::runtime_error("boom"); }), std::runtime_error);
  int depth = 0;
  loop.runSync([&] { loop.runSync([&] { depth = 2; }); });  // nested: inline, no deadlock
  BOOST_TEST(depth == 2);
}

BOOST_AUTO_TEST_CASE(timers_fire_once_and_can_be_cancelled) {
  IceLoopPool pool(1);
  IceLoop& loop = pool.loop(0);
  std::promise<std::chrono::steady_clock::time_point> fired;
  std::atomic<int> cancelled_fired{0};
  IceLoop::Timer timer(loop);
  IceLoop::Timer cancelled(loop);
  const auto start = std::chrono::steady_clock::now();
  loop.runSync([&] {
    timer.start(30ms, [&] { fired.set_value(std::chrono::steady_clock::now()); });
    cancelled.start(10ms, [&] { ++cancelled_fired; });
    cancelled.stop();
  });
  auto when = fired.get_future();
  BOOST_REQUIRE(when.wait_for(2s) == std::future_status::ready);
  BOOST_TEST((when.get() - start >= 30ms));
  std::this_thread::sleep_for(30ms);
  BOOST_TEST(cancelled_fired.load() == 0);
  loop.runSync([&] {
    BOOST_TEST(!timer.active());
    BOOST_TEST(!cancelled.active());
  });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ice_agent)

BOOST_AUTO_TEST_CASE(two_agents_connect_with_trickle_and_exchange_datagrams) {
  IceLoopPool pool(2);
  IceEndpoint a, b;
  BOOST_REQUIRE(
      test::connectPeers(a, b, pool.next(), pool.next(), test::loopbackOptions(true), test::loopbackOptions(false)));
  BOOST_TEST(&a.agent->loop() != &b.agent->loop());
  BOOST_TEST(!a.agent->localUfrag().empty());
  BOOST_TEST(a.agent->localUfrag() != b.agent->localUfrag());

  // The selected pairs mirror each other: A's local is B's remote.
  const auto pa = *a.agent->selectedPair();
  const auto pb = *b.agent->selectedPair();
  BOOST_TEST(pa.local_address == "127.0.0.1");
  BOOST_TEST(pa.remote_address == "127.0.0.1");
  BOOST_TEST(pa.local_port == pb.remote_port);
  BOOST_TEST(pa.remote_port == pb.local_port);

  // Gathered candidates are host candidates on the configured address, and they are what was advertised.
  const auto cands = a.agent->localCandidates();
  BOOST_REQUIRE(!cands.empty());
  for (const auto& c : cands) {
    BOOST_TEST(c.address == "127.0.0.1");
    BOOST_TEST((c.type == IceCandidate::Type::Host));
    BOOST_TEST(c.component == 1);
    BOOST_TEST((IceCandidate::parse(c.toString()) == c));
  }
  BOOST_TEST(a.agent->gatheringDone());

  const std::string ping = "ping from the controlling agent";
  const std::string pong = "pong from the controlled agent";
  BOOST_TEST(a.agent->send(reinterpret_cast<const std::uint8_t*>(ping.data()), ping.size()));
  BOOST_TEST(b.agent->send(reinterpret_cast<const std::uint8_t*>(pong.data()), pong.size()));
  BOOST_REQUIRE(b.waitFor([&](IceEndpoint& e) { return !e.received.empty(); }));
  BOOST_REQUIRE(a.waitFor([&](IceEndpoint& e) { return !e.received.empty(); }));
  BOOST_TEST(b.received.front() == ping);
  BOOST_TEST(a.received.front() == pong);
  BOOST_TEST(a.failures.empty());
  BOOST_TEST(b.failures.empty());
  // RFC 7675 consent checks are running on both (the default), and both are full agents.
  BOOST_TEST(a.agent->consentFreshnessActive());
  BOOST_TEST(b.agent->consentFreshnessActive());
  BOOST_TEST(a.agent->fullMode());
}

BOOST_AUTO_TEST_CASE(candidates_before_credentials_and_after_connect) {
  // B learns A's candidates only by trickle; A learns B's only from a later "SDP" (all at once, after the
  // credentials), covering both orders.
  IceLoopPool pool(2);
  IceEndpoint a, b;
  a.peer = &b;
  b.peer = &a;
  b.trickle = false;
  a.start(pool.loop(0), test::loopbackOptions(true));
  b.start(pool.loop(1), test::loopbackOptions(false));
  b.agent->gather();
  BOOST_REQUIRE(b.waitFor([](IceEndpoint& e) { return e.gathered; }));
  b.agent->setRemoteCredentials(a.agent->localUfrag(), a.agent->localPassword());
  a.agent->gather();  // trickles to B
  a.agent->setRemoteCredentials(b.agent->localUfrag(), b.agent->localPassword());
  for (const auto& c : b.agent->localCandidates())
    BOOST_TEST(a.agent->addRemoteCandidate(c));
  a.agent->setRemoteEndOfCandidates();
  BOOST_TEST(a.waitFor([](IceEndpoint& e) { return e.connected(); }));
  BOOST_TEST(b.waitFor([](IceEndpoint& e) { return e.connected(); }));
}

BOOST_AUTO_TEST_CASE(unusable_remote_candidates_are_refused) {
  IceLoopPool pool(1);
  IceEndpoint a;
  a.start(pool.loop(0), test::loopbackOptions(true));
  BOOST_TEST(
      !a.agent->addRemoteCandidate(IceCandidate::parse("candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype active")));
  BOOST_TEST(!a.agent->addRemoteCandidate(IceCandidate::parse("candidate:1 2 udp 1 127.0.0.1 9 typ host")));
  BOOST_TEST(!a.agent->addRemoteCandidate(IceCandidate::parse("candidate:1 1 udp 1 abc.local 9 typ host")));
  BOOST_TEST(a.agent->addRemoteCandidate(IceCandidate::parse("candidate:1 1 udp 1 127.0.0.1 9 typ host")));
}

BOOST_AUTO_TEST_CASE(ice_lite_answers_a_full_agent) {
  IceLoopPool pool(2);
  IceEndpoint full, lite;
  auto lite_options = test::loopbackOptions(true);  // asks to control; lite agents never do
  lite_options.ice_lite = true;
  BOOST_REQUIRE(test::connectPeers(full, lite, pool.loop(0), pool.loop(1), test::loopbackOptions(true), lite_options));
  BOOST_TEST(!lite.agent->options().controlling);
  BOOST_TEST(!lite.agent->fullMode());
  BOOST_TEST(full.agent->fullMode());
  const std::string hello = "over a lite pair";
  BOOST_TEST(full.agent->send(reinterpret_cast<const std::uint8_t*>(hello.data()), hello.size()));
  BOOST_REQUIRE(lite.waitFor([](IceEndpoint& e) { return !e.received.empty(); }));
  BOOST_TEST(lite.received.front() == hello);
}

BOOST_AUTO_TEST_CASE(two_full_agents_that_both_think_they_control_resolve_the_conflict) {
  // RFC 8445 §7.3.1.1 role conflict: libnice resolves it by tie-breaker; the pair still connects.
  IceLoopPool pool(2);
  IceEndpoint a, b;
  BOOST_TEST(
      test::connectPeers(a, b, pool.loop(0), pool.loop(1), test::loopbackOptions(true), test::loopbackOptions(true)));
}

BOOST_AUTO_TEST_CASE(consent_freshness_can_be_turned_off) {
  IceLoopPool pool(1);
  IceEndpoint a;
  auto o = test::loopbackOptions(true);
  o.consent_freshness = false;
  a.start(pool.loop(0), o);
  BOOST_TEST(!a.agent->consentFreshnessActive());
}

BOOST_AUTO_TEST_CASE(port_range_is_honoured) {
  IceLoopPool pool(2);
  // A narrow range away from the kernel's ephemeral ports, chosen per process so parallel runs do not collide.
  const auto lo = static_cast<std::uint16_t>(20000 + (getpid() % 500) * 20);
  const auto hi = static_cast<std::uint16_t>(lo + 9);
  IceEndpoint a, b;
  auto oa = test::loopbackOptions(true);
  oa.port_min = lo;
  oa.port_max = hi;
  auto ob = oa;
  ob.controlling = false;
  BOOST_REQUIRE(test::connectPeers(a, b, pool.loop(0), pool.loop(1), oa, ob));
  for (auto* e : {&a, &b}) {
    for (const auto& c : e->agent->localCandidates()) {
      BOOST_TEST(c.port >= lo);
      BOOST_TEST(c.port <= hi);
    }
    BOOST_TEST(e->agent->selectedPair()->local_port >= lo);
    BOOST_TEST(e->agent->selectedPair()->local_port <= hi);
  }
}

BOOST_AUTO_TEST_CASE(nat_1_1_mapping_rewrites_advertised_host_candidates) {
  IceLoopPool pool(1);
  IceEndpoint a;
  auto o = test::loopbackOptions(false);
  o.nat_1_1_mapping = {"2001:db8::7", "198.18.20.99", "198.18.20.98"};  // the IPv6 one does not apply to IPv4
  a.start(pool.loop(0), o);
  a.agent->gather();
  BOOST_REQUIRE(a.waitFor([](IceEndpoint& e) { return e.gathered; }));
  const auto cands = a.agent->localCandidates();
  BOOST_REQUIRE(cands.size() == 2u);
  BOOST_TEST(cands[0].address == "198.18.20.99");
  BOOST_TEST(cands[1].address == "198.18.20.98");
  BOOST_TEST(cands[0].port == cands[1].port);
  BOOST_TEST(cands[0].priority > cands[1].priority);
  for (const auto& c : a.candidates)
    BOOST_TEST(c.address != "127.0.0.1");  // never advertised
}

namespace {

/** A UDP socket on 127.0.0.1 that never answers: a peer that has gone away, without ICMP errors. */
struct SilentPeer {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  std::uint16_t port = 0;
  SilentPeer() {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len) != 0)
      throw std::runtime_error("cannot bind a UDP socket");
    port = ntohs(sa.sin_port);
  }
  ~SilentPeer() { close(fd); }
  IceCandidate candidate() const {
    return IceCandidate::parse("candidate:1 1 udp 2130706431 127.0.0.1 " + std::to_string(port) + " typ host");
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(an_unreachable_peer_fails_only_after_its_end_of_candidates) {
  IceLoopPool pool(1);
  SilentPeer silent;
  IceEndpoint a;
  auto o = test::loopbackOptions(true);
  o.stun_initial_timeout_ms = 50;
  o.stun_max_retransmissions = 3;
  o.idle_timeout_ms = 300;
  a.start(pool.loop(0), o);
  a.agent->gather();
  BOOST_REQUIRE(a.waitFor([](IceEndpoint& e) { return e.gathered; }));
  a.agent->setRemoteCredentials("peerufrag", "peerpasswordpeerpassword");
  BOOST_TEST(a.agent->addRemoteCandidate(silent.candidate()));
  // Trickle ICE: while more candidates may come, every check failing is not yet a failure (RFC 8838 §8).
  BOOST_TEST(!a.waitFor([](IceEndpoint& e) { return !e.failures.empty(); }, 1000ms));
  a.agent->setRemoteEndOfCandidates();
  BOOST_REQUIRE(a.waitFor([](IceEndpoint& e) { return !e.failures.empty(); }, 5s));
  BOOST_TEST(a.failures.size() == 1u);
  BOOST_TEST(a.failures.front() == "ICE failed");
  BOOST_TEST((a.agent->state() == IceState::Failed));
  BOOST_TEST(!a.agent->selectedPair().has_value());
}

BOOST_AUTO_TEST_CASE(options_follow_the_nat_section) {
  const auto cfg = portunus::config::loadConfigText(R"(
nat:
  ice_lite: true
  ice_consent_freshness: false
  rtp_port_range: 30000-30100
  nat_1_1_mapping: [198.18.20.10]
)");
  const IceAgentOptions o = iceAgentOptions(cfg.nat, true, "198.18.20.1");
  BOOST_TEST(o.ice_lite);
  BOOST_TEST(!o.consent_freshness);
  BOOST_TEST(o.gather_address == "198.18.20.1");  // nat.ice_address unset: the caller's (exception) address
  BOOST_TEST(o.port_min == 30000);
  BOOST_TEST(o.port_max == 30100);
  BOOST_TEST(o.nat_1_1_mapping.size() == 1u);
  const auto defaults = portunus::config::loadConfigText("nat: {ice_address: 127.0.0.1}");
  const IceAgentOptions d = iceAgentOptions(defaults.nat, false, "198.18.20.1");
  BOOST_TEST(d.gather_address == "127.0.0.1");
  BOOST_TEST(d.consent_freshness);
  BOOST_TEST(!d.ice_lite);
  BOOST_TEST(d.port_min == 0);
}

BOOST_AUTO_TEST_CASE(bad_options_are_rejected) {
  IceLoopPool pool(1);
  auto o = test::loopbackOptions(true);
  o.gather_address = "not-an-address";
  BOOST_CHECK_THROW(IceAgent(pool.loop(0), o, {}), WebRtcError);
  o = test::loopbackOptions(true);
  o.port_min = 5000;
  BOOST_CHECK_THROW(IceAgent(pool.loop(0), o, {}), WebRtcError);
}

BOOST_AUTO_TEST_SUITE_END()
