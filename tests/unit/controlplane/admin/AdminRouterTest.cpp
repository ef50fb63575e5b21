#define BOOST_TEST_MODULE controlplane_admin
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/log/Log.hpp"
#include "tests/unit/controlplane/RouterFixture.hpp"

using namespace portunus::cp;
using namespace portunus::cp::test;

namespace {
const std::string kSecret = "janusoverlord";
json adminReq(const std::string& verb, json extra = json::object()) {
  json r = {{"janus", verb}, {"transaction", "t"}, {"admin_secret", kSecret}};
  r.update(extra);
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(secret_is_required_except_for_info_and_ping) {
  RouterFixture f;
  BOOST_TEST(f.adminRequest({{"janus", "ping"}, {"transaction", "t"}})["janus"] == "pong");
  BOOST_TEST(f.adminRequest({{"janus", "info"}, {"transaction", "t"}})["janus"] == "server_info");
  for (const json& secret : {json(nullptr), json("wrong"), json(5)}) {
    json req = {{"janus", "list_sessions"}, {"transaction", "t"}};
    if (!secret.is_null()) req["admin_secret"] = secret;
    const json r = f.adminRequest(req);
    BOOST_TEST(errorCode(r) == 403);
    BOOST_TEST(errorReason(r) == "Unauthorized request (wrong or missing secret/token)");
  }
  const json r = f.adminRequest({{"janus", "ping"}});
  BOOST_TEST(errorCode(r) == 456);
  BOOST_TEST(!r.contains("transaction"));
}

BOOST_AUTO_TEST_CASE(sessions_handles_and_handle_info) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  json r = f.adminRequest(adminReq("list_sessions"));
  BOOST_TEST(r["sessions"] == json::array({sid}));
  r = f.adminRequest(adminReq("list_handles"));
  BOOST_TEST(errorCode(r) == 457);
  BOOST_TEST(errorReason(r) == "Unhandled request 'list_handles' at this path");
  r = f.adminRequest(adminReq("list_handles"), sid);
  BOOST_TEST(r["session_id"] == sid);
  BOOST_TEST(r["handles"] == json::array({hid}));
  r = f.adminRequest(adminReq("list_handles", {{"session_id", sid}}));  // WebSocket style: ids in the body
  BOOST_TEST(r["handles"] == json::array({hid}));
  r = f.adminRequest(adminReq("list_handles"), 5);
  BOOST_TEST(errorCode(r) == 458);
  BOOST_TEST(errorReason(r) == "No such session 5");

  r = f.adminRequest(adminReq("handle_info"), sid, hid);
  BOOST_TEST(r["janus"] == "success");
  BOOST_TEST(r["handle_id"] == hid);
  const json& info = r["info"];
  for (const char* key :
       {"session_id", "session_last_activity", "session_timeout", "session_transport", "handle_id", "loop-running",
        "created", "current_time", "plugin", "plugin_specific", "flags", "sdps", "queued-packets"})
    BOOST_TEST(info.contains(key), key);
  BOOST_TEST(!info.contains("pending-trickles"));  // only while trickles are queued, as Janus
  BOOST_TEST(info["plugin"] == "janus.plugin.echotest");
  BOOST_TEST(info["session_transport"] == "test.transport");
  BOOST_TEST(info["plugin_specific"]["audio_active"] == true);
  BOOST_TEST(info["flags"]["got-offer"] == false);
  r = f.adminRequest(adminReq("handle_info", {{"plugin_only", true}}), sid, hid);
  BOOST_TEST(!r["info"].contains("flags"));
  BOOST_TEST(r["info"].contains("plugin_specific"));
  r = f.adminRequest(adminReq("handle_info"), sid, 5);
  BOOST_TEST(errorCode(r) == 459);
}

// Ids as Janus's Admin API reads them: integers only (negatives wrap); a handle_id that is there but no id, null
// included, is 458 "Session not found" (so is a handle without a session); REST lets the path win over a body id
// that is no integer.
BOOST_AUTO_TEST_CASE(ids_of_other_types_are_read_as_janus_admin_reads_them) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  for (const json& wrong : {json("x"), json(0), json(1.5), json(nullptr), json::array({1})}) {
    json r = f.adminRequest(adminReq("list_handles", {{"session_id", sid}, {"handle_id", wrong}}));
    BOOST_TEST(errorReason(r) == "Session not found", wrong.dump());
    BOOST_TEST(r["session_id"] == sid);
    r = f.adminRequest(adminReq("handle_info", {{"session_id", wrong}, {"handle_id", wrong}}), sid, hid);
    BOOST_TEST(r["janus"] == "success", wrong.dump());
  }
  json r = f.adminRequest(adminReq("get_status", {{"handle_id", 5}}));
  BOOST_TEST(
      r ==
      (json{{"janus", "error"}, {"transaction", "t"}, {"error", {{"code", 458}, {"reason", "Session not found"}}}}));
  r = f.adminRequest(adminReq("list_handles", {{"session_id", -1}}));
  BOOST_TEST(errorReason(r) == "No such session 18446744073709551615");
  BOOST_TEST(r["session_id"] == -1);
  r = f.adminRequest(adminReq("list_handles", {{"session_id", 5}}), sid);
  BOOST_TEST(errorReason(r) == "Conflicting session ID (payload and path)");
}

