#include "plugins/videoroom/VideoRoomPlugin.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <random>

#include "common/json/JanusId.hpp"
#include "common/log/Log.hpp"
#include "controlplane/core/JanusError.hpp"
#include "plugins/videoroom/JsonParams.hpp"
#include "plugins/videoroom/VideoRoomErrors.hpp"

namespace portunus::plugins::videoroom {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

constexpr std::array kSyncRequests = {"create",
                                      "destroy",
                                      "edit",
                                      "list",
                                      "listforwarders",
                                      "exists",
                                      "allowed",
                                      "kick",
                                      "moderate",
                                      "enable_recording",
                                      "listparticipants",
                                      "rtp_forward",
                                      "stop_rtp_forward",
                                      "add_remote_publisher",
                                      "update_remote_publisher",
                                      "remove_remote_publisher",
                                      "publish_remotely",
                                      "unpublish_remotely",
                                      "listremotes"};
constexpr std::array kAsyncRequests = {"join",  "joinandconfigure", "configure", "publish",   "unpublish",   "start",
                                       "pause", "switch",           "leave",     "subscribe", "unsubscribe", "update"};
// Janus handles these synchronously; Portunus has no RTP forwarders, remote publishers or recorder: they are
// validated as Janus validates them, then answered as Janus would without any (ForwardingRequests.cpp).
constexpr std::array kUnsupportedSync = {"listforwarders",
                                         "enable_recording",
                                         "rtp_forward",
                                         "stop_rtp_forward",
                                         "add_remote_publisher",
                                         "update_remote_publisher",
                                         "remove_remote_publisher",
                                         "publish_remotely",
                                         "unpublish_remotely",
                                         "listremotes"};

template <typename List>
bool listed(const List& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// Janus's ids are random below 2^53 so that JavaScript clients keep them exact.
std::uint64_t randomId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t v = 0;
  while (v == 0)
    v = rng() & ((std::uint64_t{1} << 53) - 1);
  return v;
}

std::uint32_t randomU32() {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uint32_t v = 0;
  while (v == 0)
    v = static_cast<std::uint32_t>(rng());
  return v;
}

std::string randomUuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t a = rng(), b = rng();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

const std::string* stringField(const json& body, const char* key) {
  auto it = body.find(key);
  return it != body.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

}  // namespace

RequestKind classifyRequest(const std::string& request) {
  const std::string r = lower(request);
  if (listed(kSyncRequests, r)) return RequestKind::Sync;
  if (listed(kAsyncRequests, r)) return RequestKind::Async;
  return RequestKind::Unknown;
}

VideoRoomPlugin::VideoRoomPlugin(VideoRoomConfig config, cp::MediaControl* media)
    : info_{"janus.plugin.videoroom",
            "JANUS VideoRoom plugin",  // the name clients see in `info`, as Janus has it
            "Portunus",
            "An SFU room: publishers' streams fanned out to subscribers by the dataplane (Janus VideoRoom API).",
            "0.0.9",
            9},
      media_(ctx_) {
  ctx_.config = std::move(config);
  ctx_.media = media;
  for (const auto& options : ctx_.config.rooms) {
    RoomOptions o = options;
    o.defaultDescription();
    const std::string id = o.id;  // `=` evaluates its right side first: keep the key before moving
    ctx_.rooms[id] = std::make_shared<Room>(std::move(o), ctx_.stringIds());
  }
}

void VideoRoomPlugin::init(cp::PluginGateway& gateway) {
  ctx_.gateway = &gateway;
  PLOG(Info, "videoroom") << ctx_.rooms.size() << " room(s) from the configuration"
                          << (ctx_.config.stringIds ? ", string ids" : "")
                          << (ctx_.config.adminKey ? ", create needs admin_key" : "");
}

void VideoRoomPlugin::createSession(cp::HandleId handle) {
  std::lock_guard lock(ctx_.mutex);
  ctx_.sessions[handle] = Session{handle};
}

void VideoRoomPlugin::destroySession(cp::HandleId handle) {
  std::lock_guard lock(ctx_.mutex);
  Session* session = ctx_.findSession(handle);
  if (!session) throw cp::JanusError(cp::ErrorCode::PluginDetach, "No session for this handle");
  // A detached publisher leaves its room (Janus destroy_session); a subscription just ends.
  if (session->role == Session::Role::Publisher && session->publisher) {
    if (auto room = ctx_.findRoom(session->publisher->room)) removeParticipant(*room, *session->publisher, false);
  } else if (session->role == Session::Role::Subscriber && session->subscriber) {
    if (auto room = ctx_.findRoom(session->subscriber->room)) room->subscribers().erase(handle);
    media_.subscriberGone(*session);
  }
  ctx_.sessions.erase(handle);
}

std::optional<std::string> VideoRoomPlugin::asyncHint(const cp::PluginMessage& message) const {
  // Malformed and unknown requests are answered synchronously, even when they would be async (Janus's handle_message).
  const std::string* request = stringField(message.body, "request");
  if (!message.body.is_object() || !request || classifyRequest(*request) != RequestKind::Async) return std::nullopt;
  return std::string();  // `ack` without a hint
}

cp::PluginResult VideoRoomPlugin::handleMessage(const cp::PluginMessage& message) {
  // A publisher's offer: its PeerConnection (created by the core) gathers ICE candidates meanwhile. Wait for that
  // here, before the plugin-wide lock, so that the answer under the lock does not wait and other rooms' requests
  // are not held up by this handle's gathering.
  if (ctx_.media && message.jsep) ctx_.media->awaitGathering(message.handle);
  std::lock_guard lock(ctx_.mutex);
  try {
    const json& body = message.body;
    if (!body.is_object()) throw VideoRoomError(ErrorCode::InvalidJson, "JSON error: not an object");
    validateParams(body, {{"request", JsonType::String, true}});
    const std::string& text = body["request"].get_ref<const std::string&>();
    Session* session = ctx_.findSession(message.handle);
    if (!session) throw VideoRoomError(ErrorCode::Unknown, "No session associated with this handle...");
    switch (classifyRequest(text)) {
      case RequestKind::Sync:
        return {syncRequest(lower(text), body), std::nullopt};
      case RequestKind::Async:
        return asyncRequest(*session, lower(text), message);
      case RequestKind::Unknown:
        break;
    }
    throw VideoRoomError(ErrorCode::InvalidRequest, "Unknown request '" + text + "'");
  } catch (const VideoRoomError& e) {
    PLOG(Debug, "videoroom") << "handle " << message.handle << ": error " << e.number() << " " << e.what();
    return {e.toJson(), std::nullopt};
  } catch (const json::exception& e) {
    // A field of a shape the request's checks let through (our bug): the client still gets its event, not silence.
    PLOG(Warn, "videoroom") << "handle " << message.handle << ": request failed: " << e.what();
    return {VideoRoomError(ErrorCode::Unknown, std::string("Invalid request (") + e.what() + ")").toJson(),
            std::nullopt};
  }
}

json VideoRoomPlugin::handleAdminMessage(const json& request) {
  std::lock_guard lock(ctx_.mutex);
  try {
    validateParams(request, {{"request", JsonType::String, true}});
    const std::string& text = request["request"].get_ref<const std::string&>();
    // Only the synchronous requests exist here (Janus process_synchronous_request with no session).
    if (classifyRequest(text) != RequestKind::Sync)
      throw VideoRoomError(ErrorCode::InvalidRequest, "Unknown request '" + text + "'");
    return syncRequest(lower(text), request);
  } catch (const VideoRoomError& e) {
    return e.toJson();
  } catch (const json::exception& e) {
    PLOG(Warn, "videoroom") << "admin request failed: " << e.what();
    return VideoRoomError(ErrorCode::Unknown, std::string("Invalid request (") + e.what() + ")").toJson();
  }
}

json VideoRoomPlugin::syncRequest(const std::string& request, const json& body) {
  if (request == "create") return create(body);
  if (request == "edit") return edit(body);
  if (request == "destroy") return destroy(body);
  if (request == "exists") return exists(body);
  if (request == "list") return list(body);
  if (request == "allowed") return allowed(body);
  if (request == "kick") return kick(body);
  if (request == "moderate") return moderate(body);
  if (request == "listparticipants") return listParticipants(body);
  if (listed(kUnsupportedSync, request)) return forwardingRequest(request, body);
  throw VideoRoomError(ErrorCode::InvalidRequest, "Unknown request '" + request + "'");
}

std::shared_ptr<Room> VideoRoomPlugin::accessRoom(const json& body, bool checkSecretToo, bool checkPin) {
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  const std::string id = idText(body["room"]);
  auto room = ctx_.findRoom(id);
  if (!room) throw VideoRoomError::noSuchRoom(id);
  if (checkSecretToo) checkSecret(room->options().secret ? &*room->options().secret : nullptr, body, "secret");
  if (checkPin) checkSecret(room->options().pin ? &*room->options().pin : nullptr, body, "pin");
  return room;
}

std::string VideoRoomPlugin::newRoomId() const {
  for (;;) {
    std::string id = ctx_.stringIds() ? randomUuid() : std::to_string(randomId());
    if (!ctx_.rooms.count(id)) return id;
  }
}

std::string VideoRoomPlugin::newParticipantId(const Room& room) const {
  for (;;) {
    std::string id = ctx_.stringIds() ? randomUuid() : std::to_string(randomId());
    if (!room.participant(id)) return id;
  }
}

// ---- synchronous requests ----

json VideoRoomPlugin::create(const json& body) {
  RoomOptions options = parseCreateOptions(body);
  validateParams(body, {idParam("room", ctx_.stringIds(), false)});
  if (ctx_.config.adminKey) checkSecret(&*ctx_.config.adminKey, body, "admin_key");
  // Portunus never rewrites its configuration file: a permanent room is refused as Janus refuses it without one.
  if (body.value("permanent", false))
    throw VideoRoomError(ErrorCode::Unknown, "No configuration file, can't create permanent room");
  std::string id;
  if (auto it = body.find("room"); it != body.end()) id = idText(*it);
  if (id.empty() || id == "0") {
    id = newRoomId();
  } else if (ctx_.rooms.count(id)) {
    throw VideoRoomError(ErrorCode::RoomExists, "Room " + id + " already exists");
  }
  options.id = id;
  options.defaultDescription();
  auto room = std::make_shared<Room>(std::move(options), ctx_.stringIds());
  ctx_.rooms[id] = room;
  PLOG(Info, "videoroom") << "created room " << id;
  return {{"videoroom", "created"}, {"room", room->roomJson()}, {"permanent", false}};
}

json VideoRoomPlugin::edit(const json& body) {
  // Validates the new_* keys before touching anything, as Janus.
  RoomOptions scratch;
  applyEdit(scratch, body);
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  if (body.value("permanent", false))
    throw VideoRoomError(ErrorCode::Unknown, "No configuration file, can't edit room permanently");
  auto room = accessRoom(body, true, false);
  applyEdit(room->options(), body);
  return {{"videoroom", "edited"}, {"room", room->roomJson()}, {"permanent", false}};
}

json VideoRoomPlugin::destroy(const json& body) {
  // As Janus: the room, then `permanent`; the secret only once the room is found, and only if it has one.
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  validateParams(body, {{"permanent", JsonType::Bool}});
  if (body.value("permanent", false))
    throw VideoRoomError(ErrorCode::Unknown, "No configuration file, can't destroy room permanently");
  auto room = accessRoom(body, true, false);
  // Everyone in the room hears it, then loses its PeerConnection.
  const json destroyed = {{"videoroom", "destroyed"}, {"room", room->roomJson()}};
  for (const auto& [id, p] : room->participants()) {
    if (!p->kicked) ctx_.push(p->handle, destroyed);
    media_.publisherGone(*room, *p);
    p->room.clear();
    if (ctx_.gateway) ctx_.gateway->closePeerConnection(p->handle);
  }
  for (cp::HandleId h : room->subscribers()) {
    if (Session* s = ctx_.findSession(h)) {
      media_.subscriberGone(*s);
      if (s->subscriber) s->subscriber->room.clear();
    }
    if (ctx_.gateway) ctx_.gateway->closePeerConnection(h);
  }
  ctx_.rooms.erase(room->id());
  PLOG(Info, "videoroom") << "destroyed room " << room->id();
  return {{"videoroom", "destroyed"}, {"room", room->roomJson()}, {"permanent", false}};
}

json VideoRoomPlugin::exists(const json& body) {
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  const std::string id = idText(body["room"]);
  auto room = ctx_.findRoom(id);
  return {{"videoroom", "success"}, {"room", body["room"]}, {"exists", room != nullptr}};
}

json VideoRoomPlugin::list(const json& body) {
  // Private rooms are listed only to a caller that proves the admin_key.
  bool showPrivate = false;
  if (ctx_.config.adminKey) {
    const std::string* key = stringField(body, "admin_key");
    if (key && !key->empty()) {
      checkSecret(&*ctx_.config.adminKey, body, "admin_key");
      showPrivate = true;
    }
  }
  json rooms = json::array();
  for (const auto& [id, room] : ctx_.rooms)
    if (!room->options().isPrivate || showPrivate) rooms.push_back(room->listJson());
  return {{"videoroom", "success"}, {"list", rooms}};
}

json VideoRoomPlugin::allowed(const json& body) {
  validateParams(body,
                 {{"secret", JsonType::String}, {"action", JsonType::String, true}, {"allowed", JsonType::Array}});
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  const std::string action = body["action"].get<std::string>();
  const std::string verb = lower(action);
  if (verb != "enable" && verb != "disable" && verb != "add" && verb != "remove")
    throw VideoRoomError(ErrorCode::InvalidElement, "Unsupported action '" + action + "' (allowed)");
  auto room = accessRoom(body, true, false);
  RoomOptions& o = room->options();
  if (verb == "enable") {
    o.checkAllowed = true;
  } else if (verb == "disable") {
    o.checkAllowed = false;
  } else if (auto it = body.find("allowed"); it != body.end()) {
    for (const auto& token : *it)
      if (!token.is_string())
        throw VideoRoomError(ErrorCode::InvalidElement, "Invalid element in the allowed array (not a string)");
    for (const auto& token : *it) {
      if (verb == "add")
        o.allowed.insert(token.get<std::string>());
      else
        o.allowed.erase(token.get<std::string>());
    }
  }
  json reply = {{"videoroom", "success"}, {"room", room->roomJson()}};
  if (verb != "disable") reply["allowed"] = json(o.allowed);
  return reply;
}

json VideoRoomPlugin::kick(const json& body) {
  validateParams(body, {{"secret", JsonType::String}});
  validateParams(body, {idParam("id", ctx_.stringIds(), true)});
  if (!ctx_.stringIds()) {
    // Janus reads a numeric kick's room without checking it, as it reads an id: anything but an integer is room 0.
    const std::string room = std::to_string(readId(body, "room").value);
    if (!ctx_.findRoom(room)) throw VideoRoomError::noSuchRoom(room);
  }
  auto room = accessRoom(body, true, false);
  const std::string id = idText(body["id"]);
  auto p = room->participant(id);
  if (!p) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such user " + id + " in room " + room->id());
  ctx_.push(p->handle, {{"videoroom", "event"}, {"room", room->roomJson()}, {"leaving", "ok"}, {"reason", "kicked"}});
  removeParticipant(*room, *p, true);
  if (ctx_.gateway) ctx_.gateway->closePeerConnection(p->handle);
  return {{"videoroom", "success"}};
}

json VideoRoomPlugin::moderate(const json& body) {
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  validateParams(body, {idParam("id", ctx_.stringIds(), true)});
  validateParams(body, {{"secret", JsonType::String}, {"mid", JsonType::String, true}, {"mute", JsonType::Bool, true}});
  auto room = accessRoom(body, true, false);
  const std::string id = idText(body["id"]);
  auto p = room->participant(id);
  if (!p) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such user " + id + " in room " + room->id());
  const std::string mid = body["mid"].get<std::string>();
  PublishedStream* stream = p->streamByMid(mid);
  if (!stream) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such stream " + mid);
  const bool mute = body["mute"].get<bool>();
  const bool changed = stream->moderated != mute;
  stream->moderated = mute;
  if (changed) media_.streamModerated(*room, *p, *stream);
  // Everyone in the room hears it, the moderated participant too (Janus notifies the source as well).
  const json event = {{"videoroom", "event"},
                      {"room", room->roomJson()},
                      {"id", room->idJson(id)},
                      {"mid", mid},
                      {"moderation", mute ? "muted" : "unmuted"}};
  for (const auto& [pid, participant] : room->participants())
    if (!participant->kicked) ctx_.push(participant->handle, event);
  return {{"videoroom", "success"}};
}

json VideoRoomPlugin::listParticipants(const json& body) {
  auto room = accessRoom(body, false, false);
  return {{"videoroom", "participants"}, {"room", room->roomJson()}, {"participants", room->participantsJson()}};
}

void VideoRoomPlugin::removeParticipant(Room& room, Publisher& p, bool kicked) {
  p.kicked = kicked;
  const json event = {
      {"videoroom", "event"}, {"room", room.roomJson()}, {kicked ? "kicked" : "leaving", room.idJson(p.id)}};
  ctx_.notifyParticipants(room, event, p.id);
  media_.publisherGone(room, p);
  p.published = false;
  room.removeParticipant(p.id);
  p.room.clear();
}

// ---- asynchronous requests ----

cp::PluginResult VideoRoomPlugin::asyncRequest(Session& session, const std::string& request,
                                               const cp::PluginMessage& message) {
  switch (session.role) {
    case Session::Role::None:
      if (session.leftRoom) return leftSubscriberRequest(session, request, message);
      if (request != "join" && request != "joinandconfigure")
        throw VideoRoomError(ErrorCode::JoinFirst, "Invalid request on unconfigured participant");
      return join(session, request, message);
    case Session::Role::Publisher:
      return publisherRequest(session, request, message);
    case Session::Role::Subscriber: {
      std::optional<json> jsep;
      json event = media_.subscriberRequest(session, request, message.body, message.jsep, jsep);
      return {std::move(event), std::move(jsep)};
    }
  }
  throw VideoRoomError(ErrorCode::Unknown, "Invalid participant type");
}

cp::PluginResult VideoRoomPlugin::join(Session& session, const std::string& request, const cp::PluginMessage& message) {
  const json& body = message.body;
  validateParams(body, {idParam("room", ctx_.stringIds(), true)});
  validateParams(body, {{"ptype", JsonType::String, true}});
  auto room = accessRoom(body, false, true);
  const std::string ptype = lower(body["ptype"].get<std::string>());
  if (ptype == "publisher") return joinPublisher(session, *room, request, message);
  if (ptype == "subscriber" || ptype == "listener") return joinSubscriber(session, *room, message);
  throw VideoRoomError(ErrorCode::InvalidElement, "Invalid element (ptype)");
}

cp::PluginResult VideoRoomPlugin::joinPublisher(Session& session, Room& room, const std::string& request,
                                                const cp::PluginMessage& message) {
  const json& body = message.body;
  validateParams(body, {{"display", JsonType::String}, {"token", JsonType::String}});
  validateParams(body, {idParam("id", ctx_.stringIds(), false)});
  if (!room.allows(stringField(body, "token")))
    throw VideoRoomError(ErrorCode::Unauthorized, "Unauthorized (not in the allowed list)");
  std::string id;
  if (auto it = body.find("id"); it != body.end()) {
    id = idText(*it);
    if (room.participant(id)) throw VideoRoomError(ErrorCode::IdExists, "User ID " + id + " already exists");
  }
  if (id.empty() || id == "0") id = newParticipantId(room);

  auto p = std::make_shared<Publisher>();
  p->id = id;
  if (const std::string* display = stringField(body, "display")) p->display = *display;
  p->handle = session.handle;
  p->room = room.id();
  for (bool unique = false; !unique;) {
    p->privateId = randomU32();
    unique = std::none_of(room.participants().begin(), room.participants().end(),
                          [&](const auto& e) { return e.second->privateId == p->privateId; });
  }
  if (room.options().notifyJoining) {
    json who = {{"id", room.idJson(id)}};
    if (p->display) who["display"] = *p->display;
    ctx_.notifyParticipants(room, {{"videoroom", "event"}, {"room", room.roomJson()}, {"joining", who}});
  }
  room.addParticipant(p);
  session.role = Session::Role::Publisher;
  session.publisher = p;

  json joined = {{"videoroom", "joined"}, {"room", room.roomJson()},    {"description", room.options().description},
                 {"id", room.idJson(id)}, {"private_id", p->privateId}, {"publishers", room.publishersJson(id)}};
  if (room.options().notifyJoining) joined["attendees"] = room.attendeesJson(id);
  PLOG(Debug, "videoroom") << "handle " << session.handle << " joined room " << room.id() << " as " << id;
  std::optional<json> jsep;
  if (request == "joinandconfigure") {
    // The join took the display: as in Janus, it is not announced again as a change.
    json rest = body;
    rest.erase("display");
    json configured = configure(room, *p, "configure", rest, message.jsep, jsep);
    for (const auto& [k, v] : configured.items())
      if (k != "videoroom" && k != "room" && k != "configured") joined[k] = v;
  }
  return {std::move(joined), std::move(jsep)};
}

cp::PluginResult VideoRoomPlugin::joinSubscriber(Session& session, Room& room, const cp::PluginMessage& message) {
  const json& body = message.body;
  // Janus's subscriber parameters, in its order (close_pc and use_msid are read as flags, not checked).
  validateParams(body, {{"streams", JsonType::Array},
                        {"private_id", JsonType::Integer, false, true},
                        {"autoupdate", JsonType::Bool},
                        {"audio", JsonType::Bool},
                        {"video", JsonType::Bool},
                        {"data", JsonType::Bool},
                        {"offer_audio", JsonType::Bool},
                        {"offer_video", JsonType::Bool},
                        {"offer_data", JsonType::Bool}});
  // Only published feeds can be subscribed to.
  auto feedOf = [&room](const std::string& id) {
    auto p = room.participant(id);
    if (!p || !p->published) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + id + ")");
    return p;
  };
  json streams = json::array();
  auto given = body.find("streams");
  std::shared_ptr<Publisher> legacyFeed;
  if (given == body.end() || given->empty()) {
    // Legacy form: one feed, all of its streams.
    validateParams(body, {idParam("feed", ctx_.stringIds(), true)});
    legacyFeed = feedOf(idText(body["feed"]));
    streams.push_back({{"feed", body["feed"]}});
  } else {
    for (const auto& s : *given) {
      if (!s.is_object()) throw VideoRoomError::missing("feed");  // as Janus: a non-object has no feed
      validateParams(
          s, {idParam("feed", ctx_.stringIds(), true), {"mid", JsonType::String}, {"crossrefid", JsonType::String}});
      const std::string feed = idText(s["feed"]);
      auto p = feedOf(feed);
      if (const std::string* mid = stringField(s, "mid"); mid && !p->streamByMid(*mid))
        throw VideoRoomError(ErrorCode::NoSuchFeed, "No such mid '" + *mid + "' in feed (" + feed + ")");
      streams.push_back(s);
    }
  }
  std::shared_ptr<Publisher> owner;
  if (auto pvt = body.find("private_id"); pvt != body.end()) {
    for (const auto& [id, p] : room.participants())
      if (p->privateId == pvt->get<std::uint64_t>()) owner = p;
  }
  if (room.options().requirePvtid && !owner)
    throw VideoRoomError(ErrorCode::Unauthorized, "Unauthorized (this room requires a valid private_id)");
  std::optional<json> jsep;
  json event = media_.subscribe(session, room, body, streams, jsep);
  if (legacyFeed) {
    // Janus 1.1.2 answers the legacy form with the feed's id and display, and says the form is deprecated.
    event["id"] = body["feed"];
    if (legacyFeed->display) event["display"] = *legacyFeed->display;
    event["warning"] = "deprecated_api";
  }
  if (session.subscriber) {
    session.role = Session::Role::Subscriber;
    if (owner) session.subscriber->privateId = owner->privateId;
    room.subscribers().insert(session.handle);
  }
  return {std::move(event), std::move(jsep)};
}

