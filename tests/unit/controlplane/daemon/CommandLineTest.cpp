#define BOOST_TEST_MODULE controlplane_daemon
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "controlplane/daemon/CommandLine.hpp"
#include "controlplane/daemon/Daemon.hpp"

using namespace portunus::cp;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(full_command_line) {
  const auto cl = parseCommandLine({"-c", "conf/portunus.yaml", "--set", "general.session_timeout=5",
                                    "--set=transports.ws.port=9000", "--check-config", "--log-level", "debug"});
  BOOST_TEST(cl.configFile == "conf/portunus.yaml");
  BOOST_TEST(cl.overrides.size() == 2u);
  BOOST_TEST(cl.overrides[1] == "transports.ws.port=9000");
  BOOST_TEST(cl.checkConfig);
  BOOST_TEST(cl.logLevel.value() == "debug");
  BOOST_TEST(!cl.help);
}

struct BadCase {
  std::vector<std::string> args;
  const char* mentions;
};
std::ostream& operator<<(std::ostream& os, const BadCase& c) {
  return os << c.mentions;
}

BOOST_AUTO_TEST_CASE(bad_command_lines_name_the_argument) {
  const BadCase cases[] = {
      {{"-c"}, "-c needs a value"},
      {{"--bogus"}, "unknown argument '--bogus'"},
      {{"--set", "novalue"}, "--set expects key.path=value"},
      {{"--log-level", "loud"}, "'loud' is not a log level"},
      {{"--longpoll-keepalive-ms", "x"}, "--longpoll-keepalive-ms"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.mentions) {
      try {
        parseCommandLine(c.args);
        BOOST_FAIL("expected a UsageError");
      } catch (const UsageError& e) {
        BOOST_TEST(std::string(e.what()).find(c.mentions) != std::string::npos, e.what());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(plugin_sections_are_checked) {
  BOOST_CHECK_NO_THROW(validatePlugins(portunus::config::loadConfigText("plugins: {janus.plugin.echotest: {}}")));
  try {
    validatePlugins(portunus::config::loadConfigText("plugins: {janus.plugin.echotest: {foo: 1}}"));
    BOOST_FAIL("expected a ConfigError");
  } catch (const portunus::config::ConfigError& e) {
    BOOST_TEST(e.path() == "plugins.janus.plugin.echotest.foo");
  }
  try {
    validatePlugins(portunus::config::loadConfigText("plugins: {janus.plugin.nope: {}}"));
    BOOST_FAIL("expected a ConfigError");
  } catch (const portunus::config::ConfigError& e) {
    BOOST_TEST(e.path() == "plugins.janus.plugin.nope");
  }
}
