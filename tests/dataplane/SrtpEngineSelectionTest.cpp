// Dataplane tier: `dataplane.srtp_engine`. The choice resolves as documented (auto = ipsec-mb where built and the CPU
// has AES-NI), and a dataplane whose workers each run their own engine of the chosen kind forwards on every worker:
// packets from stock libsrtp2 senders come out decryptable by stock libsrtp2 receivers, all four profiles.
#define BOOST_TEST_MODULE dataplane_srtp_engine_selection
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/config/ConfigReader.hpp"
#include "tests/dataplane/DataplaneFixture.hpp"

using namespace portunus::dp;
using namespace portunus::dp::test;
namespace proto = portunus::proto;
namespace config = portunus::config;

namespace portunus::dp {
std::ostream& operator<<(std::ostream& os, SrtpProfile p) {
  return os << profileName(p);
}
}  // namespace portunus::dp

namespace {

struct EngineCase {
  const char* choice;  // dataplane.srtp_engine
  const char* name;    // SrtpEngine::name() of the workers' engine
  SrtpProfile profile;
};
std::ostream& operator<<(std::ostream& os, const EngineCase& c) {
  return os << c.choice << " " << profileName(c.profile);
}

const EngineCase kCases[] = {
    {"ipsec-mb", "ipsec-mb", SrtpProfile::AeadAes128Gcm},
    {"ipsec-mb", "ipsec-mb", SrtpProfile::AeadAes256Gcm},
    {"ipsec-mb", "ipsec-mb", SrtpProfile::Aes128CmSha1_80},
    {"ipsec-mb", "ipsec-mb", SrtpProfile::Aes128CmSha1_32},
    {"libsrtp2", "libsrtp2-openssl", SrtpProfile::AeadAes128Gcm},
    {"libsrtp2", "libsrtp2-openssl", SrtpProfile::Aes128CmSha1_80},
};

}  // namespace

BOOST_AUTO_TEST_CASE(choices_resolve_as_documented) {
  BOOST_TEST(resolveSrtpEngine("libsrtp2") == "libsrtp2");
  BOOST_TEST(resolveSrtpEngine("auto") == (ipsecMbSupported() ? "ipsec-mb" : "libsrtp2"));
  if (ipsecMbSupported()) {
    BOOST_TEST(resolveSrtpEngine("ipsec-mb") == "ipsec-mb");
    BOOST_TEST(makeSrtpEngineFactory("auto")()->name() == "ipsec-mb");
  } else {
    BOOST_CHECK_EXCEPTION(resolveSrtpEngine("ipsec-mb"), config::ConfigError,
                          [](const config::ConfigError& e) { return e.path() == "dataplane.srtp_engine"; });
  }
  BOOST_CHECK_EXCEPTION(resolveSrtpEngine("openssl"), config::ConfigError,
                        [](const config::ConfigError& e) { return e.path() == "dataplane.srtp_engine"; });
  const auto factory = makeSrtpEngineFactory("libsrtp2");
  const auto a = factory();
  const auto b = factory();
  BOOST_TEST(a.get() != b.get());  // one instance per call: one per worker
  BOOST_TEST(a->name() == "libsrtp2-openssl");
}

BOOST_DATA_TEST_CASE(each_worker_runs_its_own_engine, boost::unit_test::data::make(kCases), c) {
  if (std::string_view(c.choice) == "ipsec-mb" && !ipsecMbSupported()) {
    BOOST_TEST_MESSAGE("intel-ipsec-mb not supported here: case skipped");
    return;
  }
  RingDataplane r(2, quietConfig(), makeSrtpEngineFactory(c.choice));
  BOOST_TEST(r.dp.engineName() == c.name);
  BOOST_TEST(r.dp.stats().engine == c.name);
  const MacAddress mac = r.dp.mediaMac();
  // One echo transport per worker; both carry traffic in the same bursts.
  std::vector<Peer> peers;
  for (std::uint16_t w = 0; w < 2; ++w) {
    Peer p{static_cast<std::uint16_t>(5000 + w), static_cast<std::uint16_t>(40000 + w),
           keys(c.profile, static_cast<std::uint8_t>(10 + 2 * w)),
           keys(c.profile, static_cast<std::uint8_t>(11 + 2 * w))};
    BOOST_REQUIRE(r.dp.addTransport(p.spec(w), p.id) == ApiStatus::Ok);
    StreamId in = 0, out = 0;
    RouteId route = 0;
    InboundStreamSpec is;
    is.transport = p.id;
    is.ssrc = 0x1000u + w;
    BOOST_REQUIRE(r.dp.addInboundStream(is, in) == ApiStatus::Ok);
    OutboundStreamSpec os;
    os.transport = p.id;
    os.ssrc = 0x2000u + w;
    BOOST_REQUIRE(r.dp.addOutboundStream(os, out) == ApiStatus::Ok);
    BOOST_REQUIRE(r.dp.addRoute(RouteSpec{in, out, {}}, route) == ApiStatus::Ok);
    peers.push_back(p);
  }
  BOOST_REQUIRE(r.dp.sync());
  std::vector<std::unique_ptr<LibsrtpReferenceSession>> tx, rx;
  for (std::uint16_t w = 0; w < 2; ++w) {
    tx.push_back(
        std::make_unique<LibsrtpReferenceSession>(peers[w].to_appliance, 0x1000u + w, SrtpDirection::Outbound));
    rx.push_back(
        std::make_unique<LibsrtpReferenceSession>(peers[w].from_appliance, 0x2000u + w, SrtpDirection::Inbound));
  }
  constexpr int kPackets = 40;  // across the 16-bit sequence wrap
  for (int i = 0; i < kPackets; ++i)
    for (std::uint16_t w = 0; w < 2; ++w)
      r.send(peers[w].protect(*tx[w], rtp(0x1000u + w, static_cast<std::uint16_t>(65520 + i), 160u * i, 111, 100 + i),
                              mac));
  const auto frames = RingDataplane::collect(r.media_tx, 2 * kPackets);
  BOOST_REQUIRE_EQUAL(frames.size(), static_cast<std::size_t>(2 * kPackets));
  int per_worker[2] = {0, 0};
  for (const Bytes& f : frames) {
    const int w = proto::load16(&f[36]) - 5000;
    BOOST_REQUIRE(w >= 0 && w < 2);
    Bytes payload;
    BOOST_REQUIRE(payloadTo(f, peers[w], mac, payload));
    int len = static_cast<int>(payload.size());
    BOOST_REQUIRE(rx[w]->unprotect(payload.data(), len, false) == srtp_err_status_ok);
    const int i = per_worker[w]++;
    BOOST_TEST(proto::load32(&payload[8]) == 0x2000u + w);
    BOOST_TEST(proto::load16(&payload[2]) == static_cast<std::uint16_t>(65520 + i));
    const Bytes expect = rtp(0x1000u + w, static_cast<std::uint16_t>(65520 + i), 0, 111, 100 + i);
    BOOST_TEST(Bytes(payload.begin() + 12, payload.begin() + len) == Bytes(expect.begin() + 12, expect.end()));
  }
  BOOST_TEST(per_worker[0] == kPackets);
  BOOST_TEST(per_worker[1] == kPackets);
  const StatsSnapshot st = r.dp.stats();
  BOOST_TEST(st.drop("srtp_auth") == 0u);
  BOOST_TEST(st.drop("srtp_other") == 0u);
}
