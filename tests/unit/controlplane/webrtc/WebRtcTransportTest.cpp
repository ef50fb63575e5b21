#define BOOST_TEST_MODULE controlplane_webrtc_transport
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <mutex>

#include "controlplane/webrtc/IceLoopPool.hpp"
#include "controlplane/webrtc/WebRtcTransport.hpp"

using namespace portunus::cp;
using namespace std::chrono_literals;

namespace {

/** One PeerConnection's transport and what it reported. Candidates trickle to `peer` as they come. */
struct Peer {
  DtlsIdentity identity = DtlsIdentity::generate();
  std::unique_ptr<WebRtcTransport> transport;
  Peer* peer = nullptr;

  std::mutex mutex;
  std::condition_variable changed;
  std::optional<IceSelectedPair> pair;
  std::optional<DtlsSrtpKeys> keys;
  std::vector<std::string> hangups;
  std::vector<std::string> media;
  bool gathered = false;

  ~Peer() { transport.reset(); }  // before the members its callbacks use

  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  template <typename F>
  void record(F update) {
    {
      std::lock_guard lock(mutex);
      update();
    }
    changed.notify_all();
  }

  void create(IceLoop& loop, bool controlling, IceAgentOptions ice = {}, DtlsTransportOptions dtls = {}) {
    WebRtcTransportOptions o;
    o.ice = ice;
    o.dtls = dtls;
    o.ice.controlling = controlling;
    WebRtcTransportCallbacks cb;
    cb.on_local_candidate = [this](const IceCandidate& c) {
      if (peer && peer->transport) peer->transport->addRemoteCandidate(c);
    };
    cb.on_gathering_done = [this] {
      record([&] { gathered = true; });
      if (peer && peer->transport) peer->transport->setRemoteEndOfCandidates();
    };
    cb.on_ready = [this](const IceSelectedPair& p, const DtlsSrtpKeys& k) {
      record([&] {
        pair = p;
        keys = k;
      });
    };
    cb.on_hangup = [this](const std::string& reason) { record([&] { hangups.push_back(reason); }); };
    cb.on_media = [this](const std::uint8_t* data, std::size_t len) {
      record([&] { media.emplace_back(reinterpret_cast<const char*>(data), len); });
    };
    transport = std::make_unique<WebRtcTransport>(loop, identity, o, cb);
  }

  WebRtcRemoteParameters remoteFor(DtlsRole role) const {
    WebRtcRemoteParameters r;
    r.ice_ufrag = peer->transport->localUfrag();
    r.ice_pwd = peer->transport->localPassword();
    r.fingerprint = peer->transport->localFingerprint();
    r.local_role = role;
    return r;
  }
};

/** Offerer A (controlling) and answerer B, on two loops of a pool. */
struct Call {
  IceLoopPool pool{2};
  Peer a, b;
  explicit Call(DtlsTransportOptions dtls = {}) {
    a.peer = &b;
    b.peer = &a;
    a.create(pool.loop(0), true, {}, dtls);
    b.create(pool.loop(1), false, {}, dtls);
  }
  ~Call() {
    // Unlink first, on each side's loop, so that no trickle reaches a transport being destroyed.
    pool.loop(0).runSync([this] { a.peer = nullptr; });
    pool.loop(1).runSync([this] { b.peer = nullptr; });
    a.transport.reset();
    b.transport.reset();
  }
  bool up() {
    return a.waitFor([](Peer& p) { return p.keys.has_value(); }) &&
           b.waitFor([](Peer& p) { return p.keys.has_value(); });
  }
};

void sendMedia(Peer& from, const std::string& text) {
  std::string packet = "\x80" + text;  // first byte of RTP
  from.transport->sendMedia(reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size());
}

}  // namespace

namespace portunus::cp {
std::ostream& operator<<(std::ostream& os, DtlsRole r) {
  return os << (r == DtlsRole::Client ? "active" : "passive");
}
}  // namespace portunus::cp

BOOST_DATA_TEST_CASE(a_call_comes_up_with_mirrored_pairs_and_keys,
                     boost::unit_test::data::make({DtlsRole::Client, DtlsRole::Server}), answerer_role) {
  Call call;
  call.a.transport->gather();
  call.b.transport->gather();
  const DtlsRole offerer_role = answerer_role == DtlsRole::Client ? DtlsRole::Server : DtlsRole::Client;
  call.b.transport->setRemote(call.b.remoteFor(answerer_role));
  call.a.transport->setRemote(call.a.remoteFor(offerer_role));
  BOOST_REQUIRE(call.up());
  BOOST_TEST(call.a.transport->ready());
  BOOST_TEST(call.a.pair->local_port == call.b.pair->remote_port);
  BOOST_TEST(call.a.pair->remote_port == call.b.pair->local_port);
  BOOST_TEST(call.a.keys->local.master_key == call.b.keys->remote.master_key);
  BOOST_TEST(call.a.keys->remote.master_salt == call.b.keys->local.master_salt);
  BOOST_TEST((*call.a.transport->dtlsState() == DtlsState::Connected));

  sendMedia(call.a, "from the offerer");
  sendMedia(call.b, "from the answerer");
  BOOST_REQUIRE(call.b.waitFor([](Peer& p) { return !p.media.empty(); }));
  BOOST_REQUIRE(call.a.waitFor([](Peer& p) { return !p.media.empty(); }));
  BOOST_TEST(call.b.media.front() ==
             "\x80"
             "from the offerer");
  BOOST_TEST(call.a.media.front() ==
             "\x80"
             "from the answerer");
  BOOST_TEST(call.a.hangups.empty());
  BOOST_TEST(call.b.hangups.empty());
}

