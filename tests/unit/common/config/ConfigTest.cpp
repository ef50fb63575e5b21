#define BOOST_TEST_MODULE common_config
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <ostream>

#include "common/config/Config.hpp"
#include "common/config/ConfigReader.hpp"

using namespace portunus::config;

BOOST_AUTO_TEST_CASE(empty_document_gives_defaults) {
  const Config cfg = loadConfigText("");
  BOOST_TEST(cfg.general.session_timeout == 60);
  BOOST_TEST(cfg.general.admin_secret == "janusoverlord");
  BOOST_TEST(cfg.transports.http.port == 8088);
  BOOST_TEST(cfg.transports.http.path == "/janus");
  BOOST_TEST(cfg.transports.ws.port == 8188);
  BOOST_TEST(cfg.transports.admin_http.port == 7088);
  BOOST_TEST(cfg.transports.admin_http.address == "127.0.0.1");
  BOOST_TEST(cfg.nat.rtp_port_min == 0);
}

BOOST_AUTO_TEST_CASE(values_are_decoded) {
  const Config cfg = loadConfigText(R"(
general:
  session_timeout: 30
  api_secret: s3cret
  token_auth: true
transports:
  http: {port: 9000, address: 198.18.0.1}
  ws: {enabled: false}
nat:
  rtp_port_range: 20000-40000
  nat_1_1_mapping: [198.18.1.1]
plugins:
  janus.plugin.videoroom:
    rooms: []
)");
  BOOST_TEST(cfg.general.session_timeout == 30);
  BOOST_TEST(cfg.general.api_secret == "s3cret");
  BOOST_TEST(cfg.general.token_auth);
  BOOST_TEST(cfg.transports.http.port == 9000);
  BOOST_TEST(cfg.transports.http.address == "198.18.0.1");
  BOOST_TEST(!cfg.transports.ws.enabled);
  BOOST_TEST(cfg.nat.rtp_port_min == 20000);
  BOOST_TEST(cfg.nat.rtp_port_max == 40000);
  BOOST_TEST(cfg.nat.nat_1_1_mapping.size() == 1u);
  BOOST_TEST(cfg.plugins.count("janus.plugin.videoroom") == 1u);
}

struct BadCase {
  const char* yaml;
  const char* path;    // the key path the error must name
  const char* reason;  // a fragment of the reason
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.path;
}

static const BadCase kBad[] = {
    {"general: {sesion_timeout: 5}", "general.sesion_timeout", "unknown key"},
    {"bogus: 1", "bogus", "unknown key"},
    {"general: {session_timeout: abc}", "general.session_timeout", "expected an integer"},
    {"general: {session_timeout: -1}", "general.session_timeout", "out of range"},
    {"general: {token_auth: maybe}", "general.token_auth", "true or false"},
    {"general: {log_level: loud}", "general.log_level", "not a log level"},
    {"general: [1, 2]", "general", "expected a mapping"},
    {"transports: {http: {port: 70000}}", "transports.http.port", "out of range"},
    {"transports: {http: {path: janus}}", "transports.http.path", "must start with"},
    {"transports: {ws: {port: 8088}}", "transports.ws.port", "collides"},
    {"nat: {rtp_port_range: 40000-20000}", "nat.rtp_port_range", "MIN-MAX"},
    {"nat: {rtp_port_range: 1-2-3}", "nat.rtp_port_range", "MIN-MAX"},
    {"media: {dtls_mtu: 10}", "media.dtls_mtu", "out of range"},
    {"certificates: {cert_pem: /x.pem}", "certificates.cert_key", "go together"},
    {"plugins: {janus.plugin.echotest: 3}", "plugins.janus.plugin.echotest", "expected a mapping"},
    {"general: {session_timeout: 1", "<text>", "YAML syntax error"},
    {"- a\n- b", "<text>", "top level must be a mapping"},
};

BOOST_DATA_TEST_CASE(bad_values_name_their_path, boost::unit_test::data::make(kBad), c) {
  try {
    loadConfigText(c.yaml);
    BOOST_FAIL("accepted bad config: " << c.yaml);
  } catch (const ConfigError& e) {
    BOOST_TEST(e.path() == c.path);
    BOOST_TEST(std::string(e.what()).find(c.reason) != std::string::npos, "reason: " << e.what());
  }
}

