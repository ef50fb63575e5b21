#define BOOST_TEST_MODULE controlplane_admin
#include <atomic>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <future>
#include <tuple>
#include <vector>

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

// Janus 1.1.2's other global setters (admin.html's Settings tab), each field checked as Janus checks it (measured
// against the Debian janus binary): 456 missing, 467 of the wrong type or negative; integers keep their low 32 bits.
struct SettingCase {
  const char* verb;
  const char* field;
  json value;
  int code;            // 0: success
  const char* reason;  // the error's, or the reply key on success
  json echoed;         // on success: the reply's value
};
std::ostream& operator<<(std::ostream& os, const SettingCase& c) {
  return os << c.verb << " " << c.value.dump();
}
const SettingCase kSettingCases[] = {
    {"set_no_media_timer", "no_media_timer", 3, 0, "no_media_timer", 3},
    {"set_no_media_timer", "no_media_timer", 0, 0, "no_media_timer", 0},
    {"set_no_media_timer", "no_media_timer", 2147483648LL, 0, "no_media_timer", 2147483648LL},
    {"set_no_media_timer", "no_media_timer", 1099511627776LL, 0, "no_media_timer", 0},
    {"set_no_media_timer", "no_media_timer", -1, 467,
     "Invalid element type (no_media_timer should be a positive integer)", nullptr},
    {"set_no_media_timer", "no_media_timer", 1.5, 467,
     "Invalid element type (no_media_timer should be a positive integer)", nullptr},
    {"set_no_media_timer", "no_media_timer", nullptr, 467,
     "Invalid element type (no_media_timer should be a positive integer)", nullptr},
    {"set_no_media_timer", "no_media_timer", "3", 467,
     "Invalid element type (no_media_timer should be a positive integer)", nullptr},
    {"set_slowlink_threshold", "slowlink_threshold", 7, 0, "slowlink_threshold", 7},
    {"set_slowlink_threshold", "slowlink_threshold", true, 467,
     "Invalid element type (slowlink_threshold should be a positive integer)", nullptr},
    {"set_libnice_debug", "debug", false, 0, "libnice_debug", false},
    {"set_libnice_debug", "debug", 1, 467, "Invalid element type (debug should be a boolean)", nullptr},
    {"set_log_timestamps", "timestamps", true, 0, "log_timestamps", true},
    {"set_log_timestamps", "timestamps", "yes", 467, "Invalid element type (timestamps should be a boolean)", nullptr},
    {"set_log_colors", "colors", false, 0, "log_colors", false},
    {"set_log_colors", "colors", nullptr, 467, "Invalid element type (colors should be a boolean)", nullptr},
    {"set_locking_debug", "debug", false, 0, "locking_debug", false},
    {"set_locking_debug", "debug", true, 490,
     "Locking debug is not available in portunusd (no such trace to switch on)", nullptr},
    {"set_refcount_debug", "debug", false, 0, "refcount_debug", false},
    {"set_refcount_debug", "debug", true, 490,
     "Reference counter debug is not available in portunusd (no such trace to switch on)", nullptr},
    {"set_refcount_debug", "debug", 0, 467, "Invalid element type (debug should be a boolean)", nullptr},
    {"set_min_nack_queue", "min_nack_queue", 300, 490,
     "The NACK queue is not adjustable in portunusd: every video stream keeps its last 512 packets", nullptr},
    {"set_min_nack_queue", "min_nack_queue", -3, 467,
     "Invalid element type (min_nack_queue should be a positive integer)", nullptr},
};

BOOST_DATA_TEST_CASE(janus_setters, boost::unit_test::data::make(kSettingCases), c) {
  RouterFixture f;
  MediaSettings settings(1, 0);
  int changes = 0;
  settings.setListener([&] { ++changes; });
  f.admin.setMediaSettings(&settings);
  json r = f.adminRequest(adminReq(c.verb));
  BOOST_TEST(errorCode(r) == 456);
  BOOST_TEST(errorReason(r) == "Missing mandatory element (" + std::string(c.field) + ")");
  r = f.adminRequest(adminReq(c.verb, {{c.field, c.value}}));
  if (c.code) {
    BOOST_TEST(errorCode(r) == c.code);
    BOOST_TEST(errorReason(r) == c.reason);
    BOOST_TEST(changes == 0);
  } else {
    BOOST_TEST(r["janus"] == "success");
    BOOST_TEST(r[c.reason] == c.echoed);
    BOOST_TEST(!r.contains("session_id"));
    // What the reply says is what get_status says from then on.
    BOOST_TEST(f.adminRequest(adminReq("get_status"))["status"][c.reason] == c.echoed);
  }
  portunus::log::setTimestamps(true);
  portunus::log::setColors(false);
}

