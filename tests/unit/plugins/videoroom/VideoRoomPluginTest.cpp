#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <mutex>
#include <vector>

#include "plugins/videoroom/VideoRoomPlugin.hpp"

using namespace portunus;
using namespace portunus::plugins::videoroom;
using json = nlohmann::json;
namespace bdata = boost::unit_test::data;

namespace {

/** The plugin host's side as the plugin sees it: events and PeerConnection closes are recorded in order. */
class RecordingGateway final : public cp::PluginGateway {
 public:
  struct Event {
    cp::HandleId handle;
    json data;
  };
  void pushEvent(cp::HandleId handle, std::optional<std::string>, json data, std::optional<json>) override {
    std::lock_guard lock(mutex);
    events.push_back({handle, std::move(data)});
  }
  bool mediaAvailable() const override { return false; }
  void closePeerConnection(cp::HandleId handle) override {
    std::lock_guard lock(mutex);
    closed.push_back(handle);
  }
  std::vector<json> eventsFor(cp::HandleId handle) const {
    std::vector<json> out;
    for (const auto& e : events)
      if (e.handle == handle) out.push_back(e.data);
    return out;
  }
  std::mutex mutex;
  std::vector<Event> events;
  std::vector<cp::HandleId> closed;
};

struct PluginFixture {
  explicit PluginFixture(VideoRoomConfig cfg = {}) : plugin(std::move(cfg)) { plugin.init(gateway); }
  json send(cp::HandleId handle, const json& body) {
    return plugin.handleMessage(cp::PluginMessage{handle, "tx", body, std::nullopt}).data;
  }
  cp::HandleId attach() {
    plugin.createSession(++lastHandle);
    return lastHandle;
  }
  RecordingGateway gateway;
  VideoRoomPlugin plugin;
  cp::HandleId lastHandle = 100;
};

json error(int code, const std::string& reason) {
  return {{"videoroom", "event"}, {"error_code", code}, {"error", reason}};
}

struct KindCase {
  const char* request;
  RequestKind kind;
};
std::ostream& operator<<(std::ostream& os, const KindCase& c) {
  return os << c.request;
}

const KindCase kKinds[] = {
    {"create", RequestKind::Sync},
    {"Destroy", RequestKind::Sync},
    {"edit", RequestKind::Sync},
    {"exists", RequestKind::Sync},
    {"list", RequestKind::Sync},
    {"allowed", RequestKind::Sync},
    {"kick", RequestKind::Sync},
    {"moderate", RequestKind::Sync},
    {"listparticipants", RequestKind::Sync},
    {"rtp_forward", RequestKind::Sync},
    {"enable_recording", RequestKind::Sync},
    {"join", RequestKind::Async},
    {"JOINANDCONFIGURE", RequestKind::Async},
    {"configure", RequestKind::Async},
    {"publish", RequestKind::Async},
    {"unpublish", RequestKind::Async},
    {"start", RequestKind::Async},
    {"pause", RequestKind::Async},
    {"switch", RequestKind::Async},
    {"leave", RequestKind::Async},
    {"subscribe", RequestKind::Async},
    {"unsubscribe", RequestKind::Async},
    {"update", RequestKind::Async},
    {"nope", RequestKind::Unknown},
    {"", RequestKind::Unknown},
};

}  // namespace

BOOST_DATA_TEST_CASE(request_kinds_as_janus, bdata::make(kKinds), c) {
  BOOST_TEST(static_cast<int>(classifyRequest(c.request)) == static_cast<int>(c.kind));
}

BOOST_AUTO_TEST_CASE(ack_only_for_well_formed_async_requests) {
  PluginFixture f;
  auto hint = [&](const json& body) { return f.plugin.asyncHint(cp::PluginMessage{1, "t", body, std::nullopt}); };
  BOOST_TEST(hint({{"request", "join"}}).value_or("x") == "");  // ack without hint
  BOOST_TEST(!hint({{"request", "create"}}).has_value());
  BOOST_TEST(!hint({{"request", "nope"}}).has_value());
  BOOST_TEST(!hint({{"request", 5}}).has_value());
  BOOST_TEST(!hint(json::object()).has_value());
}

