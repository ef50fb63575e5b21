// The `general`, `transports` and `limits` sections (GeneralConfig, TransportsConfig) as the Janus API uses them.
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
  // The Admin API stays on the management address, plain and TLS.
  for (const auto* ep :
       {&cfg.transports.admin_http, &cfg.transports.admin_ws, &cfg.transports.admin_https, &cfg.transports.admin_wss})
    BOOST_TEST(ep->address == "127.0.0.1");
  BOOST_TEST(cfg.limits.max_sessions == 10000u);
}

BOOST_AUTO_TEST_CASE(limits_and_tls_endpoints_decode) {
  const Config defaults = loadConfigText("");
  BOOST_TEST(!defaults.transports.https.enabled);
  BOOST_TEST(defaults.transports.https.port == 8089);
  BOOST_TEST(defaults.transports.wss.port == 8989);
  BOOST_TEST(defaults.transports.admin_https.port == 7889);
  BOOST_TEST(defaults.transports.admin_wss.port == 7989);
  BOOST_TEST(defaults.limits.request_rate == 100u);
  const std::string cert = std::string(PORTUNUS_SOURCE_ROOT) + "/conf/portunus.yaml";  // any readable file
  const Config cfg = loadConfigText(
      "transports:\n  https: {enabled: true, port: 18089}\n"
      "  certificates: {cert_pem: " +
      cert + ", cert_key: " + cert +
      "}\n"
      "limits: {max_sessions: 0, max_handles_per_session: 3, max_long_polls_per_session: 1,"
      " max_pending_trickles: 5, max_peerconnections: 7, request_rate: 0}\n");
  BOOST_TEST(cfg.transports.https.enabled);
  BOOST_TEST(cfg.transports.https.path == "/janus");
  BOOST_TEST(cfg.transports.certificates.cert_key == cert);
  BOOST_TEST(cfg.limits.max_sessions == 0u);
  BOOST_TEST(cfg.limits.max_handles_per_session == 3u);
  BOOST_TEST(cfg.limits.max_long_polls_per_session == 1u);
  BOOST_TEST(cfg.limits.max_pending_trickles == 5u);
  BOOST_TEST(cfg.limits.max_peerconnections == 7u);
  BOOST_TEST(cfg.limits.request_rate == 0u);
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
    {"transports: {https: {enabled: true}}", "transports.certificates"},
    {"transports: {admin_wss: {enabled: true}, certificates: {cert_pem: /etc/hostname}}", "transports.certificates"},
    {"transports: {certificates: {cert_pem: /nonexistent/cert.pem}}", "transports.certificates.cert_pem"},
    {"transports: {certificates: {cert_chain: x}}", "transports.certificates.cert_chain"},
    {"limits: {max_sessions: -1}", "limits.max_sessions"},
    {"limits: {request_rate: 10, request_burst: 0}", "limits.request_burst"},
    {"limits: {max_sesions: 5}", "limits.max_sesions"},
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