cp::PluginResult VideoRoomPlugin::leftSubscriberRequest(Session& session, const std::string& request,
                                                        const cp::PluginMessage& message) {
  // As Janus 1.1.2 answers a subscriber handle after `leave` (measured against the Debian janus binary): it stays a
  // subscriber, with no streams and no PeerConnection.
  auto event = [&](const char* key) {
    return cp::PluginResult{json{{"videoroom", "event"}, {"room", *session.leftRoom}, {key, "ok"}}, std::nullopt};
  };
  if (request == "join" || request == "joinandconfigure")
    throw VideoRoomError(ErrorCode::AlreadyJoined, "Already in as a subscriber on this handle");
  if (request == "leave") return event("left");
  if (request == "pause") return event("paused");
  if (request == "start" && !message.jsep) return event("started");
  if (request == "configure") {
    auto streams = message.body.find("streams");
    if (streams != message.body.end() && streams->is_array()) {
      for (const auto& c : *streams) {
        auto mid = c.is_object() ? c.find("mid") : c.end();
        if (mid != c.end() && !mid->is_null())
          throw VideoRoomError(
              ErrorCode::NoSuchFeed,
              "No such mid '" + (mid->is_string() ? mid->get<std::string>() : mid->dump()) + "' in subscription");
      }
    }
    return event("configured");
  }
  throw VideoRoomError(ErrorCode::JoinFirst, "Invalid request on unconfigured participant");
}

