#define BOOST_TEST_MODULE controlplane_core_router
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <set>

#include "tests/unit/controlplane/RouterFixture.hpp"

using namespace portunus::cp;
using namespace portunus::cp::test;
namespace bdata = boost::unit_test::data;

// ---------------------------------------------------------------------------------------------------------------
// Envelope rules: the request text and its mandatory fields. None of these echo the transaction.
struct TextCase {
  const char* name;
  const char* text;
  int code;
  const char* reasonStart;
};
std::ostream& operator<<(std::ostream& os, const TextCase& c) {
  return os << c.name;
}

const TextCase kTextCases[] = {
    {"malformed JSON", "{bad json", 454, "JSON error: "},
    {"empty body", "", 454, "JSON error: "},
    {"array", "[1,2]", 455, "JSON error: not an object"},
    {"string", "\"x\"", 454, "JSON error: "},  // a bare scalar is a syntax error, as in Janus
    {"number", "5", 454, "JSON error: "},
    {"null", "null", 454, "JSON error: "},
    {"invalid UTF-8", "{\"janus\":\"ping\",\"transaction\":\"\xff\xfe\"}", 454, "JSON error: "},
    {"no transaction", R"({"janus":"create"})", 456, "Missing mandatory element (transaction)"},
    {"no janus", R"({"transaction":"t"})", 456, "Missing mandatory element (janus)"},
    {"transaction not a string", R"({"janus":"ping","transaction":5})", 467,
     "Invalid element type (transaction should be a string)"},
    {"janus not a string", R"({"janus":5,"transaction":"t"})", 467, "Invalid element type (janus should be a string)"},
    {"transaction null", R"({"janus":"ping","transaction":null})", 467,
     "Invalid element type (transaction should be a string)"},
    {"janus null", R"({"janus":null,"transaction":"t"})", 467, "Invalid element type (janus should be a string)"},
};

BOOST_DATA_TEST_CASE(envelope_errors_have_no_transaction, bdata::make(kTextCases), c) {
  RouterFixture f;
  const json reply = f.text(c.text);
  BOOST_TEST(reply["janus"] == "error");
  BOOST_TEST(errorCode(reply) == c.code);
  BOOST_TEST(errorReason(reply).rfind(c.reasonStart, 0) == 0, errorReason(reply));
  BOOST_TEST(!reply.contains("transaction"));
  BOOST_TEST(!reply.contains("session_id"));
}

BOOST_AUTO_TEST_CASE(websocket_parse_errors_use_the_websocket_wording) {
  RouterFixture f;
  const json reply = f.text("not json", ParseStyle::WebSocket);
  BOOST_TEST(errorCode(reply) == 454);
  BOOST_TEST(errorReason(reply).rfind("Invalid Janus API request - ", 0) == 0);
  // Janus's WS transport hands arrays to the core, which finds no transaction in them.
  BOOST_TEST(
      f.text(R"([{"janus":"ping","transaction":"t"}])", ParseStyle::WebSocket) ==
      (json{{"janus", "error"}, {"error", {{"code", 456}, {"reason", "Missing mandatory element (transaction)"}}}}));
}

BOOST_AUTO_TEST_CASE(nesting_beyond_2048_is_a_syntax_error) {
  RouterFixture f;
  auto nested = [](std::size_t depth) {
    return R"({"janus":"ping","transaction":"t","x":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
  };
  BOOST_TEST(f.text(nested(2047)) == (json{{"janus", "pong"}, {"transaction", "t"}}));  // 2048 with the outer object
  const json deep = f.text(nested(2048));
  BOOST_TEST(errorCode(deep) == 454);
  BOOST_TEST(errorReason(deep) == "JSON error: on line 1: maximum parsing depth reached");
  // Brackets inside strings do not count.
  const std::string brackets = std::string(R"({"janus":"ping","transaction":")") + std::string(5000, '[') + "\"}";
  BOOST_TEST(f.text(brackets)["janus"] == "pong");
}

BOOST_AUTO_TEST_CASE(verbs_are_case_insensitive_and_quoted_as_sent) {
  RouterFixture f;
  BOOST_TEST(f.request({{"janus", "PING"}, {"transaction", "p"}})["janus"] == "pong");
  const std::uint64_t sid = f.request({{"janus", "Create"}, {"transaction", "c"}})["data"]["id"];
  BOOST_TEST(f.request({{"janus", "KeepAlive"}, {"transaction", "k"}, {"session_id", sid}})["janus"] == "ack");
  const json r = f.request({{"janus", "Foo"}, {"transaction", "f"}, {"session_id", sid}});
  BOOST_TEST(errorCode(r) == 453);
  BOOST_TEST(errorReason(r) == "Unknown request 'Foo'");
  BOOST_TEST(errorReason(f.request({{"janus", "ATTACH"}, {"transaction", "a"}})) ==
             "Unhandled request 'ATTACH' at this path");
  BOOST_TEST(f.request({{"janus", "DESTROY"}, {"transaction", "d"}, {"session_id", sid}})["janus"] == "success");
}

BOOST_AUTO_TEST_CASE(missing_transaction_on_a_session_names_the_session) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  BOOST_TEST(f.request({{"janus", "keepalive"}}, nullptr, sid) ==
             (json{{"janus", "error"},
                   {"session_id", sid},
                   {"error", {{"code", 456}, {"reason", "Missing mandatory element (transaction)"}}}}));
}

BOOST_AUTO_TEST_CASE(create_with_an_invalid_id_does_not_echo_the_transaction) {
  RouterFixture f;
  for (const json& id : {json("12"), json(-5), json(1.5), json(true), json(std::uint64_t{1} << 53)}) {
    BOOST_TEST_CONTEXT(id.dump()) {
      const json r = f.request({{"janus", "create"}, {"transaction", "c"}, {"id", id}});
      BOOST_TEST(r == (json{{"janus", "error"},
                            {"error",
                             {{"code", 467}, {"reason", "Invalid element type (id should be a positive integer)"}}}}));
    }
  }
}

BOOST_AUTO_TEST_CASE(keepalive_and_claim_work_on_a_handle_path) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  BOOST_TEST(f.request({{"janus", "keepalive"}, {"transaction", "k"}}, nullptr, sid, hid) ==
             (json{{"janus", "ack"}, {"session_id", sid}, {"transaction", "k"}}));
  auto other = std::make_shared<RecordingSink>();
  BOOST_TEST(f.request({{"janus", "claim"}, {"transaction", "c"}}, other, sid, hid) ==
             (json{{"janus", "success"}, {"session_id", sid}, {"transaction", "c"}}));
  BOOST_TEST(f.router.sessionOwnedBy(sid, other.get()));
  BOOST_TEST(!f.router.sessionOwnedBy(sid, f.sink.get()));
  BOOST_TEST(errorCode(f.request({{"janus", "attach"}, {"transaction", "a"}, {"plugin", "janus.plugin.echotest"}},
                                 nullptr, sid, hid)) == 457);
}

// ---------------------------------------------------------------------------------------------------------------
// Root requests.
BOOST_AUTO_TEST_CASE(ping_info_create) {
  RouterFixture f;
  json r = f.request({{"janus", "ping"}, {"transaction", "p"}});
  BOOST_TEST(r == (json{{"janus", "pong"}, {"transaction", "p"}}));
  r = f.request({{"janus", "info"}, {"transaction", "i"}});
  BOOST_TEST(r["janus"] == "server_info");
  BOOST_TEST(r["transaction"] == "i");
  BOOST_TEST(r["version_string"] == "1.1.2");
  BOOST_TEST(r["session-timeout"] == 60);
  BOOST_TEST(r["plugins"].contains("janus.plugin.echotest"));
  BOOST_TEST(r["plugins"]["janus.plugin.echotest"]["version"] == 7);
  r = f.request({{"janus", "create"}, {"transaction", "c"}});
  BOOST_TEST(r["janus"] == "success");
  BOOST_TEST(r["transaction"] == "c");
  BOOST_TEST(!r.contains("session_id"));
  const std::uint64_t id = r["data"]["id"];
  BOOST_TEST(id > 0u);
  BOOST_TEST(id < (std::uint64_t{1} << 53));
  BOOST_TEST(f.router.sessionExists(id));
}