namespace {

struct RequestCase {
  const char* name;
  const char* body;
  int code;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const RequestCase& c) {
  return os << c.name;
}

// Validation before any state changes, on a fresh plugin with the demo room (1234, secret adminpwd).
const RequestCase kRequests[] = {
    {"no request", "{}", 429, "Missing mandatory element (request)"},
    {"request not a string", R"({"request":1})", 430, "Invalid element type (request should be a string)"},
    {"unknown", R"({"request":"dance"})", 423, "Unknown request 'dance'"},
    {"exists without room", R"({"request":"exists"})", 429, "Missing mandatory element (room)"},
    {"exists string room", R"({"request":"exists","room":"1234"})", 430,
     "Invalid element type (room should be a positive integer)"},
    {"create existing", R"({"request":"create","room":1234})", 427, "Room 1234 already exists"},
    {"create permanent", R"({"request":"create","room":5,"permanent":true})", 499,
     "No configuration file, can't create permanent room"},
    {"edit permanent", R"({"request":"edit","room":1234,"secret":"adminpwd","permanent":true})", 499,
     "No configuration file, can't edit room permanently"},
    {"destroy no secret", R"({"request":"destroy","room":1234})", 429, "Missing mandatory element (secret)"},
    {"destroy wrong secret", R"({"request":"destroy","room":1234,"secret":"x"})", 433, "Unauthorized (wrong secret)"},
    {"destroy unknown room", R"({"request":"destroy","room":9})", 426, "No such room (9)"},
    {"allowed bad action", R"({"request":"allowed","room":1234,"secret":"adminpwd","action":"x"})", 430,
     "Unsupported action 'x' (allowed)"},
    {"allowed bad token", R"({"request":"allowed","room":1234,"secret":"adminpwd","action":"add","allowed":[1]})", 430,
     "Invalid element in the allowed array (not a string)"},
    {"destroy room before permanent", R"({"request":"destroy","room":"x","permanent":5})", 430,
     "Invalid element type (room should be a positive integer)"},
    {"destroy permanent before room lookup", R"({"request":"destroy","room":9,"secret":5,"permanent":5})", 430,
     "Invalid element type (permanent should be a boolean)"},
    {"destroy secret only once the room is found", R"({"request":"destroy","room":9,"secret":null})", 426,
     "No such room (9)"},
    {"destroy secret of the wrong type", R"({"request":"destroy","room":1234,"secret":5})", 430,
     "Invalid element type (secret should be a string)"},
    {"kick unknown user", R"({"request":"kick","room":1234,"secret":"adminpwd","id":3})", 428,
     "No such user 3 in room 1234"},
    {"kick without room", R"({"request":"kick","id":3})", 426, "No such room (0)"},
    {"kick string room", R"({"request":"kick","room":"1234","id":3})", 426, "No such room (0)"},
    {"kick negative room", R"({"request":"kick","room":-1,"id":3})", 426, "No such room (18446744073709551615)"},
    {"kick id before room", R"({"request":"kick","room":"x","id":"y"})", 430,
     "Invalid element type (id should be a positive integer)"},
    {"kick secret first", R"({"request":"kick","room":9,"id":3,"secret":5})", 430,
     "Invalid element type (secret should be a string)"},
    {"moderate no mid", R"({"request":"moderate","room":1234,"secret":"adminpwd","id":3,"mute":true})", 429,
     "Missing mandatory element (mid)"},
    {"rtp_forward no host", R"({"request":"rtp_forward","room":1234})", 429, "Missing mandatory element (host)"},
    {"rtp_forward no feed", R"({"request":"rtp_forward","room":1234,"host":"h","publisher_id":5,"secret":"adminpwd"})",
     428, "No such feed (5)"},
    {"stop_rtp_forward no stream_id", R"({"request":"stop_rtp_forward","room":1234,"publisher_id":5})", 429,
     "Missing mandatory element (stream_id)"},
    {"enable_recording no room", R"({"request":"enable_recording","record":true})", 426, "No such room (0)"},
    {"unsupported enable_recording", R"({"request":"enable_recording","room":1234,"record":true,"secret":"adminpwd"})",
     499, "Request 'enable_recording' is not supported by Portunus"},
    {"configure before join", R"({"request":"configure"})", 424, "Invalid request on unconfigured participant"},
    {"join no ptype", R"({"request":"join","room":1234})", 429, "Missing mandatory element (ptype)"},
    {"join bad ptype", R"({"request":"join","room":1234,"ptype":"x"})", 430, "Invalid element (ptype)"},
    {"join bad id", R"({"request":"join","room":1234,"ptype":"publisher","id":"x"})", 430,
     "Invalid element type (id should be a positive integer)"},
    {"subscriber no feed", R"({"request":"join","room":1234,"ptype":"subscriber"})", 429,
     "Missing mandatory element (feed)"},
    {"subscriber unknown feed", R"({"request":"join","room":1234,"ptype":"listener","feed":8})", 428,
     "No such feed (8)"},
    {"subscriber streams entry", R"({"request":"join","room":1234,"ptype":"subscriber","streams":[{"feed":"8"}]})", 430,
     "Invalid element type (feed should be a positive integer)"},
};

}  // namespace