BOOST_AUTO_TEST_CASE(overrides_apply_before_decoding) {
  const Config cfg =
      loadConfigText("general: {session_timeout: 30}",
                     {"general.session_timeout=5", "transports.http.port=9999", "nat.nat_1_1_mapping=[a, b]"});
  BOOST_TEST(cfg.general.session_timeout == 5);
  BOOST_TEST(cfg.transports.http.port == 9999);
  BOOST_TEST(cfg.nat.nat_1_1_mapping.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_overrides_are_rejected) {
  BOOST_CHECK_THROW(loadConfigText("", {"novalue"}), ConfigError);
  BOOST_CHECK_THROW(loadConfigText("", {"=3"}), ConfigError);
  BOOST_CHECK_THROW(loadConfigText("", {"general..x=3"}), ConfigError);
  BOOST_CHECK_THROW(loadConfigText("general: {session_timeout: 3}", {"general.session_timeout.x=3"}), ConfigError);
  BOOST_CHECK_THROW(loadConfigText("", {"general.nosuch=3"}), ConfigError);
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_error) {
  BOOST_CHECK_THROW(loadConfigFile("/nonexistent/portunus.yaml"), ConfigError);
}

// MapReader's default range for an integer field is the field type's, capped at long long: a uint64_t field used to
// get max = (long long)UINT64_MAX = -1 and rejected every value.
struct IntCase {
  const char* text;
  bool ok;
  long long expected;  // when ok
  const char* reason;  // when not ok
};

std::ostream& operator<<(std::ostream& os, const IntCase& c) {
  return os << c.text;
}

static const IntCase kUint64[] = {
    {"0", true, 0, ""},
    {"5", true, 5, ""},
    {"4294967296", true, 4294967296LL, ""},
    {"9223372036854775807", true, std::numeric_limits<long long>::max(), ""},
    {"9223372036854775808", false, 0, "out of range [0, 9223372036854775807]"},
    {"18446744073709551615", false, 0, "out of range [0, 9223372036854775807]"},
    {"-1", false, 0, "out of range"},
    {"-99999999999999999999", false, 0, "out of range"},
    {"12abc", false, 0, "expected an integer"},
};

BOOST_DATA_TEST_CASE(uint64_fields_take_the_parseable_range, boost::unit_test::data::make(kUint64), c) {
  std::uint64_t value = 7;
  MapReader in(YAML::Load(std::string("v: ") + c.text), "s");
  try {
    in.get("v", value);
    BOOST_TEST(c.ok, "accepted " << c.text);
    BOOST_TEST(value == static_cast<std::uint64_t>(c.expected));
  } catch (const ConfigError& e) {
    BOOST_TEST(!c.ok, "rejected " << c.text << ": " << e.what());
    BOOST_TEST(e.path() == "s.v");
    BOOST_TEST(std::string(e.what()).find(c.reason) != std::string::npos, "reason: " << e.what());
    BOOST_TEST(value == 7u);  // untouched
  }
}

static_assert(MapReader::defaultMax<std::uint64_t>() == std::numeric_limits<long long>::max());
static_assert(MapReader::defaultMax<std::size_t>() == std::numeric_limits<long long>::max());
static_assert(MapReader::defaultMax<std::uint32_t>() == 4294967295LL);
static_assert(MapReader::defaultMax<std::int16_t>() == 32767);

BOOST_AUTO_TEST_CASE(narrow_fields_keep_their_type_range) {
  std::uint16_t port = 1;
  std::int8_t small = 0;
  MapReader in(YAML::Load("port: 65535\nsmall: -128\nbig: 65536"), "s");
  in.get("port", port);
  in.get("small", small);
  BOOST_TEST(port == 65535u);
  BOOST_TEST(small == -128);
  std::uint16_t big = 0;
  BOOST_CHECK_THROW(in.get("big", big), ConfigError);
}