BOOST_AUTO_TEST_CASE(create_honours_a_requested_id_and_refuses_a_taken_one) {
  RouterFixture f;
  json r = f.request({{"janus", "create"}, {"transaction", "c"}, {"id", 12345}});
  BOOST_TEST(r["data"]["id"] == 12345);
  r = f.request({{"janus", "create"}, {"transaction", "c"}, {"id", 12345}});
  BOOST_TEST(errorCode(r) == 468);
  BOOST_TEST(errorReason(r) == "Session ID already in use");
  BOOST_TEST(r["session_id"] == 12345);
  r = f.request({{"janus", "create"}, {"transaction", "c"}, {"id", "abc"}});
  BOOST_TEST(errorCode(r) == 467);
  BOOST_TEST(errorReason(r) == "Invalid element type (id should be a positive integer)");
  r = f.request({{"janus", "create"}, {"transaction", "c"}, {"id", -5}});
  BOOST_TEST(errorCode(r) == 467);
  r = f.request({{"janus", "create"}, {"transaction", "c"}, {"id", 0}});
  BOOST_TEST(r["janus"] == "success");  // 0 means "pick one"
  BOOST_TEST(r["data"]["id"] != 0);
}

BOOST_AUTO_TEST_CASE(not_accepting_new_sessions_is_472) {
  RouterFixture f("general: {accept_new_sessions: false}");
  const json r = f.request({{"janus", "create"}, {"transaction", "c"}});
  BOOST_TEST(errorCode(r) == 472);
  BOOST_TEST(errorReason(r) == "Currently not accepting new sessions");
}

// ---------------------------------------------------------------------------------------------------------------
// Verbs at the wrong level and unknown ids. `level`: 0 root, 1 session, 2 handle.
struct PathCase {
  const char* verb;
  int level;
  int code;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const PathCase& c) {
  return os << c.verb << "@" << c.level;
}

const PathCase kPathCases[] = {
    {"attach", 0, 457, "Unhandled request 'attach' at this path"},
    {"keepalive", 0, 457, "Unhandled request 'keepalive' at this path"},
    {"message", 0, 457, "Unhandled request 'message' at this path"},
    {"foo", 0, 457, "Unhandled request 'foo' at this path"},
    {"message", 1, 457, "Unhandled request 'message' at this path"},
    {"trickle", 1, 457, "Unhandled request 'trickle' at this path"},
    {"hangup", 1, 457, "Unhandled request 'hangup' at this path"},
    {"detach", 1, 457, "Unhandled request 'detach' at this path"},
    {"create", 1, 453, "Unknown request 'create'"},
    {"info", 1, 453, "Unknown request 'info'"},
    {"bla", 1, 453, "Unknown request 'bla'"},
    {"attach", 2, 457, "Unhandled request 'attach' at this path"},
    {"destroy", 2, 457, "Unhandled request 'destroy' at this path"},
    {"ping", 2, 453, "Unknown request 'ping'"},  // claim and keepalive work on a handle (tested below)
    {"bla", 2, 453, "Unknown request 'bla'"},
};

BOOST_DATA_TEST_CASE(verbs_at_the_wrong_level, bdata::make(kPathCases), c) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  json req = {{"janus", c.verb}, {"transaction", "t"}};
  if (c.level >= 1) req["session_id"] = sid;
  if (c.level >= 2) req["handle_id"] = hid;
  const json r = f.request(req);
  BOOST_TEST(errorCode(r) == c.code);
  BOOST_TEST(errorReason(r) == c.reason);
  BOOST_TEST(r["transaction"] == "t");
  BOOST_TEST(r.contains("session_id") == (c.level >= 1));
}

BOOST_AUTO_TEST_CASE(unknown_session_and_handle) {
  RouterFixture f;
  json r = f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", 999}});
  BOOST_TEST(errorCode(r) == 458);
  BOOST_TEST(errorReason(r) == "No such session 999");
  BOOST_TEST(r["session_id"] == 999);
  const std::uint64_t sid = f.createSession();
  r = f.request(
      {{"janus", "message"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", 999}, {"body", json::object()}});
  BOOST_TEST(errorCode(r) == 459);
  BOOST_TEST(errorReason(r) == "No such handle 999 in session " + std::to_string(sid));
}

BOOST_AUTO_TEST_CASE(path_and_body_ids_must_agree) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  json r = f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", 5}}, nullptr, sid);
  BOOST_TEST(errorCode(r) == 457);
  BOOST_TEST(errorReason(r) == "Conflicting session ID (payload and path)");
  BOOST_TEST(!r.contains("transaction"));
  r = f.request({{"janus", "hangup"}, {"transaction", "t"}, {"handle_id", 5}}, nullptr, sid, hid);
  BOOST_TEST(errorReason(r) == "Conflicting handle ID (payload and path)");
  r = f.request({{"janus", "keepalive"}, {"transaction", "t"}}, nullptr, sid);
  BOOST_TEST(r == (json{{"janus", "ack"}, {"session_id", sid}, {"transaction", "t"}}));
  r = f.request({{"janus", "keepalive"}, {"transaction", "t"}}, nullptr, 0);  // "/janus/abc" reads as the root
  BOOST_TEST(errorCode(r) == 457);
}

// Ids as Janus's core reads them: null is absent, a negative integer wraps, anything else is there but 0; REST lets
// the path win over a body id that is no id.
BOOST_AUTO_TEST_CASE(ids_of_other_types_are_read_as_janus_reads_them) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const json ack{{"janus", "ack"}, {"session_id", sid}, {"transaction", "t"}};
  for (const json& wrong : {json("x"), json(0), json(1.5), json(true), json::array({1}), json::object()}) {
    json r = f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", wrong}});
    BOOST_TEST(errorCode(r) == 459, wrong.dump());
    BOOST_TEST(errorReason(r) == "Handle not found");
    BOOST_TEST(r["session_id"] == sid);
    BOOST_TEST(f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", wrong}}, nullptr, sid) == ack,
               wrong.dump());
    r = f.request({{"janus", "hangup"}, {"transaction", "t"}, {"handle_id", wrong}}, nullptr, sid, hid);
    BOOST_TEST(r["janus"] == "success", wrong.dump());
  }
  BOOST_TEST(f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", nullptr}}) ==
             ack);
  json r = f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", -1}});
  BOOST_TEST(errorReason(r) == "No such handle 18446744073709551615 in session " + std::to_string(sid));
  r = f.request({{"janus", "create"}, {"transaction", "t"}, {"session_id", -1}});
  BOOST_TEST(errorReason(r) == "No such session 18446744073709551615");
  BOOST_TEST(r["session_id"] == -1);  // echoed signed, as Janus does
  r = f.request({{"janus", "message"}, {"transaction", "t"}, {"handle_id", hid}, {"body", json::object()}});
  BOOST_TEST(
      r ==
      (json{{"janus", "error"}, {"transaction", "t"}, {"error", {{"code", 458}, {"reason", "Session not found"}}}}));
  // A handle path segment that reads as 0 names nothing: the request is the session's.
  BOOST_TEST(f.request({{"janus", "keepalive"}, {"transaction", "t"}}, nullptr, sid, 0) == ack);
}

BOOST_AUTO_TEST_CASE(id_is_checked_on_every_request) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  for (const json& bad : {json("x"), json(-1), json(nullptr), json(1.5)}) {
    const json r = f.request({{"janus", "keepalive"}, {"transaction", "t"}, {"session_id", sid}, {"id", bad}});
    BOOST_TEST(
        r == (json{{"janus", "error"},
                   {"session_id", sid},
                   {"error", {{"code", 467}, {"reason", "Invalid element type (id should be a positive integer)"}}}}),
        r.dump());
  }
}