// A joined publisher's configure/publish, checked as Janus checks them: its publish parameters in order, each
// description's mid and text, a mid named without an offer; close_pc and use_msid of a subscriber are not checked.
const RequestCase kPublisherRequests[] = {
    {"descriptions first", R"({"request":"configure","descriptions":5,"audiocodec":5})", 430,
     "Invalid element type (descriptions should be an array)"},
    {"bitrate before audio", R"({"request":"configure","audio":5,"bitrate":"x"})", 430,
     "Invalid element type (bitrate should be a positive integer)"},
    {"secret", R"({"request":"configure","secret":5})", 430, "Invalid element type (secret should be a string)"},
    {"audio_active_packets", R"({"request":"configure","audio_active_packets":-1})", 430,
     "Invalid element type (audio_active_packets should be a positive integer)"},
    {"audio before video", R"({"request":"configure","data":5,"video":5,"audio":5})", 430,
     "Invalid element type (audio should be a boolean)"},
    {"update", R"({"request":"configure","update":5})", 430, "Invalid element type (update should be a boolean)"},
    {"restart", R"({"request":"configure","restart":5})", 430, "Invalid element type (restart should be a boolean)"},
    {"description without mid", R"({"request":"configure","descriptions":[5]})", 429,
     "Missing mandatory element (mid)"},
    {"description without text", R"({"request":"configure","descriptions":[{"mid":"0"}]})", 429,
     "Missing mandatory element (description)"},
    {"description mid type", R"({"request":"configure","descriptions":[{"mid":5,"description":"d"}]})", 430,
     "Invalid element type (mid should be a string)"},
    {"mid not published", R"({"request":"configure","mid":"0","send":5})", 428, "No such mid '0' published"},
    {"streams mid not published", R"({"request":"configure","streams":[{"mid":"x"}]})", 428,
     "No such mid 'x' published"},
    {"publish checks audio before anything about streams", R"({"request":"publish","streams":"x","audio":"y"})", 430,
     "Invalid element type (audio should be a boolean)"},
};

BOOST_DATA_TEST_CASE(publisher_request_validation, bdata::make(kPublisherRequests), c) {
  PluginFixture f;
  const cp::HandleId h = f.attach();
  f.send(h, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}});
  BOOST_TEST(f.send(h, json::parse(c.body)) == error(c.code, c.reason));
}

