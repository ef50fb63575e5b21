// The `general` and `transports` sections (GeneralConfig, TransportsConfig) as the Janus API uses them.
#define BOOST_TEST_MODULE common_config_api
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/config/Config.hpp"

using namespace portunus::config;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(api_sections_decode) {
  const Config cfg = loadConfigText(R"(
general:
  session_timeout: 0
  reclaim_session_timeout: 15
  candidates_timeout: 30
  api_secret: s
  token_auth: true
  admin_secret: boss
  server_name: lab
  opaqueid_in_api: true
  accept_new_sessions: false
transports:
  http: {address: "::1", port: 18088, path: /api}
  admin_ws: {enabled: true, port: 17188}
  cors_allow_origin: https://example.org
  max_body_bytes: 65536
)");
  BOOST_TEST(cfg.general.session_timeout == 0);
  BOOST_TEST(cfg.general.reclaim_session_timeout == 15);
  BOOST_TEST(cfg.general.candidates_timeout == 30);
  BOOST_TEST(cfg.general.admin_secret == "boss");
  BOOST_TEST(cfg.general.opaqueid_in_api);
  BOOST_TEST(!cfg.general.accept_new_sessions);
  BOOST_TEST(cfg.transports.http.address == "::1");
  BOOST_TEST(cfg.transports.http.path == "/api");
  BOOST_TEST(cfg.transports.admin_ws.enabled);
  BOOST_TEST(cfg.transports.cors_allow_origin == "https://example.org");
  BOOST_TEST(cfg.transports.max_body_bytes == 65536u);
}

BOOST_AUTO_TEST_CASE(the_shipped_lab_configuration_is_valid) {
  const Config cfg = loadConfigFile(std::string(PORTUNUS_SOURCE_ROOT) + "/conf/portunus.yaml");
  BOOST_TEST(cfg.transports.http.port == 8088);
  BOOST_TEST(cfg.transports.ws.port == 8188);
}

struct BadCase {
  const char* yaml;
  const char* path;
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.path;
}

const BadCase kBad[] = {
    {"general: {session_timeout: -1}", "general.session_timeout"},
    {"general: {session_timeout: abc}", "general.session_timeout"},
    {"general: {candidates_timeout: 0}", "general.candidates_timeout"},
    {"general: {token_auth: maybe}", "general.token_auth"},
    {"general: {log_level: loud}", "general.log_level"},
    {"general: {sesion_timeout: 5}", "general.sesion_timeout"},
    {"transports: {http: {port: 0}}", "transports.http.port"},
    {"transports: {http: {port: 70000}}", "transports.http.port"},
    {"transports: {http: {address: not-an-ip}}", "transports.http.address"},
    {"transports: {ws: {address: 999.1.1.1}}", "transports.ws.address"},
    {"transports: {http: {path: janus}}", "transports.http.path"},
    {"transports: {max_body_bytes: 10}", "transports.max_body_bytes"},
    {"transports: {websocket: {}}", "transports.websocket"},
    {"transports: {ws: {port: 8088}}", "transports.ws.port"},
};

BOOST_DATA_TEST_CASE(bad_values_name_their_path, bdata::make(kBad), c) {
  try {
    loadConfigText(c.yaml);
    BOOST_FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    BOOST_TEST(e.path() == c.path, e.what());
  }
}

BOOST_AUTO_TEST_CASE(overrides_apply_before_validation) {
  const Config cfg = loadConfigText("", {"general.session_timeout=7", "transports.ws.enabled=false"});
  BOOST_TEST(cfg.general.session_timeout == 7);
  BOOST_TEST(!cfg.transports.ws.enabled);
  BOOST_CHECK_THROW(loadConfigText("", {"transports.http.port=abc"}), ConfigError);
}