BOOST_AUTO_TEST_CASE(a_null_optional_field_is_of_the_wrong_type) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  auto reason = [&](json req) {
    req["transaction"] = "t";
    return errorReason(f.request(req));
  };
  BOOST_TEST(reason({{"janus", "attach"}, {"session_id", sid}, {"plugin", nullptr}}) ==
             "Invalid element type (plugin should be a string)");
  BOOST_TEST(
      reason({{"janus", "attach"}, {"session_id", sid}, {"plugin", "janus.plugin.echotest"}, {"opaque_id", nullptr}}) ==
      "Invalid element type (opaque_id should be a string)");
  BOOST_TEST(reason({{"janus", "message"}, {"session_id", sid}, {"handle_id", hid}, {"body", nullptr}}) ==
             "Invalid element type (body should be an object)");
  BOOST_TEST(reason({{"janus", "message"},
                     {"session_id", sid},
                     {"handle_id", hid},
                     {"body", json::object()},
                     {"jsep", nullptr}}) == "Invalid jsep object");
}

BOOST_AUTO_TEST_CASE(jsep_fields_are_checked_in_janus_order) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const std::pair<json, std::string> cases[] = {
      {{{"type", nullptr}, {"sdp", "v=0"}}, "JSEP error: invalid element type (type should be a string)"},
      {{{"type", "foo"}}, "JSEP error: missing mandatory element (sdp)"},
      {{{"type", "offer"}, {"sdp", "v=0"}, {"trickle", nullptr}},
       "JSEP error: invalid element type (trickle should be a boolean)"},
      {{{"type", "offer"}, {"sdp", "v=0"}, {"e2ee", 5}, {"rid_order", 5}},
       "JSEP error: invalid element type (rid_order should be a string)"},
      {{{"type", "offer"}, {"sdp", "v=0"}, {"force_relay", 5}},
       "JSEP error: invalid element type (force_relay should be a boolean)"},
      {{{"type", "foo"}, {"sdp", "v=0"}, {"e2ee", 5}}, "JSEP error: invalid element type (e2ee should be a boolean)"},
      {{{"type", "foo"}, {"sdp", "v=0"}}, "JSEP error: unknown message type 'foo'"},
  };
  for (const auto& [jsep, expected] : cases) {
    const json r = f.request({{"janus", "message"},
                              {"transaction", "t"},
                              {"session_id", sid},
                              {"handle_id", hid},
                              {"body", json::object()},
                              {"jsep", jsep}});
    BOOST_TEST(errorReason(r) == expected, jsep.dump());
  }
}

// ---------------------------------------------------------------------------------------------------------------
// attach
struct AttachCase {
  const char* name;
  json extra;
  int code;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const AttachCase& c) {
  return os << c.name;
}

BOOST_AUTO_TEST_CASE(attach_validation) {
  const AttachCase cases[] = {
      {"no plugin", json::object(), 456, "Missing mandatory element (plugin)"},
      {"plugin not a string", {{"plugin", 5}}, 467, "Invalid element type (plugin should be a string)"},
      {"unknown plugin", {{"plugin", "janus.plugin.nope"}}, 460, "No such plugin 'janus.plugin.nope'"},
      {"opaque_id not a string",
       {{"plugin", "janus.plugin.echotest"}, {"opaque_id", 5}},
       467,
       "Invalid element type (opaque_id should be a string)"},
      {"loop_index not an integer",
       {{"plugin", "janus.plugin.echotest"}, {"loop_index", "x"}},
       467,
       "Invalid element type (loop_index should be a positive integer)"},
  };
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      json req = {{"janus", "attach"}, {"transaction", "a"}, {"session_id", sid}};
      req.update(c.extra);
      const json r = f.request(req);
      BOOST_TEST(errorCode(r) == c.code);
      BOOST_TEST(errorReason(r) == c.reason);
    }
  }
  const json ok = f.request({{"janus", "attach"},
                             {"transaction", "a"},
                             {"session_id", sid},
                             {"plugin", "janus.plugin.echotest"},
                             {"opaque_id", "op"}});
  BOOST_TEST(ok["janus"] == "success");
  BOOST_TEST(ok["session_id"] == sid);
  BOOST_TEST(ok["data"]["id"].get<std::uint64_t>() > 0u);
}

// ---------------------------------------------------------------------------------------------------------------
// message: ack first, then the event with the same transaction.
BOOST_AUTO_TEST_CASE(message_is_acked_then_answered_by_an_event) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  std::vector<json> order;
  f.sink->events.clear();
  f.router.handle({{"janus", "message"},
                   {"transaction", "m1"},
                   {"session_id", sid},
                   {"handle_id", hid},
                   {"body", {{"audio", true}}}},
                  RequestContext{f.sink, {}, {}}, [&](json r) { order.push_back(r); });
  BOOST_TEST(order.size() == 1u);  // the ack is synchronous, before any plugin work
  BOOST_TEST(order[0] ==
             (json{{"janus", "ack"}, {"session_id", sid}, {"transaction", "m1"}, {"hint", "I'm taking my time!"}}));
  f.waitEvents(1);
  BOOST_REQUIRE(f.sink->events.size() == 1u);
  const json& ev = f.sink->events.front();
  BOOST_TEST(ev["janus"] == "event");
  BOOST_TEST(ev["transaction"] == "m1");
  BOOST_TEST(ev["sender"] == hid);
  BOOST_TEST(ev["session_id"] == sid);
  BOOST_TEST(ev["plugindata"] ==
             (json{{"plugin", "janus.plugin.echotest"}, {"data", {{"echotest", "event"}, {"result", "ok"}}}}));
}

struct MessageCase {
  const char* name;
  json fields;
  int code;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const MessageCase& c) {
  return os << c.name;
}

