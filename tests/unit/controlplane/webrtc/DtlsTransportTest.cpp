#define BOOST_TEST_MODULE controlplane_webrtc_dtls_transport
#include <srtp2/srtp.h>

#include <atomic>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <random>

#include "controlplane/webrtc/DtlsTransport.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"
#include "tests/unit/controlplane/webrtc/IcePeers.hpp"

using namespace portunus::cp;
using namespace std::chrono_literals;
using portunus::dp::SrtpKeyMaterial;
using portunus::dp::SrtpProfile;

namespace {

/** One PeerConnection's transport half: a connected ICE agent with a DTLS transport on top. */
struct Side {
  test::IceEndpoint ice;
  std::atomic<DtlsTransport*> sink{nullptr};  // where the agent's datagrams go
  std::unique_ptr<DtlsTransport> dtls;

  std::mutex mutex;
  std::condition_variable changed;
  std::optional<DtlsSrtpKeys> keys;
  std::vector<std::string> failures;
  std::vector<std::string> closes;

  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return pred(*this); });
  }
  bool connected() const { return keys.has_value(); }
  bool finished() const { return keys.has_value() || !failures.empty(); }

  DtlsTransportCallbacks callbacks() {
    DtlsTransportCallbacks cb;
    cb.send = [this](const std::uint8_t* data, std::size_t len) { return ice.agent->send(data, len); };
    cb.on_connected = [this](const DtlsSrtpKeys& k) { record([&] { keys = k; }); };
    cb.on_failed = [this](const std::string& reason) { record([&] { failures.push_back(reason); }); };
    cb.on_closed = [this](const std::string& reason) { record([&] { closes.push_back(reason); }); };
    return cb;
  }
  template <typename F>
  void record(F update) {
    {
      std::lock_guard lock(mutex);
      update();
    }
    changed.notify_all();
  }
};

/** Two connected ICE agents on two loops, and a DTLS transport on each. */
struct DtlsPair {
  IceLoopPool pool{2};
  DtlsIdentity id_a = DtlsIdentity::generate();
  DtlsIdentity id_b = DtlsIdentity::generate();
  Side a, b;

  DtlsPair() {
    for (Side* s : {&a, &b})
      s->ice.on_data = [s](const std::uint8_t* data, std::size_t len) {
        if (auto* t = s->sink.load()) t->receive(data, len);
      };
    if (!test::connectPeers(a.ice, b.ice, pool.loop(0), pool.loop(1), test::loopbackOptions(true),
                            test::loopbackOptions(false)))
      throw std::runtime_error("ICE did not connect");
  }
  ~DtlsPair() {
    a.sink = nullptr;
    b.sink = nullptr;
    a.dtls.reset();
    b.dtls.reset();
    a.ice.agent.reset();
    b.ice.agent.reset();
  }

  /** Creates both transports; fingerprints default to the other side's real one. */
  void create(DtlsTransportOptions oa, DtlsTransportOptions ob) {
    if (oa.remote_fingerprint.empty()) oa.remote_fingerprint = id_b.fingerprintSha256();
    if (ob.remote_fingerprint.empty()) ob.remote_fingerprint = id_a.fingerprintSha256();
    a.dtls = std::make_unique<DtlsTransport>(pool.loop(0), id_a, std::move(oa), a.callbacks());
    b.dtls = std::make_unique<DtlsTransport>(pool.loop(1), id_b, std::move(ob), b.callbacks());
    a.sink = a.dtls.get();
    b.sink = b.dtls.get();
  }
  void start() {
    b.dtls->start();
    a.dtls->start();
  }
  bool bothConnected() {
    return a.waitFor([](Side& s) { return s.finished(); }) && b.waitFor([](Side& s) { return s.finished(); }) &&
           a.connected() && b.connected();
  }
};

DtlsTransportOptions roleOptions(DtlsRole role, std::vector<SrtpProfile> profiles = {}) {
  DtlsTransportOptions o;
  o.role = role;
  if (!profiles.empty()) o.srtp_profiles = std::move(profiles);
  return o;
}

bool sameKey(const SrtpKeyMaterial& x, const SrtpKeyMaterial& y) {
  return x.profile == y.profile && x.master_key == y.master_key && x.master_salt == y.master_salt;
}

bool nonZero(const SrtpKeyMaterial& k) {
  for (auto byte : k.master_key)
    if (byte) return true;
  return false;
}

