#include <boost/test/unit_test.hpp>

#include "lab/janus/HttpTransport.hpp"

using portunus::lab::HttpTransport;
using Json = nlohmann::json;

// janus-protocol.md §1.5: root verbs go to /janus, session verbs to /janus/<sid>, handle verbs to /janus/<sid>/<hid>.
BOOST_AUTO_TEST_CASE(post_targets) {
  const std::pair<const char*, const char*> rows[] = {
      {R"({"janus":"create","transaction":"t"})", "/janus"},
      {R"({"janus":"attach","session_id":12,"plugin":"janus.plugin.echotest"})", "/janus/12"},
      {R"({"janus":"keepalive","session_id":12})", "/janus/12"},
      {R"({"janus":"message","session_id":12,"handle_id":34,"body":{}})", "/janus/12/34"},
      {R"({"janus":"trickle","session_id":12,"handle_id":34,"candidate":{"completed":true}})", "/janus/12/34"},
      {R"({"janus":"info","handle_id":34})", "/janus"},
  };
  for (const auto& [text, target] : rows) {
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(HttpTransport::targetFor("/janus", Json::parse(text)) == target);
    }
  }
}