BOOST_AUTO_TEST_CASE(message_and_jsep_validation) {
  const MessageCase cases[] = {
      {"no body", json::object(), 456, "Missing mandatory element (body)"},
      {"body not an object", {{"body", 5}}, 467, "Invalid element type (body should be an object)"},
      {"jsep not an object", {{"body", json::object()}, {"jsep", 5}}, 455, "Invalid jsep object"},
      {"jsep without type",
       {{"body", json::object()}, {"jsep", {{"sdp", "x"}}}},
       456,
       "JSEP error: missing mandatory element (type)"},
      {"jsep unknown type",
       {{"body", json::object()}, {"jsep", {{"type", "foo"}, {"sdp", "x"}}}},
       464,
       "JSEP error: unknown message type 'foo'"},
      {"jsep without sdp",
       {{"body", json::object()}, {"jsep", {{"type", "offer"}}}},
       456,
       "JSEP error: missing mandatory element (sdp)"},
      {"trickle not a boolean (checked before the SDP)",
       {{"body", json::object()}, {"jsep", {{"type", "offer"}, {"sdp", "v=0"}, {"trickle", "x"}}}},
       467,
       "JSEP error: invalid element type (trickle should be a boolean)"},
      {"sdp not starting with v=",
       {{"body", json::object()}, {"jsep", {{"type", "offer"}, {"sdp", "garbage"}}}},
       465,
       "Invalid SDP (doesn't start with v=)"},
      {"sdp without o/s/m",
       {{"body", json::object()}, {"jsep", {{"type", "offer"}, {"sdp", "v=0\r\n"}}}},
       465,
       "Missing mandatory lines (o=, s= or m=)"},
      {"answer we did not ask for",
       {{"body", json::object()},
        {"jsep",
         {{"type", "answer"}, {"sdp", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"}}}},
       469,
       "Unexpected ANSWER (did we offer?)"},
  };
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      json req = {{"janus", "message"}, {"transaction", "m"}, {"session_id", sid}, {"handle_id", hid}};
      req.update(c.fields);
      const json r = f.request(req);
      BOOST_TEST(errorCode(r) == c.code);
      BOOST_TEST(errorReason(r) == c.reason);
      BOOST_TEST(r["session_id"] == sid);
      BOOST_TEST(r["transaction"] == "m");
    }
  }
}

BOOST_AUTO_TEST_CASE(an_offer_without_a_media_layer_gets_the_plugin_sdp_error) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  f.sink->events.clear();
  const std::string sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  const json ack = f.request({{"janus", "message"},
                              {"transaction", "o"},
                              {"session_id", sid},
                              {"handle_id", hid},
                              {"body", {{"audio", true}}},
                              {"jsep", {{"type", "offer"}, {"sdp", sdp}}}});
  BOOST_TEST(ack["janus"] == "ack");
  f.waitEvents(1);
  BOOST_REQUIRE(!f.sink->events.empty());
  const json data = f.sink->events.front()["plugindata"]["data"];
  BOOST_TEST(data["error_code"] == 414);
  BOOST_TEST(!f.sink->events.front().contains("jsep"));
  // The core recorded the offer (handle_info flags) even though no media could be negotiated.
  auto handle = f.registry.find(sid)->handle(hid);
  BOOST_TEST(handle->flags().gotOffer);
  BOOST_TEST(handle->flags().trickle);  // a jsep without `trickle` announces trickling, as in Janus
  BOOST_TEST(!handle->flags().gotAnswer);
  BOOST_TEST(!handle->flags().negotiated);
}

// ---------------------------------------------------------------------------------------------------------------
// trickle
BOOST_AUTO_TEST_CASE(trickle_rules_and_queue) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const json base = {{"janus", "trickle"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", hid}};
  json both = base;
  both["candidate"] = json::object();
  both["candidates"] = json::array();
  json r = f.request(both);
  BOOST_TEST(errorCode(r) == 454);
  BOOST_TEST(errorReason(r) == "Can't have both candidate and candidates");
  r = f.request(base);
  BOOST_TEST(errorCode(r) == 456);
  BOOST_TEST(errorReason(r) == "Missing mandatory element (candidate|candidates)");

  const json cand = {
      {"candidate", "candidate:1 1 udp 2122260223 198.18.0.2 5000 typ host"}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}};
  json one = base;
  one["candidate"] = cand;
  r = f.request(one);
  BOOST_TEST(r == (json{{"janus", "ack"}, {"session_id", sid}, {"transaction", "t"}}));
  json many = base;
  many["candidates"] = json::array({cand, cand, 5});  // the non-object is acked and ignored, as Janus does
  BOOST_TEST(f.request(many)["janus"] == "ack");
  json done = base;
  done["candidate"] = {{"completed", true}};
  BOOST_TEST(f.request(done)["janus"] == "ack");
  json nul = base;
  nul["candidate"] = nullptr;
  BOOST_TEST(f.request(nul)["janus"] == "ack");

  auto handle = f.registry.find(sid)->handle(hid);
  // No PeerConnection yet: everything is queued, one entry per trickle request (as Janus counts them), and the end
  // of candidates does not count before it is applied.
  BOOST_TEST(handle->pendingCandidates() == 4u);
  BOOST_TEST(handle->flags().trickle);
  BOOST_TEST(!handle->flags().allTrickles);

  // Queued candidates go after candidates_timeout (45 s); the session stays alive thanks to the keepalive.
  f.clock.advance(std::chrono::seconds(44));
  f.request({{"janus", "keepalive"}, {"transaction", "k"}, {"session_id", sid}});
  f.router.sweep();
  BOOST_TEST(handle->pendingCandidates() == 4u);
  f.clock.advance(std::chrono::seconds(1));
  f.router.sweep();
  BOOST_TEST(handle->pendingCandidates() == 0u);
  BOOST_TEST(f.router.droppedCandidates() == 4u);
}

// ---------------------------------------------------------------------------------------------------------------
// hangup / detach / destroy / claim
BOOST_AUTO_TEST_CASE(hangup_then_detach_events) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  f.sink->events.clear();
  json r = f.request({{"janus", "hangup"}, {"transaction", "h"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(r == (json{{"janus", "success"}, {"session_id", sid}, {"transaction", "h"}}));
  f.waitEvents(1);
  BOOST_REQUIRE(f.sink->events.size() == 1u);
  BOOST_TEST(f.sink->events[0]["plugindata"]["data"] == (json{{"echotest", "event"}, {"result", "done"}}));
  // A second hangup tells the plugin nothing new.
  f.request({{"janus", "hangup"}, {"transaction", "h"}, {"session_id", sid}, {"handle_id", hid}});
  f.settle();
  BOOST_TEST(f.sink->events.size() == 1u);

  r = f.request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(r["janus"] == "success");
  f.waitEvents(2);
  BOOST_REQUIRE(f.sink->events.size() == 2u);
  BOOST_TEST(f.sink->events[1] == (json{{"janus", "detached"}, {"session_id", sid}, {"sender", hid}}));
  r = f.request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(errorCode(r) == 459);
}

BOOST_AUTO_TEST_CASE(detach_without_hangup_reports_done_before_detached) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  f.sink->events.clear();
  f.request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", hid}});
  f.waitEvents(2);
  BOOST_REQUIRE(f.sink->events.size() == 2u);
  BOOST_TEST(f.sink->events[0]["plugindata"]["data"]["result"] == "done");
  BOOST_TEST(f.sink->events[1]["janus"] == "detached");
}

BOOST_AUTO_TEST_CASE(destroy_removes_the_session_quietly) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  f.attach(sid);
  f.sink->events.clear();
  json r = f.request({{"janus", "destroy"}, {"transaction", "x"}, {"session_id", sid}});
  BOOST_TEST(r == (json{{"janus", "success"}, {"session_id", sid}, {"transaction", "x"}}));
  f.settle();
  BOOST_TEST(f.sink->events.empty());
  BOOST_TEST(f.sink->closed.size() == 1u);
  BOOST_TEST(!f.router.sessionExists(sid));
  r = f.request({{"janus", "destroy"}, {"transaction", "x"}, {"session_id", sid}});
  BOOST_TEST(errorCode(r) == 458);
}

BOOST_AUTO_TEST_CASE(claim_rebinds_events_to_the_calling_transport) {
  RouterFixture f("general: {reclaim_session_timeout: 10}");
  auto first = std::make_shared<RecordingSink>();
  auto second = std::make_shared<RecordingSink>();
  const std::uint64_t sid = f.request({{"janus", "create"}, {"transaction", "c"}}, first)["data"]["id"];
  const std::uint64_t hid = f.attach(sid);
  f.router.transportGone(first.get());
  BOOST_TEST(f.router.sessionExists(sid));  // kept for reclaim
  json r = f.request({{"janus", "claim"}, {"transaction", "cl"}, {"session_id", sid}}, second);
  BOOST_TEST(r == (json{{"janus", "success"}, {"session_id", sid}, {"transaction", "cl"}}));
  first->events.clear();
  f.request({{"janus", "message"},
             {"transaction", "m"},
             {"session_id", sid},
             {"handle_id", hid},
             {"body", {{"video", true}}}},
            second);
  f.waitEvents(1, second);
  BOOST_TEST(second->events.size() == 1u);
  BOOST_TEST(first->events.empty());
}

BOOST_AUTO_TEST_CASE(transport_gone_without_reclaim_destroys_at_once) {
  RouterFixture f;
  auto ws = std::make_shared<RecordingSink>();
  const std::uint64_t sid = f.request({{"janus", "create"}, {"transaction", "c"}}, ws)["data"]["id"];
  f.router.transportGone(ws.get());
  BOOST_TEST(!f.router.sessionExists(sid));
  const json r = f.request({{"janus", "claim"}, {"transaction", "cl"}, {"session_id", sid}});
  BOOST_TEST(errorCode(r) == 458);
}

BOOST_AUTO_TEST_CASE(reclaim_window_expires) {
  RouterFixture f("general: {reclaim_session_timeout: 5, session_timeout: 0}");
  auto ws = std::make_shared<RecordingSink>();
  const std::uint64_t sid = f.request({{"janus", "create"}, {"transaction", "c"}}, ws)["data"]["id"];
  f.router.transportGone(ws.get());
  f.clock.advance(std::chrono::seconds(4));
  f.router.sweep();
  BOOST_TEST(f.router.sessionExists(sid));
  f.clock.advance(std::chrono::seconds(1));
  f.router.sweep();
  BOOST_TEST(!f.router.sessionExists(sid));
}

// ---------------------------------------------------------------------------------------------------------------
// Session watchdog (injectable clock).
BOOST_AUTO_TEST_CASE(watchdog_times_out_idle_sessions) {
  RouterFixture f("general: {session_timeout: 10}");
  const std::uint64_t sid = f.createSession();
  const std::uint64_t h1 = f.attach(sid);
  const std::uint64_t h2 = f.attach(sid);
  const std::uint64_t busy = f.createSession();
  f.sink->events.clear();
  f.clock.advance(std::chrono::seconds(9));
  f.request({{"janus", "keepalive"}, {"transaction", "k"}, {"session_id", busy}});
  f.router.sweep();
  BOOST_TEST(f.router.sessionExists(sid));
  f.clock.advance(std::chrono::seconds(1));
  f.router.sweep();
  BOOST_TEST(!f.router.sessionExists(sid));
  BOOST_TEST(f.router.sessionExists(busy));  // its keepalive refreshed it
  BOOST_REQUIRE(f.sink->events.size() == 3u);
  BOOST_TEST(f.sink->events[0] == (json{{"janus", "timeout"}, {"session_id", sid}}));
  std::set<std::uint64_t> detached;
  for (int i = 1; i < 3; ++i) {
    BOOST_TEST(f.sink->events[i]["janus"] == "detached");
    detached.insert(f.sink->events[i]["sender"].get<std::uint64_t>());
  }
  BOOST_TEST((detached == std::set<std::uint64_t>{h1, h2}));
}

BOOST_AUTO_TEST_CASE(watchdog_honours_per_session_timeout_and_zero) {
  RouterFixture f("general: {session_timeout: 0}");
  const std::uint64_t forever = f.createSession();
  const std::uint64_t shortLived = f.createSession();
  f.registry.find(shortLived)->timeoutOverride = 3;
  f.clock.advance(std::chrono::hours(2));
  f.router.sweep();
  BOOST_TEST(f.router.sessionExists(forever));
  BOOST_TEST(!f.router.sessionExists(shortLived));
}

BOOST_AUTO_TEST_CASE(shutdown_sends_timeout_then_detached) {
  RouterFixture f;
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  f.sink->events.clear();
  f.router.shutdown();
  BOOST_REQUIRE(f.sink->events.size() == 2u);
  BOOST_TEST(f.sink->events[0]["janus"] == "timeout");
  BOOST_TEST(f.sink->events[1] == (json{{"janus", "detached"}, {"session_id", sid}, {"sender", hid}}));
  BOOST_TEST(f.registry.size() == 0u);
}

// ---------------------------------------------------------------------------------------------------------------
// Auth: api_secret and stored tokens.
BOOST_AUTO_TEST_CASE(api_secret_is_required_except_for_info_and_ping) {
  RouterFixture f("general: {api_secret: s3cret}");
  BOOST_TEST(f.request({{"janus", "ping"}, {"transaction", "p"}})["janus"] == "pong");
  BOOST_TEST(f.request({{"janus", "info"}, {"transaction", "i"}})["janus"] == "server_info");
  json r = f.request({{"janus", "create"}, {"transaction", "c"}});
  BOOST_TEST(errorCode(r) == 403);
  BOOST_TEST(errorReason(r) == "Unauthorized request (wrong or missing secret/token)");
  r = f.request({{"janus", "create"}, {"transaction", "c"}, {"apisecret", "wrong"}});
  BOOST_TEST(errorCode(r) == 403);
  r = f.request({{"janus", "create"}, {"transaction", "c"}, {"apisecret", "s3cret"}});
  const std::uint64_t sid = r["data"]["id"];
  r = f.request({{"janus", "keepalive"}, {"transaction", "k"}, {"session_id", sid}});
  BOOST_TEST(errorCode(r) == 403);
  BOOST_TEST(r["session_id"] == sid);
  r = f.request({{"janus", "keepalive"}, {"transaction", "k"}, {"session_id", 5}});  // auth before lookup
  BOOST_TEST(errorCode(r) == 403);
  r = f.request({{"janus", "keepalive"}, {"transaction", "k"}, {"session_id", sid}, {"apisecret", "s3cret"}});
  BOOST_TEST(r["janus"] == "ack");
}

BOOST_AUTO_TEST_CASE(stored_tokens_gate_requests_and_plugins) {
  RouterFixture f("general: {token_auth: true}");
  f.tokens.add("all", {"janus.plugin.echotest"});
  f.tokens.add("none", {});
  BOOST_TEST(errorCode(f.request({{"janus", "create"}, {"transaction", "c"}})) == 403);
  BOOST_TEST(errorCode(f.request({{"janus", "create"}, {"transaction", "c"}, {"token", "bogus"}})) == 403);
  const std::uint64_t sid = f.request({{"janus", "create"}, {"transaction", "c"}, {"token", "none"}})["data"]["id"];
  json r = f.request({{"janus", "attach"},
                      {"transaction", "a"},
                      {"session_id", sid},
                      {"token", "none"},
                      {"plugin", "janus.plugin.echotest"}});
  BOOST_TEST(errorCode(r) == 405);
  BOOST_TEST(errorReason(r) == "Provided token can't access plugin 'janus.plugin.echotest'");
  r = f.request({{"janus", "attach"},
                 {"transaction", "a"},
                 {"session_id", sid},
                 {"token", "all"},
                 {"plugin", "janus.plugin.echotest"}});
  BOOST_TEST(r["janus"] == "success");
}

BOOST_AUTO_TEST_CASE(secret_or_token_either_passes_when_both_are_on) {
  RouterFixture f("general: {token_auth: true, api_secret: s}");
  f.tokens.add("tok", {});
  BOOST_TEST(f.request({{"janus", "create"}, {"transaction", "c"}, {"apisecret", "s"}})["janus"] == "success");
  const std::uint64_t sid = f.request({{"janus", "create"}, {"transaction", "c"}, {"token", "tok"}})["data"]["id"];
  // The secret bypasses the per-plugin token check.
  const json r = f.request({{"janus", "attach"},
                            {"transaction", "a"},
                            {"session_id", sid},
                            {"apisecret", "s"},
                            {"plugin", "janus.plugin.echotest"}});
  BOOST_TEST(r["janus"] == "success");
}

// ---------------------------------------------------------------------------------------------------------------
// The media hook: a PeerConnection stand-in installed through MediaHandlerFactory.
namespace {
/** What the stand-in PeerConnections saw; outlives them (the core releases a handler on hangup). */
struct MediaLog {
  std::vector<json> candidates;
  std::string hungUp;
  int created = 0;
  bool closing = false;  // the transport failed and the hangup is on its way (Janus's "cleaning")
  std::string refuse;    // non-empty: create() refuses with 490 and this reason
};
class FakePeerConnection final : public MediaHandler {
 public:
  explicit FakePeerConnection(MediaLog& log) : log_(log) {}
  bool readyForCandidates() const override { return true; }
  void addRemoteCandidate(const json& c) override { log_.candidates.push_back(c); }
  void hangup(std::string_view reason) override { log_.hungUp = std::string(reason); }
  bool closing() const override { return log_.closing; }
  json info() const override { return {{"agent-created", 1}, {"ice-mode", "full"}}; }

 private:
  MediaLog& log_;
};
class FakeFactory final : public MediaHandlerFactory {
 public:
  std::unique_ptr<MediaHandler> create(Handle&) override {
    if (!log.refuse.empty()) throw JanusError(ErrorCode::Unknown, log.refuse);
    ++log.created;
    return std::make_unique<FakePeerConnection>(log);
  }
  MediaLog log;
};
}  // namespace

BOOST_AUTO_TEST_CASE(offer_creates_the_peerconnection_and_flushes_queued_trickles) {
  RouterFixture f;
  FakeFactory factory;
  f.router.setMediaFactory(&factory);
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const json cand = {{"candidate", "candidate:1 1 udp 2122260223 198.18.0.2 5000 typ host"}, {"sdpMid", "0"}};
  f.request({{"janus", "trickle"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", hid}, {"candidate", cand}});
  BOOST_TEST(factory.log.created == 0);  // trickle before the offer: queued, no PeerConnection yet
  const std::string sdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
  f.request({{"janus", "message"},
             {"transaction", "o"},
             {"session_id", sid},
             {"handle_id", hid},
             {"body", json::object()},
             {"jsep", {{"type", "offer"}, {"sdp", sdp}}}});
  BOOST_TEST(factory.log.created == 1);
  BOOST_REQUIRE(factory.log.candidates.size() == 1u);
  BOOST_TEST(factory.log.candidates[0] == cand);
  const json info = f.adminRequest({{"janus", "handle_info"}, {"transaction", "i"}, {"admin_secret", "janusoverlord"}},
                                   sid, hid)["info"];
  BOOST_TEST(info["agent-created"] == 1);
  BOOST_TEST(info["sdps"]["remote"] == sdp);

  f.waitEvents(1);  // the plugin's answer to the offer
  f.sink->events.clear();
  f.request({{"janus", "hangup"}, {"transaction", "h"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(factory.log.hungUp == "Janus API");
  f.waitEvents(2);
  BOOST_REQUIRE(f.sink->events.size() == 2u);
  BOOST_TEST(f.sink->events[0] ==
             (json{{"janus", "hangup"}, {"session_id", sid}, {"sender", hid}, {"reason", "Janus API"}}));
  BOOST_TEST(f.sink->events[1]["plugindata"]["data"]["result"] == "done");
}

// ---------------------------------------------------------------------------------------------------------------
// Synchronous plugin requests (VideoRoom's room management will use them): `success` + plugindata, or 462 when the
// plugin fails. A minimal plugin of the test's own exercises the host.
namespace {
class SyncPlugin final : public Plugin {
 public:
  const PluginInfo& info() const override { return info_; }
  void init(PluginGateway&) override {}
  void createSession(HandleId) override {}
  void destroySession(HandleId) override {}
  std::optional<std::string> asyncHint(const PluginMessage&) const override { return std::nullopt; }
  PluginResult handleMessage(const PluginMessage& m) override {
    if (m.body.value("fail", false)) throw std::runtime_error("boom");
    return {{{"sync", "ok"}, {"echo", m.body}}, std::nullopt};
  }
  json handleAdminMessage(const json& r) override { return r; }
  json queryHandle(HandleId) override { return json::object(); }
  void setupMedia(HandleId) override {}
  void hangupMedia(HandleId) override {}

 private:
  PluginInfo info_{"test.plugin.sync", "sync", "tests", "answers synchronously", "1", 1};
};
}  // namespace

BOOST_AUTO_TEST_CASE(synchronous_plugin_replies_and_failures) {
  RouterFixture f;
  f.plugins.add(std::make_shared<SyncPlugin>());
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid, "test.plugin.sync");
  json r = f.request(
      {{"janus", "message"}, {"transaction", "s"}, {"session_id", sid}, {"handle_id", hid}, {"body", {{"x", 1}}}});
  BOOST_TEST(
      r == (json{{"janus", "success"},
                 {"session_id", sid},
                 {"transaction", "s"},
                 {"sender", hid},
                 {"plugindata", {{"plugin", "test.plugin.sync"}, {"data", {{"sync", "ok"}, {"echo", {{"x", 1}}}}}}}}));
  r = f.request({{"janus", "message"},
                 {"transaction", "f"},
                 {"session_id", sid},
                 {"handle_id", hid},
                 {"body", {{"fail", true}}}});
  BOOST_TEST(errorCode(r) == 462);
  BOOST_TEST(errorReason(r) == "Plugin returned an error (boom)");
  BOOST_TEST(r["transaction"] == "f");
}

BOOST_AUTO_TEST_CASE(json_syntax_errors_are_worded_like_janus) {
  RouterFixture f;
  const std::string reason = errorReason(f.text("{bad json"));
  BOOST_TEST(reason.rfind("JSON error: on line 1: ", 0) == 0, reason);
  BOOST_TEST(reason.find("json.exception") == std::string::npos, reason);
  const std::string two = errorReason(f.text("{\n\"a\": }"));
  BOOST_TEST(two.rfind("JSON error: on line 2: ", 0) == 0, two);
}

// Tokens Janus's parser refuses and nlohmann would accept: numbers (integers outside int64, reals that overflow a
// double) and strings with a \u0000 escape, worded as Janus 1.1.2 words them over REST and WebSocket: line and
// column of the token's last character, the token quoted up to 20 characters.
struct NumberCase {
  const char* text;
  const char* rest;       // reason over REST; "" when the request is answered normally
  const char* websocket;  // reason over WebSocket
};
std::ostream& operator<<(std::ostream& os, const NumberCase& c) {
  return os << c.text;
}
const NumberCase kNumberCases[] = {
    {R"({"janus":"ping","transaction":"t","n":1e999})", "JSON error: on line 1: real number overflow near '1e999'",
     "Invalid Janus API request - <string>(1,43): real number overflow near '1e999'"},
    {R"({"janus":"ping","transaction":"t","n":-1e309})", "JSON error: on line 1: real number overflow near '-1e309'",
     "Invalid Janus API request - <string>(1,44): real number overflow near '-1e309'"},
    {"{\"janus\":\"ping\",\n\"transaction\":\"t\",\"n\":99999999999999999999999}",
     "JSON error: on line 2: too big integer", "Invalid Janus API request - <string>(2,45): too big integer"},
    {R"({"janus":"ping","transaction":"t","n":18446744073709551615})",
     "JSON error: on line 1: too big integer near '18446744073709551615'",
     "Invalid Janus API request - <string>(1,58): too big integer near '18446744073709551615'"},
    {R"({"janus":"ping","transaction":"t","n":-9223372036854775809,"m":2})",
     "JSON error: on line 1: too big negative integer near '-9223372036854775809'",
     "Invalid Janus API request - <string>(1,58): too big negative integer near '-9223372036854775809'"},
    {"{\"a\":[1,\n2,\n 1e999]}", "JSON error: on line 3: real number overflow near '1e999'",
     "Invalid Janus API request - <string>(3,6): real number overflow near '1e999'"},
    {R"({"n":1e999 x)", "JSON error: on line 1: real number overflow near '1e999'",
     "Invalid Janus API request - <string>(1,10): real number overflow near '1e999'"},
    {R"({"janus":"ping","transaction":"a\u0000b"})",
     R"(JSON error: on line 1: \u0000 is not allowed without JSON_ALLOW_NUL near '"a\u0000b"')",
     R"(Invalid Janus API request - <string>(1,40): \u0000 is not allowed without JSON_ALLOW_NUL near '"a\u0000b"')"},
    {R"({"janus":"ping","transaction":"t","x":"abcdefghijklmnopqrstuvwxyz\u0000"})",
     R"(JSON error: on line 1: \u0000 is not allowed without JSON_ALLOW_NUL)",
     R"(Invalid Janus API request - <string>(1,72): \u0000 is not allowed without JSON_ALLOW_NUL)"},
    {R"({"\u0000":1})", R"(JSON error: on line 1: NUL byte in object key not supported near '"\u0000"')",
     R"(Invalid Janus API request - <string>(1,9): NUL byte in object key not supported near '"\u0000"')"},
    {R"({"x":"\u0000" "y"})", R"(JSON error: on line 1: \u0000 is not allowed without JSON_ALLOW_NUL near '"\u0000"')",
     R"(Invalid Janus API request - <string>(1,13): \u0000 is not allowed without JSON_ALLOW_NUL near '"\u0000"')"},
    {R"({"x":1e999, "y":"\u0000"})", "JSON error: on line 1: real number overflow near '1e999'",
     "Invalid Janus API request - <string>(1,10): real number overflow near '1e999'"},
    {"\xEF\xBB\xBF{\"janus\":\"ping\",\"transaction\":\"t\"}",
     "JSON error: on line 1: '[' or '{' expected near '\xEF\xBB\xBF'",
     "Invalid Janus API request - <string>(1,1): '[' or '{' expected near '\xEF\xBB\xBF'"},
    // A document that starts with no '[' or '{': the first token quoted (nothing at all is the end of file).
    {"5", "JSON error: on line 1: '[' or '{' expected near '5'",
     "Invalid Janus API request - <string>(1,1): '[' or '{' expected near '5'"},
    {R"("x")", R"(JSON error: on line 1: '[' or '{' expected near '"x"')",
     R"(Invalid Janus API request - <string>(1,3): '[' or '{' expected near '"x"')"},
    {"null", "JSON error: on line 1: '[' or '{' expected near 'null'",
     "Invalid Janus API request - <string>(1,4): '[' or '{' expected near 'null'"},
    {"  xyz", "JSON error: on line 1: '[' or '{' expected near 'xyz'",
     "Invalid Janus API request - <string>(1,5): '[' or '{' expected near 'xyz'"},
    {"", "JSON error: on line 1: '[' or '{' expected near end of file",
     "Invalid Janus API request - <string>(1,0): '[' or '{' expected near end of file"},
    {" \n", "JSON error: on line 2: '[' or '{' expected near end of file",
     "Invalid Janus API request - <string>(2,0): '[' or '{' expected near end of file"},
    {"\n 1e999", "JSON error: on line 2: real number overflow near '1e999'",
     "Invalid Janus API request - <string>(2,6): real number overflow near '1e999'"},
    // More than white space after a complete first value.
    {R"({"janus":"ping","transaction":"t"} x)", "JSON error: on line 1: end of file expected near 'x'",
     "Invalid Janus API request - <string>(1,36): end of file expected near 'x'"},
    {"[1]\n {}", "JSON error: on line 2: end of file expected near '{'",
     "Invalid Janus API request - <string>(2,2): end of file expected near '{'"},
    // In range, in a string, escaped, or after a syntax error: not a refused token.
    {R"({"janus":"ping","transaction":"t","n":9223372036854775807,"m":-9223372036854775808})", "", ""},
    {R"({"janus":"ping","transaction":"t","n":1.5e308,"m":2e-400,"z":-0})", "", ""},
    {R"({"janus":"ping","transaction":"1e999 99999999999999999999999"})", "", ""},
    {R"({"janus":"ping","transaction":"\\u0000","x":"\u0001"})", "", ""},
    {"\n {\"janus\":\"ping\",\"transaction\":\"t\"} \n", "", ""},
};

BOOST_DATA_TEST_CASE(tokens_janus_refuses_are_syntax_errors, bdata::make(kNumberCases), c) {
  RouterFixture f;
  for (const ParseStyle style : {ParseStyle::Rest, ParseStyle::WebSocket}) {
    const json reply = f.text(c.text, style);
    const std::string expected = style == ParseStyle::Rest ? c.rest : c.websocket;
    if (expected.empty()) {
      BOOST_TEST(reply == (json{{"janus", "pong"}, {"transaction", reply.value("transaction", "")}}), reply.dump());
    } else {
      BOOST_TEST(errorCode(reply) == 454);
      BOOST_TEST(errorReason(reply) == expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_syntax_error_before_a_refused_token_is_reported_first) {
  RouterFixture f;
  for (const char* text :
       {R"({"janus" "ping","n":1e999})", R"({"janus" "ping","n":"\u0000"})", R"({"x":"\u0000\x"})"}) {
    const std::string reason = errorReason(f.text(text));
    BOOST_TEST(reason.rfind("JSON error: on line 1: ", 0) == 0, reason);
    BOOST_TEST(reason.find("overflow") == std::string::npos, reason);
    BOOST_TEST(reason.find("JSON_ALLOW_NUL") == std::string::npos, reason);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Trickles once the offer/answer round is complete (Janus parses them at once, 456/467), and Janus's "cleaning"
// state (471). The PeerConnection stand-in plays the media layer.
namespace {
const std::string kOfferSdp = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

/** A session with an EchoTest handle whose offer was answered (the plugin's answer event seen). */
struct Negotiated {
  explicit Negotiated(const std::string& yaml = "") : f(yaml) {
    f.router.setMediaFactory(&factory);
    sid = f.createSession();
    hid = f.attach(sid);
    offer();
    // The fixture's EchoTest has no MediaControl to write an answer with: stand in for the answer it would send.
    f.registry.indexed(hid)->localSdp = kOfferSdp;
  }
  json offer() {
    f.sink->events.clear();
    json r = f.request({{"janus", "message"},
                        {"transaction", "o"},
                        {"session_id", sid},
                        {"handle_id", hid},
                        {"body", json::object()},
                        {"jsep", {{"type", "offer"}, {"sdp", kOfferSdp}}}});
    if (r["janus"] == "ack") f.waitEvents(1);
    return r;
  }
  json trickle(const char* key, const json& value) {
    return f.request(
        {{"janus", "trickle"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", hid}, {key, value}});
  }
  RouterFixture f;
  FakeFactory factory;
  std::uint64_t sid = 0;
  std::uint64_t hid = 0;
};

struct TrickleCase {
  const char* name;
  const char* key;
  json value;
  int code;  // 0: ack
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const TrickleCase& c) {
  return os << c.name;
}
const TrickleCase kNegotiatedTrickles[] = {
    {"good candidate",
     "candidate",
     {{"sdpMid", "0"}, {"candidate", "candidate:1 1 udp 1 198.18.0.2 9 typ host"}},
     0,
     ""},
    {"completed", "candidate", {{"completed", true}}, 0, ""},
    {"not an object (ends the candidates)", "candidate", "str", 0, ""},
    {"sdpMid not a string",
     "candidate",
     {{"sdpMid", 5}, {"candidate", "x"}},
     467,
     "Trickle error: invalid element type (sdpMid should be a string)"},
    {"negative sdpMLineIndex",
     "candidate",
     {{"sdpMLineIndex", -1}, {"candidate", "x"}},
     467,
     "Trickle error: invalid element type (sdpMLineIndex should be a positive integer)"},
    {"neither sdpMid nor sdpMLineIndex",
     "candidate",
     {{"candidate", "x"}},
     456,
     "Trickle error: missing mandatory element (sdpMid or sdpMLineIndex)"},
    {"no candidate", "candidate", {{"sdpMid", "0"}}, 456, "Trickle error: missing mandatory element (candidate)"},
    {"candidate not a string",
     "candidate",
     {{"sdpMid", "0"}, {"candidate", 5}},
     467,
     "Trickle error: invalid element type (candidate should be a string)"},
    {"candidates not an array", "candidates", {{"a", 1}}, 467, "candidates is not an array"},
    {"candidates with a bad entry (Janus ignores it)", "candidates", json::array({json{{"sdpMid", 5}}}), 0, ""},
};
}  // namespace

BOOST_DATA_TEST_CASE(trickles_after_negotiation_are_checked_like_janus, bdata::make(kNegotiatedTrickles), c) {
  Negotiated n;
  const json r = n.trickle(c.key, c.value);
  if (c.code == 0) {
    BOOST_TEST(r["janus"] == "ack", r.dump());
  } else {
    BOOST_TEST(errorCode(r) == c.code, r.dump());
    BOOST_TEST(errorReason(r) == c.reason);
    BOOST_TEST(r["transaction"] == "t");
    BOOST_TEST(r["session_id"] == n.sid);
  }
}

BOOST_AUTO_TEST_CASE(a_closing_peerconnection_answers_471) {
  Negotiated n;
  n.factory.log.closing = true;
  json r = n.trickle("candidate", {{"completed", true}});
  BOOST_TEST(errorCode(r) == 471);
  BOOST_TEST(errorReason(r) == "Still cleaning a previous session");
  r = n.offer();
  BOOST_TEST(errorCode(r) == 471);
  // Once the posted hangup has run, a new offer gets a new PeerConnection.
  n.f.router.hangupHandle(*n.f.registry.indexed(n.hid), "ICE failed");
  n.factory.log.closing = false;
  BOOST_TEST(n.offer()["janus"] == "ack");
  BOOST_TEST(n.factory.log.created == 2);
}

BOOST_AUTO_TEST_CASE(a_refused_peerconnection_leaves_the_handle_as_it_was) {
  RouterFixture f;
  FakeFactory factory;
  factory.log.refuse = "Error setting ICE locally (limit of 1 PeerConnections reached)";
  f.router.setMediaFactory(&factory);
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const json r = f.request({{"janus", "message"},
                            {"transaction", "o"},
                            {"session_id", sid},
                            {"handle_id", hid},
                            {"body", json::object()},
                            {"jsep", {{"type", "offer"}, {"sdp", kOfferSdp}}}});
  BOOST_TEST(errorCode(r) == 490);
  BOOST_TEST(errorReason(r) == factory.log.refuse);
  auto handle = f.registry.indexed(hid);
  BOOST_TEST(!handle->flags().gotOffer);
  BOOST_TEST(handle->remoteSdp.empty());
  BOOST_TEST(!handle->media());
}

// ---------------------------------------------------------------------------------------------------------------
// limits: each refusal with its code and reason, and the API still serving afterwards.
BOOST_AUTO_TEST_CASE(max_sessions_refuses_create_with_472) {
  RouterFixture f("limits: {max_sessions: 2}");
  const std::uint64_t first = f.createSession();
  f.createSession();
  json r = f.request({{"janus", "create"}, {"transaction", "c"}});
  BOOST_TEST(errorCode(r) == 472);
  BOOST_TEST(errorReason(r) == "Currently not accepting new sessions (limit of 2 sessions reached)");
  BOOST_TEST(r["transaction"] == "c");
  f.request({{"janus", "destroy"}, {"transaction", "d"}, {"session_id", first}});
  BOOST_TEST(f.request({{"janus", "create"}, {"transaction", "c"}})["janus"] == "success");
}

BOOST_AUTO_TEST_CASE(max_handles_per_session_refuses_attach_with_461) {
  RouterFixture f("limits: {max_handles_per_session: 2}");
  const std::uint64_t sid = f.createSession();
  const std::uint64_t first = f.attach(sid);
  f.attach(sid);
  json r =
      f.request({{"janus", "attach"}, {"transaction", "a"}, {"session_id", sid}, {"plugin", "janus.plugin.echotest"}});
  BOOST_TEST(errorCode(r) == 461);
  BOOST_TEST(errorReason(r) == "Couldn't attach to plugin: limit of 2 handles in this session reached");
  BOOST_TEST(f.attach(f.createSession()) > 0u);  // another session is not affected
  f.request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", first}});
  BOOST_TEST(f.attach(sid) > 0u);
}

BOOST_AUTO_TEST_CASE(max_pending_trickles_refuses_with_490_until_a_peerconnection) {
  RouterFixture f("limits: {max_pending_trickles: 3}");
  FakeFactory factory;
  f.router.setMediaFactory(&factory);
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid);
  const json base = {{"janus", "trickle"}, {"transaction", "t"}, {"session_id", sid}, {"handle_id", hid}};
  auto trickle = [&](const json& c) {
    json req = base;
    req["candidate"] = c;
    return f.request(req);
  };
  const json cand = {{"sdpMid", "0"}, {"candidate", "candidate:1 1 udp 1 198.18.0.2 9 typ host"}};
  for (int i = 0; i < 3; ++i)
    BOOST_TEST(trickle(cand)["janus"] == "ack");
  const json r = trickle(cand);
  BOOST_TEST(errorCode(r) == 490);
  BOOST_TEST(errorReason(r) ==
             "Too many pending trickle candidates (limit of 3 per handle before its "
             "PeerConnection exists)");
  BOOST_TEST(f.registry.indexed(hid)->pendingCandidates() == 3u);
  // The offer creates the PeerConnection: the queue drains into it and trickles flow again.
  f.request({{"janus", "message"},
             {"transaction", "o"},
             {"session_id", sid},
             {"handle_id", hid},
             {"body", json::object()},
             {"jsep", {{"type", "offer"}, {"sdp", kOfferSdp}}}});
  BOOST_TEST(factory.log.candidates.size() == 3u);
  BOOST_TEST(trickle(cand)["janus"] == "ack");
}

// ---------------------------------------------------------------------------------------------------------------
// 463: a plugin that fails to let a handle go. The handle is gone either way, as in Janus
// (janus_session_handles_remove removes it, then the error is reported).
namespace {
class StickyPlugin final : public Plugin {
 public:
  const PluginInfo& info() const override { return info_; }
  void init(PluginGateway&) override {}
  void createSession(HandleId) override {}
  void destroySession(HandleId) override { throw std::runtime_error("-2"); }
  std::optional<std::string> asyncHint(const PluginMessage&) const override { return std::nullopt; }
  PluginResult handleMessage(const PluginMessage&) override { return {json::object(), std::nullopt}; }
  json handleAdminMessage(const json& r) override { return r; }
  json queryHandle(HandleId) override { return json::object(); }
  void setupMedia(HandleId) override {}
  void hangupMedia(HandleId) override {}

 private:
  PluginInfo info_{"test.plugin.sticky", "sticky", "tests", "fails to destroy its handles", "1", 1};
};
}  // namespace

BOOST_AUTO_TEST_CASE(detach_answers_463_when_the_plugin_fails_to_destroy) {
  RouterFixture f;
  f.plugins.add(std::make_shared<StickyPlugin>());
  const std::uint64_t sid = f.createSession();
  const std::uint64_t hid = f.attach(sid, "test.plugin.sticky");
  json r = f.request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(errorCode(r) == 463);
  BOOST_TEST(errorReason(r) == "Couldn't detach from plugin: error '-2'");
  BOOST_TEST(r["transaction"] == "d");
  r = f.request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(errorCode(r) == 459);
  // The admin API's detach_handle says the same.
  const std::uint64_t other = f.attach(sid, "test.plugin.sticky");
  r = f.adminRequest({{"janus", "detach_handle"}, {"transaction", "x"}, {"admin_secret", "janusoverlord"}}, sid, other);
  BOOST_TEST(errorCode(r) == 463);
}