cp::PluginResult VideoRoomPlugin::publisherRequest(Session& session, const std::string& request,
                                                   const cp::PluginMessage& message) {
  // After leave, kick or destroy the handle stays a publisher without a room: it cannot join again (Janus).
  Publisher& p = *session.publisher;
  auto room = p.room.empty() ? nullptr : ctx_.findRoom(p.room);
  if (request == "join" || request == "joinandconfigure")
    throw VideoRoomError(ErrorCode::AlreadyJoined,
                         room ? "Already in as a publisher on this handle" : "Not in a room (create a new handle)");
  if (!room) throw VideoRoomError(ErrorCode::NoSuchRoom, "No such room");
  if (request == "configure" || request == "publish") {
    std::optional<json> jsep;
    json event = configure(*room, p, request, message.body, message.jsep, jsep);
    return {std::move(event), std::move(jsep)};
  }
  if (request == "unpublish") {
    if (!p.published) throw VideoRoomError(ErrorCode::NotPublished, "Can't unpublish, not published");
    media_.unpublish(*room, p);
    return {{{"videoroom", "event"}, {"room", room->roomJson()}, {"unpublished", "ok"}}, std::nullopt};
  }
  if (request == "leave") {
    json event = {{"videoroom", "event"}, {"room", room->roomJson()}, {"leaving", "ok"}};
    removeParticipant(*room, p, false);
    if (ctx_.gateway) ctx_.gateway->closePeerConnection(session.handle);
    return {std::move(event), std::nullopt};
  }
  throw VideoRoomError(ErrorCode::InvalidRequest, "Unknown request '" + request + "'");
}