void expectCrosswiseKeys(const Side& a, const Side& b) {
  BOOST_REQUIRE(a.keys && b.keys);
  BOOST_TEST(sameKey(a.keys->local, b.keys->remote));
  BOOST_TEST(sameKey(a.keys->remote, b.keys->local));
  BOOST_TEST(!sameKey(a.keys->local, a.keys->remote));
  BOOST_TEST(nonZero(a.keys->local));
  BOOST_TEST(nonZero(a.keys->remote));
}

const SrtpProfile kAllProfiles[] = {SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm,
                                    SrtpProfile::Aes128CmSha1_80, SrtpProfile::Aes128CmSha1_32};

}  // namespace

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, SrtpProfile p) {
  return os << srtpProfileInfo(p).openssl_name;
}
}  // namespace portunus::dp
namespace portunus::cp {
std::ostream& operator<<(std::ostream& os, DtlsRole r) {
  return os << (r == DtlsRole::Client ? "client" : "server");
}
}  // namespace portunus::cp

BOOST_AUTO_TEST_SUITE(handshake)

BOOST_DATA_TEST_CASE(completes_in_both_role_assignments,
                     boost::unit_test::data::make({DtlsRole::Client, DtlsRole::Server}), a_role) {
  DtlsPair pair;
  const DtlsRole b_role = a_role == DtlsRole::Client ? DtlsRole::Server : DtlsRole::Client;
  pair.create(roleOptions(a_role), roleOptions(b_role));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  expectCrosswiseKeys(pair.a, pair.b);
  BOOST_TEST(pair.a.failures.empty());
  BOOST_TEST(pair.b.failures.empty());
  BOOST_TEST((pair.a.dtls->state() == DtlsState::Connected));
  // Both offer everything: GCM-128 is first in both lists.
  BOOST_TEST((pair.a.keys->local.profile == SrtpProfile::AeadAes128Gcm));
  BOOST_TEST((*pair.b.dtls->srtpProfile() == SrtpProfile::AeadAes128Gcm));
  BOOST_TEST(pair.a.dtls->stats().datagrams_out > 0u);
  BOOST_TEST(pair.a.dtls->stats().datagrams_in > 0u);
}

BOOST_DATA_TEST_CASE(each_profile_can_be_forced, boost::unit_test::data::make(kAllProfiles), profile) {
  DtlsPair pair;
  pair.create(roleOptions(DtlsRole::Client, {profile}), roleOptions(DtlsRole::Server, {profile}));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  BOOST_TEST((pair.a.keys->local.profile == profile));
  BOOST_TEST((pair.b.keys->local.profile == profile));
  expectCrosswiseKeys(pair.a, pair.b);
}

struct Preference {
  std::vector<SrtpProfile> client;
  std::vector<SrtpProfile> server;
  SrtpProfile expected;
};
std::ostream& operator<<(std::ostream& os, const Preference& p) {
  return os << "expect " << p.expected;
}

// The DTLS server chooses (RFC 5764 §4.1.1). OpenSSL's server takes the profile highest in *its own* list among
// those the client offers, so our server's GCM-first list makes GCM win over a CM-first browser offer.
const Preference kPreferences[] = {
    {{SrtpProfile::Aes128CmSha1_80, SrtpProfile::Aes128CmSha1_32, SrtpProfile::AeadAes128Gcm,
      SrtpProfile::AeadAes256Gcm},
     {SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm, SrtpProfile::Aes128CmSha1_80,
      SrtpProfile::Aes128CmSha1_32},
     SrtpProfile::AeadAes128Gcm},
    {{SrtpProfile::Aes128CmSha1_80, SrtpProfile::AeadAes256Gcm},
     {SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm, SrtpProfile::Aes128CmSha1_80,
      SrtpProfile::Aes128CmSha1_32},
     SrtpProfile::AeadAes256Gcm},
    // Chromium as server offers CM first; as its client we still get what the server picks.
    {{SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm, SrtpProfile::Aes128CmSha1_80,
      SrtpProfile::Aes128CmSha1_32},
     {SrtpProfile::Aes128CmSha1_80, SrtpProfile::AeadAes128Gcm},
     SrtpProfile::Aes128CmSha1_80},
    {{SrtpProfile::Aes128CmSha1_32, SrtpProfile::Aes128CmSha1_80},
     {SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm, SrtpProfile::Aes128CmSha1_80,
      SrtpProfile::Aes128CmSha1_32},
     SrtpProfile::Aes128CmSha1_80},
};