BOOST_AUTO_TEST_CASE(teardown_requests) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const std::uint64_t hid2 = f.attach(sid);
  f.sink->events.clear();
  json r = f.adminRequest(adminReq("hangup_webrtc"), sid, hid);
  BOOST_TEST(r == (json{{"janus", "success"}, {"session_id", sid}, {"transaction", "t"}}));
  r = f.adminRequest(adminReq("detach_handle"), sid, hid);
  BOOST_TEST(r["janus"] == "success");
  f.waitEvents(2);
  BOOST_TEST(f.registry.find(sid)->handles().size() == 1u);
  BOOST_TEST(f.registry.find(sid)->handle(hid2) != nullptr);
  r = f.adminRequest(adminReq("destroy_session"), sid);
  BOOST_TEST(r["janus"] == "success");
  BOOST_TEST(!f.router.sessionExists(sid));
}

BOOST_AUTO_TEST_CASE(runtime_setters) {
  RouterFixture f;
  json r = f.adminRequest(adminReq("accept_new_sessions"));
  BOOST_TEST(errorCode(r) == 456);
  BOOST_TEST(errorReason(r) == "Missing mandatory element (accept)");
  r = f.adminRequest(adminReq("accept_new_sessions", {{"accept", false}}));
  BOOST_TEST(r["accept"] == false);
  BOOST_TEST(errorCode(f.request({{"janus", "create"}, {"transaction", "c"}})) == 472);
  f.adminRequest(adminReq("accept_new_sessions", {{"accept", true}}));
  const std::uint64_t sid = f.createSession();

  r = f.adminRequest(adminReq("set_session_timeout"));
  BOOST_TEST(errorReason(r) == "Missing mandatory element (timeout)");
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", "x"}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (timeout should be a positive integer)");
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", 120}}));
  BOOST_TEST(r["timeout"] == 120);
  BOOST_TEST(f.router.general().session_timeout == 120);
  // Per session any integer is of the right type, and -1 goes back to the global timeout; null is of the wrong one.
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", 1.5}}), sid);
  BOOST_TEST(errorReason(r) == "Invalid element type (timeout should be an integer)");
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", nullptr}}), sid);
  BOOST_TEST(errorReason(r) == "Invalid element type (timeout should be an integer)");
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", -5}}), sid);
  BOOST_TEST(errorReason(r) == "Invalid element type (timeout should be a non-negative integer or -1)");
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", 7}}), sid);
  BOOST_TEST(r["timeout"] == 7);
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", -1}}), sid);
  BOOST_TEST(r["timeout"] == -1);
  f.clock.advance(std::chrono::seconds(7));
  f.router.sweep();
  BOOST_TEST(f.router.sessionExists(sid));  // back on the global 120 s
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", nullptr}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (timeout should be a positive integer)");
  r = f.adminRequest(adminReq("set_session_timeout", {{"timeout", 5}}), sid);
  BOOST_TEST(r["timeout"] == 5);
  BOOST_TEST(r["session_id"] == sid);
  f.clock.advance(std::chrono::seconds(5));
  f.router.sweep();
  BOOST_TEST(!f.router.sessionExists(sid));  // its own 5 s, not the global 120 s

  r = f.adminRequest(adminReq("set_log_level", {{"level", 9}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (level should be between 0 and 7)");
  r = f.adminRequest(adminReq("set_log_level", {{"level", "x"}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (level should be a positive integer)");
  r = f.adminRequest(adminReq("set_log_level", {{"level", 3}}));
  BOOST_TEST(r["level"] == 3);
  BOOST_TEST(f.adminRequest(adminReq("get_status"))["status"]["log_level"] == 3);
  portunus::log::setThreshold(portunus::log::Level::Info);

  r = f.adminRequest(adminReq("get_status"));
  for (const char* key : {"token_auth", "session_timeout", "reclaim_session_timeout", "candidates_timeout", "log_level",
                          "min_nack_queue", "no_media_timer", "slowlink_threshold", "dataplane"})
    BOOST_TEST(r["status"].contains(key), key);
  BOOST_TEST(r["status"]["dataplane"].is_null());
  f.admin.setDataplaneStatus([] { return json{{"workers", 1}}; });
  BOOST_TEST(f.adminRequest(adminReq("get_status"))["status"]["dataplane"]["workers"] == 1);

  BOOST_TEST(errorCode(f.adminRequest(adminReq("foo"))) == 457);
}

BOOST_AUTO_TEST_CASE(message_plugin_echoes_for_echotest) {
  RouterFixture f;
  json r =
      f.adminRequest(adminReq("message_plugin", {{"plugin", "janus.plugin.echotest"}, {"request", {{"audio", true}}}}));
  BOOST_TEST(r == (json{{"janus", "success"}, {"transaction", "t"}, {"response", {{"audio", true}}}}));
  r = f.adminRequest(adminReq("message_plugin", {{"plugin", "janus.plugin.echotest"}}));
  BOOST_TEST(r["response"] == json::object());
  r = f.adminRequest(adminReq("message_plugin", {{"plugin", "janus.plugin.nope"}}));
  BOOST_TEST(errorCode(r) == 460);
  BOOST_TEST(errorReason(r) == "Invalid plugin");
  r = f.adminRequest(adminReq("message_plugin"));
  BOOST_TEST(errorReason(r) == "Missing mandatory element (plugin)");
}

BOOST_AUTO_TEST_CASE(token_requests_need_token_auth) {
  RouterFixture f;
  for (const char* verb : {"add_token", "list_tokens", "allow_token", "disallow_token", "remove_token"}) {
    const json r = f.adminRequest(adminReq(verb, {{"token", "x"}}));
    BOOST_TEST(errorCode(r) == 490, verb);
    BOOST_TEST(errorReason(r) == "Stored-Token based authentication disabled");
  }
}

BOOST_AUTO_TEST_CASE(token_lifecycle) {
  RouterFixture f("general: {token_auth: true}");
  json r = f.adminRequest(adminReq("add_token"));
  BOOST_TEST(errorReason(r) == "Missing mandatory element (token)");
  r = f.adminRequest(adminReq("add_token", {{"token", "t1"}}));
  BOOST_TEST(r["data"]["plugins"] == json::array({"janus.plugin.echotest"}));  // all plugins by default
  r = f.adminRequest(adminReq("add_token", {{"token", "t2"}, {"plugins", json::array({"nope"})}}));
  BOOST_TEST(r["data"]["plugins"] == json::array());  // unknown plugins are skipped
  r = f.adminRequest(adminReq("add_token", {{"token", "t3"}, {"plugins", "x"}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (plugins should be an array)");
  r = f.adminRequest(adminReq("list_tokens"));
  BOOST_TEST(r["data"]["tokens"].size() == 2u);

  const std::uint64_t sid = f.request({{"janus", "create"}, {"transaction", "c"}, {"token", "t2"}})["data"]["id"];
  const json attach = {{"janus", "attach"},
                       {"transaction", "a"},
                       {"session_id", sid},
                       {"token", "t2"},
                       {"plugin", "janus.plugin.echotest"}};
  BOOST_TEST(errorCode(f.request(attach)) == 405);
  r = f.adminRequest(adminReq("allow_token", {{"token", "t2"}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (plugins should be a non-empty array)");
  r = f.adminRequest(adminReq("allow_token", {{"token", "t2"}, {"plugins", json::array({"nope"})}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (some of the provided plugins are invalid)");
  r = f.adminRequest(adminReq("allow_token", {{"token", "zz"}, {"plugins", json::array({"janus.plugin.echotest"})}}));
  BOOST_TEST(errorCode(r) == 470);
  BOOST_TEST(errorReason(r) == "Token zz not found");
  r = f.adminRequest(adminReq("allow_token", {{"token", "t2"}, {"plugins", json::array({"janus.plugin.echotest"})}}));
  BOOST_TEST(r["data"]["plugins"] == json::array({"janus.plugin.echotest"}));
  BOOST_TEST(f.request(attach)["janus"] == "success");
  r = f.adminRequest(
      adminReq("disallow_token", {{"token", "t2"}, {"plugins", json::array({"janus.plugin.echotest"})}}));
  BOOST_TEST(r["data"]["plugins"] == json::array());
  BOOST_TEST(errorCode(f.request(attach)) == 405);
  r = f.adminRequest(adminReq("remove_token", {{"token", "t2"}}));
  BOOST_TEST(r == (json{{"janus", "success"}, {"transaction", "t"}}));
  r = f.adminRequest(adminReq("remove_token", {{"token", "t2"}}));
  BOOST_TEST(errorCode(r) == 490);
  BOOST_TEST(errorReason(r) == "Error removing token");
  BOOST_TEST(errorCode(f.request(
                 {{"janus", "keepalive"}, {"transaction", "k"}, {"session_id", sid}, {"token", "t2"}})) == 403);
}

// Janus's admin WebSocket answers anything that is not a JSON object (malformed text, scalars, arrays) with 456,
// where admin REST says 454 / 455.
struct AdminTextCase {
  const char* name;
  const char* text;
  int rest;
  int ws;
};
std::ostream& operator<<(std::ostream& os, const AdminTextCase& c) {
  return os << c.name;
}
const AdminTextCase kAdminTexts[] = {
    {"array", "[1]", 455, 456},
    {"empty array", "[]", 455, 456},
    {"array of a request", R"([{"janus":"ping","transaction":"t"}])", 455, 456},
    {"number", "5", 454, 456},
    {"null", "null", 454, 456},
    {"malformed", "{bad", 454, 456},
    {"empty", "", 454, 456},
};

BOOST_DATA_TEST_CASE(admin_non_objects_rest_and_websocket, boost::unit_test::data::make(kAdminTexts), c) {
  RouterFixture f;
  for (const auto style : {ParseStyle::Rest, ParseStyle::WebSocket}) {
    std::optional<json> reply;
    f.admin.handleText(c.text, style, RequestContext{}, [&](json r) { reply = std::move(r); });
    BOOST_REQUIRE(reply.has_value());
    const int want = style == ParseStyle::Rest ? c.rest : c.ws;
    BOOST_TEST(errorCode(*reply) == want);
    BOOST_TEST(!reply->contains("transaction"));
    if (style == ParseStyle::WebSocket) BOOST_TEST(errorReason(*reply) == "Missing mandatory element (transaction)");
  }
}