json VideoRoomPlugin::configure(Room& room, Publisher& p, const std::string& request, const json& body,
                                const std::optional<json>& jsep, std::optional<json>& jsepOut) {
  // Janus's publish parameters, in its order ("audio_level_averge" is spelled as Janus spells it); `streams` is not
  // checked as a whole, only its entries' mids below.
  validateParams(body, {{"descriptions", JsonType::Array},
                        {"audiocodec", JsonType::String},
                        {"videocodec", JsonType::String},
                        {"bitrate", JsonType::Integer, false, true},
                        {"keyframe", JsonType::Bool},
                        {"record", JsonType::Bool},
                        {"filename", JsonType::String},
                        {"display", JsonType::String},
                        {"secret", JsonType::String},
                        {"audio_level_averge", JsonType::Integer, false, true},
                        {"audio_active_packets", JsonType::Integer, false, true},
                        {"audio", JsonType::Bool},
                        {"video", JsonType::Bool},
                        {"data", JsonType::Bool},
                        {"update", JsonType::Bool},
                        {"restart", JsonType::Bool}});
  if (auto d = body.find("descriptions"); d != body.end()) {
    for (const json& e : *d) {
      if (!e.is_object()) throw VideoRoomError(ErrorCode::MissingElement, "Missing mandatory element (mid)");
      validateParams(e, {{"mid", JsonType::String, true}, {"description", JsonType::String, true}});
    }
  }
  if (!jsep) {
    // A mid named without an offer must be one this publisher publishes.
    auto published = [&p](const json& mid) {
      if (mid.is_string() && !p.streamByMid(mid.get<std::string>()))
        throw VideoRoomError(ErrorCode::NoSuchFeed, "No such mid '" + mid.get<std::string>() + "' published");
    };
    if (auto mid = body.find("mid"); mid != body.end()) published(*mid);
    if (auto streams = body.find("streams"); streams != body.end() && streams->is_array())
      for (const json& e : *streams)
        if (e.is_object() && e.contains("mid")) published(e["mid"]);
  }
  const bool offer = jsep && jsep->value("type", "") == "offer";
  if (request == "publish" && p.published)
    throw VideoRoomError(ErrorCode::AlreadyPublished, "Can't publish, already published");
  if (offer && !p.published &&
      room.activePublishers() >= static_cast<std::size_t>(std::max<std::int64_t>(room.options().publishers, 0)))
    throw VideoRoomError(
        ErrorCode::PublishersFull,
        "Maximum number of publishers (" + std::to_string(room.options().publishers) + ") already reached");
  const std::string* display = stringField(body, "display");
  if (display) p.display = *display;
  const auto announceDisplay = [&] {
    ctx_.notifyParticipants(room, {{"videoroom", "event"}, {"id", room.idJson(p.id)}, {"display", *display}}, p.id);
  };
  json event = {{"videoroom", "event"}, {"room", room.roomJson()}};
  json fields;
  if (jsep || request == "publish") {
    if (display) announceDisplay();
    fields = media_.publish(room, p, body, jsep, jsepOut);
  } else {
    // As Janus: a description given to a published stream announces the publisher again (its display included);
    // otherwise a display change is announced alone.
    if (media_.configurePublisher(room, p, body))
      ctx_.notifyParticipants(
          room,
          {{"videoroom", "event"}, {"room", room.roomJson()}, {"publishers", json::array({room.publisherJson(p)})}},
          p.id);
    else if (display)
      announceDisplay();
    fields = {{"configured", "ok"}};
  }
  for (const auto& [k, v] : fields.items())
    event[k] = v;
  return event;
}