BOOST_AUTO_TEST_CASE(media_settings_reach_their_listener) {
  RouterFixture f;
  MediaSettings settings(1, 0);
  std::vector<std::tuple<std::uint32_t, std::uint32_t, bool>> seen;
  settings.setListener(
      [&] { seen.emplace_back(settings.noMediaTimer(), settings.slowlinkThreshold(), settings.libniceDebug()); });
  // Without the media layer's settings those three are unknown here; get_status shows the `media:` config.
  BOOST_TEST(errorCode(f.adminRequest(adminReq("set_no_media_timer", {{"no_media_timer", 2}}))) == 457);
  f.admin.setMediaSettings(&settings);
  f.adminRequest(adminReq("set_no_media_timer", {{"no_media_timer", 4}}));
  f.adminRequest(adminReq("set_slowlink_threshold", {{"slowlink_threshold", 9}}));
  f.adminRequest(adminReq("set_libnice_debug", {{"debug", true}}));
  f.adminRequest(adminReq("set_no_media_timer", {{"no_media_timer", "x"}}));  // refused: no change
  BOOST_TEST(seen.size() == 3u);
  BOOST_TEST((seen.back() == std::make_tuple(4u, 9u, true)));
  const json status = f.adminRequest(adminReq("get_status"))["status"];
  BOOST_TEST(status["no_media_timer"] == 4);
  BOOST_TEST(status["slowlink_threshold"] == 9);
  BOOST_TEST(status["libnice_debug"] == true);
}

BOOST_AUTO_TEST_CASE(query_transport_names_a_transport_that_takes_no_queries) {
  RouterFixture f;
  f.router.setTransports({{"janus.transport.http", "REST", ""}});
  json r = f.adminRequest(adminReq("query_transport"));
  BOOST_TEST(errorReason(r) == "Missing mandatory element (transport)");
  r = f.adminRequest(adminReq("query_transport", {{"transport", 5}}));
  BOOST_TEST(errorCode(r) == 467);
  r = f.adminRequest(adminReq("query_transport", {{"transport", "janus.transport.http"}, {"request", 5}}));
  BOOST_TEST(errorReason(r) == "Invalid element type (request should be an object)");
  r = f.adminRequest(adminReq("query_transport", {{"transport", "janus.transport.pfunix"}}));
  BOOST_TEST(errorCode(r) == 460);
  BOOST_TEST(errorReason(r) == "Invalid transport");
  r = f.adminRequest(adminReq("query_transport", {{"transport", "janus.transport.http"}, {"request", json::object()}}));
  BOOST_TEST(errorCode(r) == 490);
  BOOST_TEST(errorReason(r) == "Transport plugin doesn't support queries");
}

BOOST_AUTO_TEST_CASE(loops_info_and_custom_logline) {
  RouterFixture f;
  json r = f.adminRequest(adminReq("loops_info"));
  BOOST_TEST(r == (json{{"janus", "success"}, {"transaction", "t"}, {"loops", json::array()}}));
  f.admin.setLoopsInfo([] { return json::array({{{"id", 0}, {"handles", 2}}}); });
  BOOST_TEST(f.adminRequest(adminReq("loops_info"))["loops"][0]["handles"] == 2);

  BOOST_TEST(errorReason(f.adminRequest(adminReq("custom_logline"))) == "Missing mandatory element (line)");
  BOOST_TEST(errorReason(f.adminRequest(adminReq("custom_logline", {{"line", 5}}))) ==
             "Invalid element type (line should be a string)");
  BOOST_TEST(errorReason(f.adminRequest(adminReq("custom_logline", {{"line", "x"}, {"level", -1}}))) ==
             "Invalid element type (level should be a positive integer)");
  for (const json& level : {json(3), json(0), json(9)}) {  // 0: not printed; above 7: info, as Janus
    r = f.adminRequest(adminReq("custom_logline", {{"line", "from the admin"}, {"level", level}}));
    BOOST_TEST(r == (json{{"janus", "success"}, {"transaction", "t"}}));
  }
}

