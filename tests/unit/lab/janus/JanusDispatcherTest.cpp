#define BOOST_TEST_MODULE lab_janus
#include <boost/test/unit_test.hpp>
#include <optional>
#include <vector>

#include "lab/janus/JanusDispatcher.hpp"

using portunus::lab::JanusDispatcher;
using portunus::lab::JanusEvent;
using portunus::lab::JanusResult;
using portunus::lab::Json;
using portunus::lab::ReplyPolicy;
using Outcome = JanusDispatcher::Outcome;

namespace {

// One scenario: pending transactions, then incoming texts with the outcome each must have, then what the
// completions and the event sink saw.
struct Step {
  const char* text;
  Outcome outcome;
};
struct Case {
  const char* name;
  std::vector<std::pair<const char*, ReplyPolicy>> pending;
  std::vector<Step> steps;
  std::vector<const char*> completed;  // "<transaction>:<ok|error code>" in completion order
  std::vector<const char*> events;     // "<kind>/<session>/<sender>"
};

const std::vector<Case> kCases = {
    {"create success",
     {{"t1", ReplyPolicy::AckIsFinal}},
     {{R"({"janus":"success","transaction":"t1","data":{"id":8080}})", Outcome::Completed}},
     {"t1:ok"},
     {}},
    {"keepalive ack is final",
     {{"k", ReplyPolicy::AckIsFinal}},
     {{R"({"janus":"ack","session_id":1,"transaction":"k"})", Outcome::Completed}},
     {"k:ok"},
     {}},
    {"message: ack then event with the same transaction",
     {{"m", ReplyPolicy::AckThenEvent}},
     {{R"({"janus":"ack","session_id":1,"transaction":"m","hint":"I'm taking my time!"})", Outcome::Acked},
      {R"({"janus":"event","session_id":1,"sender":2,"transaction":"m","plugindata":{"plugin":"janus.plugin.echotest","data":{"echotest":"event","result":"ok"}},"jsep":{"type":"answer","sdp":"v=0"}})",
       Outcome::Completed}},
     {"m:ok"},
     {}},
    {"message: the event overtakes the ack (WS), the late ack is stray",
     {{"m", ReplyPolicy::AckThenEvent}},
     {{R"({"janus":"event","session_id":1,"sender":2,"transaction":"m","plugindata":{"plugin":"p","data":{}}})",
       Outcome::Completed},
      {R"({"janus":"ack","session_id":1,"transaction":"m"})", Outcome::Stray}},
     {"m:ok"},
     {}},
    {"message answered synchronously by success",
     {{"m", ReplyPolicy::AckThenEvent}},
     {{R"({"janus":"success","session_id":1,"sender":2,"transaction":"m","plugindata":{"plugin":"p","data":{"list":[]}}})",
       Outcome::Completed}},
     {"m:ok"},
     {}},
    {"error reply carries the Janus code",
     {{"a", ReplyPolicy::AckIsFinal}},
     {{R"({"janus":"error","session_id":1,"transaction":"a","error":{"code":460,"reason":"No such plugin"}})",
       Outcome::Completed}},
     {"a:460"},
     {}},
    {"async events go to the sink with session and sender",
     {},
     {{R"({"janus":"webrtcup","session_id":11,"sender":22})", Outcome::Event},
      {R"({"janus":"media","session_id":11,"sender":22,"mid":"0","type":"audio","receiving":true})", Outcome::Event},
      {R"({"janus":"hangup","session_id":11,"sender":22,"reason":"DTLS alert"})", Outcome::Event},
      {R"({"janus":"timeout","session_id":11})", Outcome::Event}},
     {},
     {"webrtcup/11/22", "media/11/22", "hangup/11/22", "timeout/11/0"}},
    {"plugin event with an unknown transaction is an event, not a completion",
     {{"x", ReplyPolicy::AckIsFinal}},
     {{R"({"janus":"event","session_id":1,"sender":2,"transaction":"other","plugindata":{"plugin":"p","data":{"result":"done"}}})",
       Outcome::Event}},
     {},
     {"event/1/2"}},
    {"an event for an AckIsFinal transaction does not complete it",
     {{"x", ReplyPolicy::AckIsFinal}},
     {{R"({"janus":"event","session_id":1,"sender":2,"transaction":"x","plugindata":{"plugin":"p","data":{}}})",
       Outcome::Event},
      {R"({"janus":"ack","session_id":1,"transaction":"x"})", Outcome::Completed}},
     {"x:ok"},
     {"event/1/2"}},
    {"long-poll keepalive, unknown replies and garbage",
     {},
     {{R"({"janus":"keepalive"})", Outcome::Keepalive},
      {R"({"janus":"success","transaction":"nobody"})", Outcome::Stray},
      {R"j({"janus":"error","error":{"code":456,"reason":"Missing mandatory element (transaction)"}})j",
       Outcome::Stray},
      {R"({"transaction":"t"})", Outcome::Invalid},
      {R"([1,2])", Outcome::Invalid}},
     {},
     {}},
    {"replies in any order complete the right transactions",
     {{"a", ReplyPolicy::AckIsFinal}, {"b", ReplyPolicy::AckThenEvent}, {"c", ReplyPolicy::AckIsFinal}},
     {{R"({"janus":"ack","transaction":"c"})", Outcome::Completed},
      {R"({"janus":"ack","transaction":"b"})", Outcome::Acked},
      {R"({"janus":"success","transaction":"a","data":{"id":1}})", Outcome::Completed},
      {R"({"janus":"trickle","session_id":5,"sender":6,"candidate":{"completed":true}})", Outcome::Event},
      {R"({"janus":"event","transaction":"b","session_id":5,"sender":6})", Outcome::Completed}},
     {"c:ok", "a:ok", "b:ok"},
     {"trickle/5/6"}},
};

}  // namespace

BOOST_AUTO_TEST_CASE(correlation_table) {
  for (const Case& c : kCases) {
    BOOST_TEST_CONTEXT(c.name) {
      std::vector<std::string> completed, events;
      JanusDispatcher dispatcher([&](const JanusEvent& e) {
        events.push_back(e.kind + "/" + std::to_string(e.session_id) + "/" + std::to_string(e.sender));
      });
      for (const auto& [transaction, policy] : c.pending) {
        std::string t = transaction;
        dispatcher.expect(t, policy, [&completed, t](JanusResult r) {
          completed.push_back(t + ":" + (r.ok ? std::string("ok") : std::to_string(r.error_code)));
        });
      }
      for (const Step& step : c.steps) {
        BOOST_TEST_CONTEXT(step.text) {
          const Outcome outcome = dispatcher.dispatch(Json::parse(step.text));
          BOOST_TEST(outcomeName(outcome) == outcomeName(step.outcome));
        }
      }
      BOOST_TEST(completed == std::vector<std::string>(c.completed.begin(), c.completed.end()),
                 boost::test_tools::per_element());
      BOOST_TEST(events == std::vector<std::string>(c.events.begin(), c.events.end()),
                 boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(event_result_carries_the_jsep) {
  std::optional<JanusResult> result;
  JanusDispatcher dispatcher(nullptr);
  dispatcher.expect("m", ReplyPolicy::AckThenEvent, [&](JanusResult r) { result = std::move(r); });
  dispatcher.dispatch(Json::parse(R"({"janus":"ack","transaction":"m"})"));
  BOOST_TEST(!result.has_value());
  dispatcher.dispatch(Json::parse(
      R"({"janus":"event","transaction":"m","sender":3,"plugindata":{"plugin":"janus.plugin.echotest","data":{"result":"ok"}},"jsep":{"type":"answer","sdp":"v=0\r\n"}})"));
  BOOST_REQUIRE(result.has_value());
  BOOST_TEST(result->message["jsep"]["type"].get<std::string>() == "answer");
  BOOST_TEST(result->message["plugindata"]["data"]["result"].get<std::string>() == "ok");
  BOOST_TEST(dispatcher.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(fail_all_and_duplicate_transactions) {
  std::vector<std::string> reasons;
  JanusDispatcher dispatcher(nullptr);
  dispatcher.expect("a", ReplyPolicy::AckIsFinal, [&](JanusResult r) { reasons.push_back(r.reason); });
  BOOST_CHECK_THROW(dispatcher.expect("a", ReplyPolicy::AckIsFinal, nullptr), std::invalid_argument);
  dispatcher.expect("b", ReplyPolicy::AckThenEvent, [&](JanusResult r) {
    BOOST_TEST(!r.ok);
    BOOST_TEST(r.error_code == 0);
    reasons.push_back(r.reason);
  });
  dispatcher.failAll("WebSocket closed");
  BOOST_TEST(reasons.size() == 2u);
  BOOST_TEST(reasons[0] == "WebSocket closed");
  BOOST_TEST(dispatcher.pending() == 0u);
}