BOOST_AUTO_TEST_CASE(publisher_configure_ignores_what_janus_ignores) {
  PluginFixture f;
  const cp::HandleId h = f.attach();
  f.send(h, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}});
  const json ok = {{"videoroom", "event"}, {"room", 1234}, {"configured", "ok"}};
  for (const char* body : {R"({"request":"configure","streams":"x"})", R"({"request":"configure","streams":[5]})",
                           R"({"request":"configure","mid":5})", R"({"request":"configure","metadata":5})",
                           R"({"request":"configure","descriptions":[{"mid":"0","description":"d"}]})"})
    BOOST_TEST(f.send(h, json::parse(body)) == ok, body);
  const cp::HandleId s = f.attach();
  BOOST_TEST(f.send(s, {{"request", "join"},
                        {"room", 1234},
                        {"ptype", "subscriber"},
                        {"use_msid", "x"},
                        {"close_pc", "x"},
                        {"feed", 99}}) == error(428, "No such feed (99)"));
}

BOOST_DATA_TEST_CASE(request_validation, bdata::make(kRequests), c) {
  PluginFixture f;
  const cp::HandleId h = f.attach();
  BOOST_TEST(f.send(h, json::parse(c.body)) == error(c.code, c.reason));
}

BOOST_AUTO_TEST_CASE(participants_and_their_events) {
  PluginFixture f;
  const cp::HandleId a = f.attach(), b = f.attach(), mod = f.attach();
  const json joinedA = f.send(a, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}, {"display", "A"}});
  BOOST_TEST(joinedA["videoroom"] == "joined");
  BOOST_TEST(joinedA["description"] == "Demo Room");
  BOOST_TEST(joinedA["publishers"] == json::array());
  BOOST_TEST(!joinedA.contains("attendees"));
  const json joinedB = f.send(b, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}, {"id", 77}});
  BOOST_TEST(joinedB["id"] == 77);
  BOOST_TEST(f.send(b, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}}) ==
             error(425, "Already in as a publisher on this handle"));
  BOOST_TEST(f.send(mod, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}, {"id", 77}}) ==
             error(436, "User ID 77 already exists"));

  BOOST_TEST(f.send(b, {{"request", "configure"}, {"display", "B"}}) ==
             json({{"videoroom", "event"}, {"room", 1234}, {"configured", "ok"}}));
  const json listed = f.send(mod, {{"request", "listparticipants"}, {"room", 1234}});
  BOOST_TEST(listed["participants"].size() == 2u);

  BOOST_TEST(f.send(mod, {{"request", "kick"}, {"room", 1234}, {"secret", "adminpwd"}, {"id", 77}}) ==
             json({{"videoroom", "success"}}));
  const auto toA = f.gateway.eventsFor(a);
  BOOST_REQUIRE(toA.size() == 2u);
  BOOST_TEST(toA[0] == json({{"videoroom", "event"}, {"id", 77}, {"display", "B"}}));
  BOOST_TEST(toA[1] == json({{"videoroom", "event"}, {"room", 1234}, {"kicked", 77}}));
  const auto toB = f.gateway.eventsFor(b);
  BOOST_REQUIRE(toB.size() == 1u);
  BOOST_TEST(toB[0] == json({{"videoroom", "event"}, {"room", 1234}, {"leaving", "ok"}, {"reason", "kicked"}}));
  BOOST_TEST(f.gateway.closed == std::vector<cp::HandleId>{b});
  BOOST_TEST(f.send(b, {{"request", "configure"}}) == error(426, "No such room"));

  // A detached publisher leaves; the room is then empty.
  f.plugin.destroySession(a);
  BOOST_TEST(f.send(mod, {{"request", "listparticipants"}, {"room", 1234}})["participants"] == json::array());
}