BOOST_AUTO_TEST_CASE(resolve_address_as_janus_resolves) {
  RouterFixture f;
  BOOST_TEST(errorReason(f.adminRequest(adminReq("resolve_address"))) == "Missing mandatory element (address)");
  BOOST_TEST(errorReason(f.adminRequest(adminReq("resolve_address", {{"address", 5}}))) ==
             "Invalid element type (address should be a string)");
  for (const auto& [name, ip] : {std::pair{"127.0.0.1", "127.0.0.1"}, std::pair{"::1", "::1"}}) {
    const json r = f.adminRequest(adminReq("resolve_address", {{"address", name}}));
    BOOST_TEST(r["janus"] == "success", name);
    BOOST_TEST(r["ip"] == ip);
    BOOST_TEST((r["elapsed"].is_number_integer() && r["elapsed"] >= 0));
  }
  const json r = f.adminRequest(adminReq("resolve_address", {{"address", ""}}));
  BOOST_TEST(errorCode(r) == 490);
  BOOST_TEST(errorReason(r) == "Could not resolve address");
}

BOOST_AUTO_TEST_CASE(test_stun_checks_its_fields_first) {
  RouterFixture f;
  BOOST_TEST(errorReason(f.adminRequest(adminReq("test_stun"))) == "Missing mandatory element (address)");
  BOOST_TEST(errorReason(f.adminRequest(adminReq("test_stun", {{"address", "127.0.0.1"}}))) ==
             "Missing mandatory element (port)");
  BOOST_TEST(errorReason(f.adminRequest(adminReq("test_stun", {{"address", "127.0.0.1"}, {"port", -1}}))) ==
             "Invalid element type (port should be a positive integer)");
  BOOST_TEST(errorReason(f.adminRequest(
                 adminReq("test_stun", {{"address", "127.0.0.1"}, {"port", 3478}, {"localport", "x"}}))) ==
             "Invalid element type (localport should be a positive integer)");
  // Without the daemon's STUN client (the unit fixture has none) the request is unknown here; the integration tier
  // runs it against a STUN server.
  BOOST_TEST(errorCode(f.adminRequest(adminReq("test_stun", {{"address", "127.0.0.1"}, {"port", 3478}}))) == 457);
}

BOOST_AUTO_TEST_CASE(address_probes_hold_no_plugin_worker) {
  // Two test_stun requests toward a server that has not answered yet (the tester waits until released): they run on
  // the Admin API's own thread, one after the other, and a plugin request is answered meanwhile (the fixture's
  // plugin pool has two workers, which two probes would otherwise hold).
  std::promise<void> release;  // outlives the fixture, whose teardown waits for the probes
  const std::shared_future<void> released = release.get_future().share();
  std::atomic<int> started{0};
  RouterFixture f;
  struct Release {  // on every way out of the test, before the fixture's teardown
    std::promise<void>& p;
    bool done = false;
    ~Release() {
      if (!done) p.set_value();
    }
  } guard{release};
  f.admin.setStunTester([&](const sockaddr*, socklen_t, std::uint16_t) -> std::optional<StunMapping> {
    ++started;
    released.wait();
    return std::nullopt;
  });
  std::vector<json> probes;
  for (const char* tx : {"p1", "p2"}) {
    json req = adminReq("test_stun", {{"address", "127.0.0.1"}, {"port", 3478}});
    req["transaction"] = tx;
    f.admin.handle(req, RequestContext{nullptr, {}, {}}, [&](json r) { probes.push_back(std::move(r)); });
  }
  f.runUntil([&] { return started == 1; });
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  f.sink->events.clear();
  const json ack = f.request({{"janus", "message"},
                              {"transaction", "m"},
                              {"session_id", sid},
                              {"handle_id", hid},
                              {"body", {{"audio", true}}}});
  BOOST_TEST(ack["janus"] == "ack");
  f.waitEvents(1);
  BOOST_REQUIRE(f.sink->events.size() == 1u);
  BOOST_TEST(f.sink->events.front()["transaction"] == "m");
  BOOST_TEST(probes.empty());
  BOOST_TEST(started == 1);  // the second probe waits for the first
  guard.done = true;
  release.set_value();
  f.runUntil([&] { return probes.size() == 2; });
  BOOST_REQUIRE(probes.size() == 2u);
  BOOST_TEST(probes[0]["transaction"] == "p1");
  BOOST_TEST(probes[1]["transaction"] == "p2");
  for (const json& r : probes)
    BOOST_TEST(errorCode(r) == 490);
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