BOOST_DATA_TEST_CASE(the_server_preference_decides_and_gcm_wins, boost::unit_test::data::make(kPreferences), pref) {
  DtlsPair pair;
  pair.create(roleOptions(DtlsRole::Client, pref.client), roleOptions(DtlsRole::Server, pref.server));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  BOOST_TEST((pair.a.keys->local.profile == pref.expected));
  BOOST_TEST((pair.b.keys->local.profile == pref.expected));
}

BOOST_AUTO_TEST_CASE(no_common_profile_fails_on_both_sides) {
  DtlsPair pair;
  pair.create(roleOptions(DtlsRole::Client, {SrtpProfile::Aes128CmSha1_32}),
              roleOptions(DtlsRole::Server, {SrtpProfile::AeadAes128Gcm}));
  pair.start();
  BOOST_REQUIRE(pair.a.waitFor([](Side& s) { return s.finished(); }));
  BOOST_REQUIRE(pair.b.waitFor([](Side& s) { return s.finished(); }));
  BOOST_TEST(!pair.a.connected());
  BOOST_TEST(!pair.a.failures.empty());
}

BOOST_AUTO_TEST_CASE(mtu_bounds_every_datagram) {
  DtlsPair pair;
  auto oa = roleOptions(DtlsRole::Client);
  auto ob = roleOptions(DtlsRole::Server);
  oa.mtu = ob.mtu = 576;  // the smallest media.dtls_mtu: the server's flight no longer fits one datagram
  pair.create(oa, ob);
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  BOOST_TEST(pair.a.dtls->stats().largest_datagram_out <= 576u);
  BOOST_TEST(pair.b.dtls->stats().largest_datagram_out <= 576u);
  BOOST_TEST(pair.b.dtls->stats().largest_datagram_out > 300u);
  expectCrosswiseKeys(pair.a, pair.b);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failures)

struct WrongFingerprint {
  DtlsRole deceived_role;  // the side that holds the wrong fingerprint
  const char* hash;
};
std::ostream& operator<<(std::ostream& os, const WrongFingerprint& w) {
  return os << w.deceived_role << " " << w.hash;
}
const WrongFingerprint kWrong[] = {
    {DtlsRole::Client, "sha-256"}, {DtlsRole::Server, "sha-256"}, {DtlsRole::Client, "sha-1"}};