BOOST_AUTO_TEST_CASE(notify_joining_and_destroy) {
  PluginFixture f;
  const cp::HandleId a = f.attach(), b = f.attach(), mod = f.attach();
  BOOST_TEST(f.send(mod, {{"request", "create"}, {"room", 42}, {"notify_joining", true}})["videoroom"] == "created");
  f.send(a, {{"request", "join"}, {"room", 42}, {"ptype", "publisher"}, {"id", 1}, {"display", "A"}});
  const json joinedB = f.send(b, {{"request", "join"}, {"room", 42}, {"ptype", "publisher"}, {"id", 2}});
  BOOST_TEST(joinedB["attendees"] == json::parse(R"([{"id":1,"display":"A"}])"));
  BOOST_TEST(f.send(mod, {{"request", "destroy"}, {"room", 42}}) ==
             json({{"videoroom", "destroyed"}, {"room", 42}, {"permanent", false}}));
  const auto toA = f.gateway.eventsFor(a);
  BOOST_REQUIRE(toA.size() == 2u);
  BOOST_TEST(toA[0] == json::parse(R"({"videoroom":"event","room":42,"joining":{"id":2}})"));
  BOOST_TEST(toA[1] == json::parse(R"({"videoroom":"destroyed","room":42})"));
  BOOST_TEST(f.gateway.eventsFor(b) == std::vector<json>{json::parse(R"({"videoroom":"destroyed","room":42})")});
  BOOST_TEST(f.send(mod, {{"request", "exists"}, {"room", 42}})["exists"] == false);
}

BOOST_AUTO_TEST_CASE(string_ids_and_admin_key) {
  VideoRoomConfig cfg;
  cfg.stringIds = true;
  cfg.adminKey = "k";
  PluginFixture f(cfg);
  const cp::HandleId h = f.attach(), p = f.attach();
  BOOST_TEST(f.send(h, {{"request", "create"}, {"room", "r"}}) == error(429, "Missing mandatory element (admin_key)"));
  BOOST_TEST(f.send(h, {{"request", "create"}, {"room", "r"}, {"admin_key", "x"}}) ==
             error(433, "Unauthorized (wrong admin_key)"));
  BOOST_TEST(f.send(h, {{"request", "create"}, {"room", 1}, {"admin_key", "k"}}) ==
             error(430, "Invalid element type (room should be a string)"));
  BOOST_TEST(f.send(h, {{"request", "create"}, {"room", "r"}, {"admin_key", "k"}, {"is_private", true}}) ==
             json({{"videoroom", "created"}, {"room", "r"}, {"permanent", false}}));
  auto rooms = [&](const json& body) {
    std::vector<std::string> ids;
    const json reply = f.send(h, body);  // kept: a range-for over a temporary's member would dangle
    for (const auto& r : reply["list"])
      ids.push_back(r["room"]);
    return ids;
  };
  BOOST_TEST(rooms({{"request", "list"}}) == std::vector<std::string>{"1234"});
  BOOST_TEST((rooms({{"request", "list"}, {"admin_key", "k"}}) == std::vector<std::string>{"1234", "r"}));
  const json joined = f.send(p, {{"request", "join"}, {"room", "r"}, {"ptype", "publisher"}});
  BOOST_TEST(joined["id"].is_string());
  BOOST_TEST(joined["id"].get<std::string>().size() == 36u);  // a UUID, as Janus's janus_random_uuid
  BOOST_TEST(joined["room"] == "r");
}

BOOST_AUTO_TEST_CASE(admin_message_plugin_runs_sync_requests_only) {
  PluginFixture f;
  BOOST_TEST(f.plugin.handleAdminMessage(json::object()) == error(429, "Missing mandatory element (request)"));
  BOOST_TEST(f.plugin.handleAdminMessage({{"request", "join"}}) == error(423, "Unknown request 'join'"));
  BOOST_TEST(f.plugin.handleAdminMessage({{"request", "exists"}, {"room", 1234}}) ==
             json({{"videoroom", "success"}, {"room", 1234}, {"exists", true}}));
}