// ---- handle info and media callbacks ----

json VideoRoomPlugin::queryHandle(cp::HandleId handle) {
  std::lock_guard lock(ctx_.mutex);
  Session* session = ctx_.findSession(handle);
  if (!session) return nullptr;
  json info = json::object();
  switch (session->role) {
    case Session::Role::None:
      break;  // Janus shows no type before the handle joins
    case Session::Role::Publisher: {
      info["type"] = "publisher";
      const Publisher& p = *session->publisher;
      auto room = p.room.empty() ? nullptr : ctx_.findRoom(p.room);
      if (room) {
        info["room"] = room->roomJson();
        info["id"] = room->idJson(p.id);
        info["private_id"] = p.privateId;
        if (p.display) info["display"] = *p.display;
        info["bitrate"] = p.bitrate;
        info["streams"] = nlohmann::json::array();  // MediaFlows::describe() fills it
      }
      break;
    }
    case Session::Role::Subscriber:
      info["type"] = "subscriber";
      break;
  }
  media_.describe(*session, info);
  info["hangingup"] = session->hangingUp ? 1 : 0;
  info["destroyed"] = 0;
  return info;
}

void VideoRoomPlugin::setupMedia(cp::HandleId handle) {
  std::lock_guard lock(ctx_.mutex);
  if (Session* s = ctx_.findSession(handle)) {
    s->hangingUp = false;
    media_.setupMedia(*s);
  }
}

void VideoRoomPlugin::hangupMedia(cp::HandleId handle) {
  std::lock_guard lock(ctx_.mutex);
  Session* s = ctx_.findSession(handle);
  if (!s || s->hangingUp) return;
  s->hangingUp = true;
  media_.hangupMedia(*s);
  s->hangingUp = false;
}

}  // namespace portunus::plugins::videoroom