BOOST_DATA_TEST_CASE(wrong_fingerprint_fails_instead_of_connecting, boost::unit_test::data::make(kWrong), w) {
  DtlsPair pair;
  auto deceived = roleOptions(w.deceived_role);
  auto honest = roleOptions(w.deceived_role == DtlsRole::Client ? DtlsRole::Server : DtlsRole::Client);
  deceived.remote_fingerprint_hash = w.hash;
  // A real fingerprint, of a certificate that is not the peer's.
  deceived.remote_fingerprint = certificateFingerprint(DtlsIdentity::generate().certificate(), w.hash);
  pair.create(deceived, honest);
  pair.start();
  BOOST_REQUIRE(pair.a.waitFor([](Side& s) { return s.finished(); }));
  BOOST_REQUIRE(pair.b.waitFor([](Side& s) { return s.finished(); }, 3s));
  BOOST_TEST(!pair.a.connected());
  BOOST_REQUIRE(pair.a.failures.size() == 1u);
  BOOST_TEST(pair.a.failures[0] == "DTLS fingerprint mismatch");
  BOOST_TEST((pair.a.dtls->state() == DtlsState::Failed));
  // The honest side is told by an alert and never reports success either.
  BOOST_TEST(!pair.b.connected());
  BOOST_TEST(pair.b.failures.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_right_fingerprint_in_lower_case_is_accepted) {
  DtlsPair pair;
  auto oa = roleOptions(DtlsRole::Client);
  oa.remote_fingerprint = pair.id_b.fingerprintSha256();
  for (auto& c : oa.remote_fingerprint)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  pair.create(oa, roleOptions(DtlsRole::Server));
  pair.start();
  BOOST_TEST(pair.bothConnected());
}

BOOST_DATA_TEST_CASE(close_reaches_the_other_side_as_an_alert,
                     boost::unit_test::data::make({DtlsRole::Client, DtlsRole::Server}), closing_role) {
  DtlsPair pair;
  pair.create(roleOptions(closing_role),
              roleOptions(closing_role == DtlsRole::Client ? DtlsRole::Server : DtlsRole::Client));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  pair.a.dtls->close();
  BOOST_REQUIRE(pair.b.waitFor([](Side& s) { return !s.closes.empty(); }));
  BOOST_TEST(pair.b.closes.front() == "DTLS alert");
  BOOST_TEST((pair.b.dtls->state() == DtlsState::Closed));
  BOOST_TEST((pair.a.dtls->state() == DtlsState::Closed));
  BOOST_TEST(pair.a.closes.empty());  // the closing side asked for it: no callback
  BOOST_TEST(pair.a.failures.empty());
  BOOST_TEST(pair.b.failures.empty());
}

BOOST_AUTO_TEST_CASE(handshake_timeout_fails_after_retransmitting) {
  // A client whose datagrams go nowhere: no ICE needed.
  IceLoopPool pool(1);
  const DtlsIdentity id = DtlsIdentity::generate();
  Side lonely;
  auto o = roleOptions(DtlsRole::Client);
  o.remote_fingerprint = DtlsIdentity::generate().fingerprintSha256();
  o.initial_retransmit = 50ms;
  o.handshake_timeout = 1000ms;
  auto cb = lonely.callbacks();
  cb.send = [](const std::uint8_t*, std::size_t) { return true; };
  DtlsTransport t(pool.loop(0), id, o, cb);
  const auto started = std::chrono::steady_clock::now();
  t.start();
  BOOST_REQUIRE(lonely.waitFor([](Side& s) { return !s.failures.empty(); }, 3s));
  BOOST_TEST(lonely.failures.front() == "DTLS handshake timeout");
  BOOST_TEST((std::chrono::steady_clock::now() - started >= 1000ms));
  // At 50, 150, 350, 750 ms: at least two ClientHello retransmissions before the deadline, even on a busy machine.
  BOOST_TEST(t.stats().retransmissions >= 2u);
  BOOST_TEST(t.stats().datagrams_out >= 3u);
  BOOST_TEST((t.state() == DtlsState::Failed));
}

BOOST_AUTO_TEST_CASE(options_follow_the_media_section) {
  portunus::config::MediaConfig media;
  media.dtls_mtu = 1400;
  const auto o = dtlsTransportOptions(media);
  BOOST_TEST(o.mtu == 1400);
  BOOST_TEST(o.srtp_profiles.size() == 4u);
  BOOST_TEST((o.srtp_profiles.front() == SrtpProfile::AeadAes128Gcm));
  BOOST_TEST(dtlsTransportOptions(portunus::config::MediaConfig{}).mtu == 1200);
}

BOOST_AUTO_TEST_CASE(bad_options_are_rejected) {
  IceLoopPool pool(1);
  const DtlsIdentity id = DtlsIdentity::generate();
  auto o = roleOptions(DtlsRole::Client);
  o.srtp_profiles.clear();
  BOOST_CHECK_THROW(DtlsTransport(pool.loop(0), id, o, {}), WebRtcError);
  o = roleOptions(DtlsRole::Client);
  o.remote_fingerprint_hash = "md5";
  BOOST_CHECK_THROW(DtlsTransport(pool.loop(0), id, o, {}), WebRtcError);
  o = roleOptions(DtlsRole::Client);
  o.mtu = 100;
  BOOST_CHECK_THROW(DtlsTransport(pool.loop(0), id, o, {}), WebRtcError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(garbage)

namespace {

/** Noise that the RFC 7983 demux sends to DTLS (first byte 20..63) but that is no sequence of DTLS records. */
std::vector<std::uint8_t> noiseDatagram(std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> size(1, 1400);
  std::vector<std::uint8_t> d(static_cast<std::size_t>(size(rng)));
  for (auto& x : d)
    x = static_cast<std::uint8_t>(byte(rng));
  d[0] = static_cast<std::uint8_t>(20 + byte(rng) % 44);
  if (d.size() > 1 && d[1] == 0xfe) d[1] = 0;
  return d;
}

/** A DTLS 1.2 record that passes our framing check and reaches OpenSSL: a plausible plaintext change_cipher_spec,
 *  alert or handshake fragment, or an "encrypted" record of epoch 1, with random content. */
std::vector<std::uint8_t> recordDatagram(std::mt19937& rng) {
  std::uniform_int_distribution<int> byte(0, 255);
  const auto type = static_cast<std::uint8_t>(20 + rng() % 4);
  const bool encrypted = type == 23 || rng() % 4 == 0;
  std::vector<std::uint8_t> body;
  if (encrypted) {
    body.resize(16 + rng() % 300);
    for (auto& x : body)
      x = static_cast<std::uint8_t>(byte(rng));
  } else if (type == 20) {
    body = {1};
  } else if (type == 21) {
    body = {static_cast<std::uint8_t>(1 + rng() % 2), static_cast<std::uint8_t>(byte(rng))};
  } else {
    const unsigned msg_len = 1 + rng() % 400;
    const unsigned frag_off = rng() % msg_len;
    const unsigned frag_len = 1 + rng() % (msg_len - frag_off);
    body = {static_cast<std::uint8_t>(byte(rng)),
            0,
            static_cast<std::uint8_t>(msg_len >> 8),
            static_cast<std::uint8_t>(msg_len),
            static_cast<std::uint8_t>(rng() % 3),
            static_cast<std::uint8_t>(rng() % 8),
            0,
            static_cast<std::uint8_t>(frag_off >> 8),
            static_cast<std::uint8_t>(frag_off),
            0,
            static_cast<std::uint8_t>(frag_len >> 8),
            static_cast<std::uint8_t>(frag_len)};
    for (unsigned i = 0; i < frag_len; ++i)
      body.push_back(static_cast<std::uint8_t>(byte(rng)));
  }
  std::vector<std::uint8_t> d = {type, 0xfe, 0xfd, 0, static_cast<std::uint8_t>(encrypted ? 1 : 0)};
  for (int i = 0; i < 6; ++i)
    d.push_back(static_cast<std::uint8_t>(byte(rng)));  // sequence number
  d.push_back(static_cast<std::uint8_t>(body.size() >> 8));
  d.push_back(static_cast<std::uint8_t>(body.size()));
  for (auto x : body)
    d.push_back(x);
  return d;
}

using Generator = std::vector<std::uint8_t> (*)(std::mt19937&);

void inject(IceLoop& loop, DtlsTransport* t, std::mt19937& rng, int count, Generator make) {
  for (int i = 0; i < count; ++i) {
    auto d = make(rng);
    loop.post([t, d = std::move(d)] { t->receive(d.data(), d.size()); });
  }
}

void injectBoth(DtlsPair& pair, std::mt19937& rng, int count, Generator make) {
  inject(pair.pool.loop(0), pair.a.dtls.get(), rng, count, make);
  inject(pair.pool.loop(1), pair.b.dtls.get(), rng, count, make);
}

void settle(DtlsPair& pair) {
  pair.pool.loop(0).runSync([] {});
  pair.pool.loop(1).runSync([] {});
}

void createAndStart(DtlsPair& pair, unsigned seed, std::mt19937& rng, Generator make) {
  const DtlsRole a_role = seed % 2 ? DtlsRole::Client : DtlsRole::Server;
  auto oa = roleOptions(a_role);
  auto ob = roleOptions(a_role == DtlsRole::Client ? DtlsRole::Server : DtlsRole::Client);
  oa.handshake_timeout = ob.handshake_timeout = 1s;  // a poisoned handshake may only time out
  pair.create(oa, ob);
  injectBoth(pair, rng, 50, make);  // before the handshake
  pair.start();
  injectBoth(pair, rng, 200, make);  // interleaved with it
}

}  // namespace

BOOST_DATA_TEST_CASE(noise_is_dropped_and_the_handshake_completes, boost::unit_test::data::make({1u, 2u, 3u, 4u}),
                     seed) {
  DtlsPair pair;
  std::mt19937 rng(seed);
  createAndStart(pair, seed, rng, noiseDatagram);
  BOOST_REQUIRE(pair.bothConnected());
  expectCrosswiseKeys(pair.a, pair.b);
  injectBoth(pair, rng, 300, noiseDatagram);  // and after it
  settle(pair);
  BOOST_TEST((pair.a.dtls->state() == DtlsState::Connected));
  BOOST_TEST((pair.b.dtls->state() == DtlsState::Connected));
  BOOST_TEST(pair.a.dtls->stats().malformed == 550u);
  BOOST_TEST(pair.b.dtls->stats().malformed == 550u);
  BOOST_TEST(pair.a.closes.empty());
  BOOST_TEST(pair.b.closes.empty());
}

// Forged plaintext records (alerts, fragments that poison reassembly) can abort a handshake: DTLS 1.2 does not
// authenticate epoch 0. What matters is that nothing crashes and the outcome is reported.
BOOST_DATA_TEST_CASE(forged_records_never_crash_and_the_handshake_concludes,
                     boost::unit_test::data::make({1u, 2u, 3u, 4u}), seed) {
  DtlsPair pair;
  std::mt19937 rng(seed);
  createAndStart(pair, seed, rng, recordDatagram);
  BOOST_REQUIRE(pair.a.waitFor([](Side& s) { return s.finished(); }, 4s));
  BOOST_REQUIRE(pair.b.waitFor([](Side& s) { return s.finished(); }, 4s));
  if (pair.a.connected() && pair.b.connected()) {
    expectCrosswiseKeys(pair.a, pair.b);
  } else {
    // OpenSSL may abort a handshake on a forged record; then it is reported, never half-connected.
    BOOST_TEST(!(pair.a.failures.empty() && pair.b.failures.empty()));
    BOOST_TEST_MESSAGE("seed " << seed << ": " << (pair.a.failures.empty() ? "-" : pair.a.failures[0]) << " / "
                               << (pair.b.failures.empty() ? "-" : pair.b.failures[0]));
  }
  BOOST_TEST(pair.a.dtls->stats().malformed == 0u);  // every forged record reached OpenSSL
  BOOST_TEST(pair.a.closes.empty());
  BOOST_TEST(pair.b.closes.empty());
}

BOOST_DATA_TEST_CASE(forged_records_after_the_handshake_are_dropped, boost::unit_test::data::make({1u, 2u, 3u}), seed) {
  DtlsPair pair;
  std::mt19937 rng(seed);
  pair.create(roleOptions(DtlsRole::Client), roleOptions(DtlsRole::Server));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  injectBoth(pair, rng, 500, recordDatagram);
  settle(pair);
  BOOST_TEST((pair.a.dtls->state() == DtlsState::Connected));
  BOOST_TEST((pair.b.dtls->state() == DtlsState::Connected));
  BOOST_TEST(pair.a.closes.empty());
  BOOST_TEST(pair.b.closes.empty());
}

struct Framing {
  std::vector<std::uint8_t> bytes;
  bool ok;
};
std::ostream& operator<<(std::ostream& os, const Framing& f) {
  return os << f.bytes.size() << " bytes";
}

// Header helper: type, DTLS 1.2, epoch, sequence 0, body length.
std::vector<std::uint8_t> record(std::uint8_t type, std::uint8_t epoch, std::vector<std::uint8_t> body,
                                 int length = -1) {
  const auto n = static_cast<std::size_t>(length < 0 ? static_cast<int>(body.size()) : length);
  std::vector<std::uint8_t> r = {
      type, 0xfe, 0xfd, 0, epoch, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)};
  for (auto byte : body)
    r.push_back(byte);  // (insert() trips a GCC 12 -Warray-bounds false positive)
  return r;
}
std::vector<std::uint8_t> concat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
  for (auto byte : b)
    a.push_back(byte);
  return a;
}
// A handshake fragment header: type, message length, message_seq, fragment offset, fragment length.
std::vector<std::uint8_t> fragment(std::uint8_t type, unsigned msg_len, unsigned off, unsigned frag_len) {
  std::vector<std::uint8_t> f = {type,
                                 0,
                                 0,
                                 static_cast<std::uint8_t>(msg_len),
                                 0,
                                 0,
                                 0,
                                 0,
                                 static_cast<std::uint8_t>(off),
                                 0,
                                 0,
                                 static_cast<std::uint8_t>(frag_len)};
  f.resize(12 + frag_len, 0xab);
  return f;
}

const Framing kFraming[] = {
    {record(20, 0, {1}), true},
    {record(21, 0, {2, 40}), true},
    {record(22, 0, fragment(1, 4, 0, 4)), true},
    {record(22, 0, fragment(11, 100, 40, 60)), true},
    {record(23, 1, {1, 2, 3, 4, 5}), true},                                   // encrypted: OpenSSL authenticates it
    {record(21, 1, {9, 9, 9, 9, 9, 9}), true},                                // an encrypted alert
    {concat(record(22, 0, fragment(2, 3, 0, 3)), record(20, 0, {1})), true},  // two records in one datagram
    {record(20, 0, {2}), false},
    {record(20, 0, {1, 1}), false},
    {record(21, 0, {3, 40}), false},
    {record(21, 0, {2}), false},
    {record(22, 0, {1, 2, 3}), false},                        // shorter than a fragment header
    {record(22, 0, fragment(1, 4, 0, 4), 15), false},         // fragment length disagrees with the record
    {record(22, 0, fragment(1, 4, 2, 4)), false},             // fragment beyond the message
    {record(23, 0, {1, 2, 3}), false},                        // plaintext application data
    {record(24, 0, {1, 0, 0}), false},                        // heartbeat: not accepted
    {record(22, 0, fragment(1, 4, 0, 4), 17), false},         // body runs past the datagram
    {concat(record(20, 0, {1}), {0}), false},                 // trailing byte
    {{22, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},  // TLS, not DTLS
    {{23, 0xfe, 0xfd, 0, 0}, false},                          // short header
    {{}, false},
};

BOOST_DATA_TEST_CASE(record_framing_is_checked, boost::unit_test::data::make(kFraming), f) {
  BOOST_TEST(DtlsTransport::wellFramed(f.bytes.data(), f.bytes.size()) == f.ok);
}

// With the negotiated suite's minimum (AES-GCM: 24 bytes of explicit nonce and tag), shorter encrypted records are
// refused; plaintext ones are not measured against it.
struct SealedFraming {
  std::vector<std::uint8_t> bytes;
  std::size_t sealed_min;
  bool ok;
};
std::ostream& operator<<(std::ostream& os, const SealedFraming& f) {
  return os << f.bytes.size() << " bytes, minimum " << f.sealed_min;
}
const SealedFraming kSealedFraming[] = {
    {record(23, 1, std::vector<std::uint8_t>(24, 7)), 24, true},
    {record(23, 1, std::vector<std::uint8_t>(23, 7)), 24, false},
    {record(23, 1, std::vector<std::uint8_t>(1, 7)), 24, false},
    {record(21, 1, std::vector<std::uint8_t>(17, 7)), 24, false},  // an encrypted alert is sealed too
    {record(22, 1, std::vector<std::uint8_t>(16, 7)), 16, true},   // ChaCha20-Poly1305: the tag alone
    {record(20, 0, {1}), 24, true},                                // plaintext: not measured
    {concat(record(23, 1, std::vector<std::uint8_t>(40, 7)), record(23, 1, std::vector<std::uint8_t>(5, 7))), 24,
     false},                                                    // one short record spoils the datagram
    {record(23, 1, std::vector<std::uint8_t>(5, 7)), 0, true},  // no suite yet
};

BOOST_DATA_TEST_CASE(sealed_records_shorter_than_the_suite_allows_are_refused,
                     boost::unit_test::data::make(kSealedFraming), f) {
  BOOST_TEST(DtlsTransport::wellFramed(f.bytes.data(), f.bytes.size(), f.sealed_min) == f.ok);
}

// A single short encrypted record made OpenSSL 3.0.19 end the association (fatal internal_error alert): once
// connected, every length below the suite's overhead, of every content type, is dropped and counted instead.
BOOST_AUTO_TEST_CASE(short_sealed_records_after_the_handshake_keep_the_association) {
  DtlsPair pair;
  pair.create(roleOptions(DtlsRole::Client), roleOptions(DtlsRole::Server));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  std::uint64_t sent = 0;
  for (std::uint8_t type : {20, 21, 22, 23}) {
    for (std::size_t len = 1; len < 24; ++len) {
      const auto d = record(type, 1, std::vector<std::uint8_t>(len, static_cast<std::uint8_t>(len * 37)));
      pair.pool.loop(1).runSync([&] { pair.b.dtls->receive(d.data(), d.size()); });
      ++sent;
    }
  }
  garbage::settle(pair);
  BOOST_TEST((pair.a.dtls->state() == DtlsState::Connected));
  BOOST_TEST((pair.b.dtls->state() == DtlsState::Connected));
  BOOST_TEST(pair.b.dtls->stats().malformed == sent);
  BOOST_TEST(pair.a.closes.empty());
  BOOST_TEST(pair.b.closes.empty());
}

BOOST_AUTO_TEST_CASE(non_dtls_datagrams_are_counted_and_ignored) {
  DtlsPair pair;
  pair.create(roleOptions(DtlsRole::Client), roleOptions(DtlsRole::Server));
  const std::uint8_t rtp[] = {0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2};  // RTP: first byte 128..191
  const std::uint8_t stun[] = {0x00, 0x01, 0, 0};                         // STUN: 0..3
  pair.pool.loop(1).runSync([&] {
    pair.b.dtls->receive(rtp, sizeof rtp);
    pair.b.dtls->receive(stun, sizeof stun);
    pair.b.dtls->receive(stun, 0);
  });
  BOOST_TEST(pair.b.dtls->stats().not_dtls == 3u);
  BOOST_TEST(pair.b.dtls->stats().datagrams_in == 0u);
  BOOST_TEST((pair.b.dtls->state() == DtlsState::New));
  pair.start();
  BOOST_TEST(pair.bothConnected());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(srtp_keys_with_libsrtp2)

namespace {

struct LibSrtp {
  LibSrtp() { BOOST_REQUIRE(srtp_init() == srtp_err_status_ok); }
  ~LibSrtp() { srtp_shutdown(); }
};

/** A stock libsrtp2 session keyed with one direction's exported material. */
struct SrtpSession {
  srtp_t session = nullptr;
  SrtpSession(const SrtpKeyMaterial& k, bool outbound) {
    const auto& info = srtpProfileInfo(k.profile);
    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof policy);
    switch (k.profile) {
      case SrtpProfile::Aes128CmSha1_80:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
        break;
      case SrtpProfile::Aes128CmSha1_32:
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&policy.rtp);
        break;
      case SrtpProfile::AeadAes128Gcm:
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
        break;
      case SrtpProfile::AeadAes256Gcm:
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
        break;
    }
    policy.rtcp = policy.rtp;
    if (k.profile == SrtpProfile::Aes128CmSha1_32) srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    unsigned char key[64] = {};
    std::memcpy(key, k.master_key.data(), info.key_length);
    std::memcpy(key + info.key_length, k.master_salt.data(), info.salt_length);
    policy.key = key;
    policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
    policy.window_size = 128;
    BOOST_REQUIRE(srtp_create(&session, &policy) == srtp_err_status_ok);
  }
  ~SrtpSession() { srtp_dealloc(session); }
};

std::vector<std::uint8_t> rtpPacket(std::uint16_t seq) {
  std::vector<std::uint8_t> p(12 + 160 + SRTP_MAX_TRAILER_LEN);
  p[0] = 0x80;
  p[1] = 96;
  p[2] = static_cast<std::uint8_t>(seq >> 8);
  p[3] = static_cast<std::uint8_t>(seq);
  p[7] = 0x10;                                           // timestamp
  p[8] = 0x12, p[9] = 0x34, p[10] = 0x56, p[11] = 0x78;  // SSRC
  for (std::size_t i = 12; i < 172; ++i)
    p[i] = static_cast<std::uint8_t>(i * 7 + seq);
  return p;
}

/** Protects with `sender`'s key, unprotects with `receiver`'s; true when the payload comes back intact. */
bool roundTrip(const SrtpKeyMaterial& sender, const SrtpKeyMaterial& receiver) {
  SrtpSession tx(sender, true);
  SrtpSession rx(receiver, false);
  for (std::uint16_t seq = 1; seq <= 3; ++seq) {
    auto packet = rtpPacket(seq);
    const auto clear = std::vector<std::uint8_t>(packet.begin(), packet.begin() + 172);
    int len = 172;
    if (srtp_protect(tx.session, packet.data(), &len) != srtp_err_status_ok || len <= 172) return false;
    if (std::equal(clear.begin() + 12, clear.end(), packet.begin() + 12)) return false;  // not encrypted
    if (srtp_unprotect(rx.session, packet.data(), &len) != srtp_err_status_ok || len != 172) return false;
    if (!std::equal(clear.begin(), clear.end(), packet.begin())) return false;
  }
  return true;
}

}  // namespace

BOOST_DATA_TEST_CASE(exported_keys_protect_and_unprotect_crosswise, boost::unit_test::data::make(kAllProfiles),
                     profile) {
  LibSrtp lib;
  DtlsPair pair;
  pair.create(roleOptions(DtlsRole::Server, {profile}), roleOptions(DtlsRole::Client, {profile}));
  pair.start();
  BOOST_REQUIRE(pair.bothConnected());
  const auto& a = *pair.a.keys;
  const auto& b = *pair.b.keys;
  BOOST_TEST_INFO(srtpProfileInfo(profile).openssl_name);
  BOOST_TEST(roundTrip(a.local, b.remote));  // A → B
  BOOST_TEST(roundTrip(b.local, a.remote));  // B → A
  // The two directions' keys are distinct: a packet protected with A's sending key fails with A's receiving key.
  BOOST_TEST(!roundTrip(a.local, a.remote));
}

BOOST_AUTO_TEST_SUITE_END()