BOOST_AUTO_TEST_CASE(early_dtls_from_the_peer_is_kept_until_the_remote_description) {
  // B's ICE knows A (credentials from A's offer) but its DTLS parameters arrive late: A's ClientHello must not be
  // lost in between (A's first retransmission comes only after two seconds here).
  DtlsTransportOptions slow_retransmit;
  slow_retransmit.initial_retransmit = 2s;
  Call call(slow_retransmit);
  call.a.transport->gather();
  call.b.transport->gather();
  call.b.transport->ice().setRemoteCredentials(call.a.transport->localUfrag(), call.a.transport->localPassword());
  auto slow = call.a.remoteFor(DtlsRole::Client);
  call.a.transport->setRemote(slow);  // A: active, starts its handshake as soon as ICE is up
  BOOST_REQUIRE(call.a.waitFor([](Peer& p) { return p.gathered; }));
  std::this_thread::sleep_for(300ms);
  const auto t0 = std::chrono::steady_clock::now();
  call.b.transport->setRemote(call.b.remoteFor(DtlsRole::Server));
  BOOST_REQUIRE(call.up());
  BOOST_TEST((std::chrono::steady_clock::now() - t0 < 1500ms));  // well before the first retransmission
}

BOOST_AUTO_TEST_CASE(closing_hangs_up_the_other_side_with_dtls_alert) {
  Call call;
  call.a.transport->gather();
  call.b.transport->gather();
  call.b.transport->setRemote(call.b.remoteFor(DtlsRole::Client));
  call.a.transport->setRemote(call.a.remoteFor(DtlsRole::Server));
  BOOST_REQUIRE(call.up());
  call.a.transport->close();
  BOOST_REQUIRE(call.b.waitFor([](Peer& p) { return !p.hangups.empty(); }));
  BOOST_TEST(call.b.hangups.front() == "DTLS alert");
  BOOST_TEST(!call.b.transport->ready());
  BOOST_TEST(call.a.hangups.empty());
}

BOOST_AUTO_TEST_CASE(a_wrong_fingerprint_hangs_up_and_never_comes_up) {
  Call call;
  call.a.transport->gather();
  call.b.transport->gather();
  auto wrong = call.b.remoteFor(DtlsRole::Client);
  wrong.fingerprint = DtlsIdentity::generate().fingerprintSha256();
  call.b.transport->setRemote(wrong);
  call.a.transport->setRemote(call.a.remoteFor(DtlsRole::Server));
  BOOST_REQUIRE(call.b.waitFor([](Peer& p) { return !p.hangups.empty(); }));
  BOOST_REQUIRE(call.a.waitFor([](Peer& p) { return !p.hangups.empty(); }));
  BOOST_TEST(call.b.hangups.front() == "DTLS fingerprint mismatch");
  BOOST_TEST(!call.a.keys.has_value());
  BOOST_TEST(!call.b.keys.has_value());
  BOOST_TEST(!call.a.transport->ready());
}

BOOST_AUTO_TEST_CASE(ice_failure_hangs_up_with_ice_failed) {
  IceLoopPool pool(1);
  Peer lonely, gone;
  IceAgentOptions fast;
  fast.stun_initial_timeout_ms = 50;
  fast.stun_max_retransmissions = 2;
  fast.idle_timeout_ms = 200;
  lonely.create(pool.loop(0), true, fast);  // no `peer`: nothing trickles anywhere
  gone.create(pool.loop(0), false);
  lonely.peer = &gone;
  const auto remote = lonely.remoteFor(DtlsRole::Client);
  lonely.peer = nullptr;
  gone.transport.reset();  // the peer disappears before answering a single check
  lonely.transport->gather();
  BOOST_REQUIRE(lonely.waitFor([](Peer& p) { return p.gathered; }));
  lonely.transport->setRemote(remote);
  lonely.transport->addRemoteCandidate(IceCandidate::parse("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host"));
  lonely.transport->setRemoteEndOfCandidates();
  BOOST_REQUIRE(lonely.waitFor([](Peer& p) { return !p.hangups.empty(); }));
  BOOST_TEST(lonely.hangups.front() == "ICE failed");
  BOOST_TEST(lonely.hangups.size() == 1u);
  BOOST_TEST(!lonely.transport->ready());
}