BOOST_AUTO_TEST_CASE(handle_info) {
  PluginFixture f;
  const cp::HandleId h = f.attach();
  BOOST_TEST(f.plugin.queryHandle(h) == json({{"hangingup", 0}, {"destroyed", 0}}));
  const json joined = f.send(h, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}, {"display", "A"}});
  const json info = f.plugin.queryHandle(h);
  BOOST_TEST(info == json({{"type", "publisher"},
                           {"room", 1234},
                           {"id", joined["id"]},
                           {"private_id", joined["private_id"]},
                           {"display", "A"},
                           {"bitrate", 0},
                           {"streams", json::array()},
                           {"hangingup", 0},
                           {"destroyed", 0}}));
  BOOST_TEST(f.plugin.queryHandle(999) == json(nullptr));
}

BOOST_AUTO_TEST_CASE(room_events_for_the_media_half) {
  RecordingGateway g;
  VideoRoomContext ctx;
  ctx.gateway = &g;
  RoomOptions options;
  options.id = "5";
  Room room(options, false);
  auto a = std::make_shared<Publisher>();
  a->id = "1";
  a->handle = 11;
  a->display = "A";
  a->published = true;
  PublishedStream audio;
  audio.type = "audio";
  audio.mid = "0";
  audio.codec = "opus";
  a->streams = {audio};
  auto b = std::make_shared<Publisher>();
  b->id = "2";
  b->handle = 12;
  room.addParticipant(a);
  room.addParticipant(b);

  const json published = json::parse(R"([{"id":1,"display":"A","streams":[{"type":"audio","mindex":0,"mid":"0",
                                          "codec":"opus"}]}])");
  BOOST_TEST(room.publishersJson("2") == published);  // what b's `joined` lists
  BOOST_TEST(room.publishersJson("1") == json::array());
  BOOST_TEST(room.activePublishers() == 1u);
  ctx.announcePublisher(room, *a);
  ctx.announceUnpublished(room, *a);
  BOOST_TEST(g.eventsFor(11).empty());
  BOOST_TEST(g.eventsFor(12) == (std::vector<json>{{{"videoroom", "event"}, {"room", 5}, {"publishers", published}},
                                                   {{"videoroom", "event"}, {"room", 5}, {"unpublished", 1}}}));
}

BOOST_AUTO_TEST_CASE(moderate_a_published_stream) {
  PluginFixture f;
  const cp::HandleId a = f.attach(), b = f.attach(), mod = f.attach();
  f.send(a, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}, {"id", 1}});
  f.send(b, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}, {"id", 2}});
  {
    // What the media half records once a's offer is answered.
    std::lock_guard lock(f.plugin.context().mutex);
    Publisher& p = *f.plugin.context().sessions.at(a).publisher;
    p.published = true;
    PublishedStream audio;
    audio.type = "audio";
    audio.mid = "0";
    audio.codec = "opus";
    p.streams = {audio};
  }
  auto moderate = [&](const json& extra) {
    json body = {{"request", "moderate"}, {"room", 1234}, {"secret", "adminpwd"}, {"id", 1}, {"mid", "0"}};
    body.update(extra);
    return f.send(mod, body);
  };
  BOOST_TEST(moderate({{"mid", "1"}, {"mute", true}}) == error(428, "No such stream 1"));
  BOOST_TEST(moderate({{"mute", true}}) == json({{"videoroom", "success"}}));
  const json muted = {{"videoroom", "event"}, {"room", 1234}, {"id", 1}, {"mid", "0"}, {"moderation", "muted"}};
  BOOST_TEST(f.gateway.eventsFor(a) == std::vector<json>{muted});  // the moderated participant hears it too
  BOOST_TEST(f.gateway.eventsFor(b) == std::vector<json>{muted});
  const json joined = f.send(mod, {{"request", "join"}, {"room", 1234}, {"ptype", "publisher"}});
  BOOST_TEST(joined["publishers"][0]["streams"][0]["moderated"] == true);
  BOOST_TEST(moderate({{"mute", false}}) == json({{"videoroom", "success"}}));
  BOOST_TEST(f.gateway.eventsFor(b).back()["moderation"] == "unmuted");
}
