#define BOOST_TEST_MODULE common_log
#include <boost/test/unit_test.hpp>

#include "common/log/Log.hpp"

using namespace portunus::log;

BOOST_AUTO_TEST_CASE(levels_parse_by_name_and_janus_number) {
  BOOST_TEST((parseLevel("debug") == Level::Debug));
  BOOST_TEST((parseLevel("warning") == Level::Warn));
  BOOST_TEST((parseLevel("0") == Level::Off));
  BOOST_TEST((parseLevel("4") == Level::Info));
  BOOST_TEST((parseLevel("7") == Level::Trace));
  BOOST_TEST(!parseLevel("8").has_value());
  BOOST_TEST(!parseLevel("loud").has_value());
}

BOOST_AUTO_TEST_CASE(threshold_filters_records) {
  setThreshold(Level::Warn);
  BOOST_TEST(!enabled(Level::Info));
  BOOST_TEST(enabled(Level::Error));
  int evaluated = 0;
  PLOG(Debug, "test") << ++evaluated;  // not formatted below the threshold
  BOOST_TEST(evaluated == 0);
  setThreshold(Level::Info);
  BOOST_TEST(levelName(Level::Info) == "info");
}

BOOST_AUTO_TEST_CASE(format_follows_the_timestamps_and_colors_settings) {
  BOOST_TEST(timestamps());
  BOOST_TEST(!colors());
  const std::string stamped = format(Level::Warn, "api", "slow");
  // "HH:MM:SS.mmm warn [api] slow\n"
  BOOST_TEST(stamped.size() == 13 + std::string("warn [api] slow\n").size());
  BOOST_TEST(stamped[2] == ':');
  BOOST_TEST(stamped.substr(13) == "warn [api] slow\n");
  setTimestamps(false);
  BOOST_TEST(format(Level::Info, "api", "up") == "info [api] up\n");
  setColors(true);
  BOOST_TEST(format(Level::Error, "dp", "x") == "\x1b[31merror\x1b[0m [dp] x\n");
  BOOST_TEST(format(Level::Warn, "dp", "x") == "\x1b[33mwarn\x1b[0m [dp] x\n");
  BOOST_TEST(format(Level::Info, "dp", "x") == "info [dp] x\n");  // only warnings and errors coloured
  setColors(false);
  setTimestamps(true);
}
