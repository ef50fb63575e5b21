#include "controlplane/core/Router.hpp"

#include <cctype>

#include "common/log/Log.hpp"

namespace portunus::cp {
namespace {

constexpr const char* kPortunusVersion = "0.1.0";

bool isSessionVerb(std::string_view v) {
  return v == "keepalive" || v == "attach" || v == "destroy" || v == "claim";
}
std::string lowerCase(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool isHandleVerb(std::string_view v) {
  return v == "message" || v == "trickle" || v == "detach" || v == "hangup";
}

json pluginInfoJson(const PluginInfo& info) {
  return {{"name", info.name},
          {"author", info.author},
          {"description", info.description},
          {"version_string", info.versionString},
          {"version", info.version}};
}

}  // namespace

Router::Router(const config::Config& cfg, SessionRegistry& registry, TokenStore& tokens, PluginHost& plugins,
               Clock& clock)
    : cfg_(cfg), registry_(registry), tokens_(tokens), plugins_(plugins), clock_(clock) {
  plugins_.setEventTarget([this](HandleId h, std::optional<std::string> tx, json data, std::optional<json> jsep) {
    pluginEvent(h, std::move(tx), std::move(data), std::move(jsep));
  });
  plugins_.setPcCloser([this](HandleId h) {
    if (auto handle = registry_.indexed(h)) hangupHandle(*handle, "Close PC");
  });
}

void Router::setMediaFactory(MediaHandlerFactory* factory) {
  media_ = factory;
  plugins_.setMediaAvailable(factory != nullptr);
}

void Router::handleText(std::string_view text, ParseStyle style, const RequestContext& ctx, const Reply& reply) {
  json request;
  try {
    request = parseRequest(text, style);
    // Janus's WS transport hands an array to the core, which finds no transaction in it (REST says 455).
    if (request.is_array() && style == ParseStyle::WebSocket) throw JanusError::missing("transaction");
  } catch (const JanusError& e) {
    reply(errorReply(0, std::nullopt, e));
    return;
  }
  handle(request, ctx, reply);
}

bool Router::authorized(const json& request) const {
  const auto& g = cfg_.general;
  if (g.api_secret.empty() && !g.token_auth) return true;
  if (!g.api_secret.empty()) {
    auto it = request.find("apisecret");
    if (it != request.end() && it->is_string() && it->get<std::string>() == g.api_secret) return true;
  }
  if (g.token_auth) {
    auto it = request.find("token");
    if (it != request.end() && it->is_string() && tokens_.contains(it->get<std::string>())) return true;
  }
  return false;
}

bool Router::sessionOwnedBy(std::uint64_t sessionId, const EventSink* sink) const {
  auto session = registry_.find(sessionId);
  return session && session->boundTo(sink);
}

void Router::touch(std::uint64_t sessionId) {
  if (auto s = registry_.find(sessionId)) s->touch(clock_.now());
}

void Router::handle(const json& request, const RequestContext& ctx, const Reply& reply) {
  std::uint64_t errorSession = 0;
  std::optional<std::string> transaction;
  try {
    if (!request.is_object()) throw JanusError(ErrorCode::InvalidJsonObject, "JSON error: not an object");
    // REST: ids come from the path; a different one in the body is a conflict (answered like Janus's HTTP
    // transport, without echoing the transaction). Otherwise ids are read as Janus's core reads them.
    const IdField session_id = pathId(readId(request, "session_id"), ctx.pathSession, "session");
    const IdField handle_id = pathId(readId(request, "handle_id"), ctx.pathHandle, "handle");
    const std::uint64_t sid = session_id.value;
    const std::uint64_t hid = handle_id.value;
    errorSession = sid;  // envelope errors on a session path name the session, as Janus does
    const std::string tx = requireTransaction(request);
    // Verbs are matched case-insensitively (Janus uses strcasecmp); replies quote them as sent.
    const std::string sent = requireVerb(request);
    const std::string verb = lowerCase(sent);
    // `id` is checked with the envelope on every request (only `create` uses it), its error without the
    // transaction.
    if (request.contains("id") && !isNonNegativeInteger(request["id"]))
      throw JanusError::badType("id", "a positive integer");
    transaction = tx;
    if (sid == 0 && hid == 0) {
      handleRoot(verb, sent, tx, request, ctx, reply, transaction);
      return;
    }
    // A handle without a session, and a handle_id that is there but no id (0, a string...), as Janus answers them.
    if (sid == 0) throw JanusError(ErrorCode::SessionNotFound, "Session not found");
    if (handle_id.present && hid == 0) throw JanusError(ErrorCode::HandleNotFound, "Handle not found");
    if (!authorized(request)) throw JanusError::unauthorized();
    auto session = registry_.find(sid);
    if (!session) throw JanusError(ErrorCode::SessionNotFound, "No such session " + std::to_string(sid));
    session->touch(clock_.now());
    if (hid == 0) {
      handleSession(*session, verb, sent, tx, request, ctx, reply);
      return;
    }
    auto handle = session->handle(hid);
    if (!handle)
      throw JanusError(ErrorCode::HandleNotFound,
                       "No such handle " + std::to_string(hid) + " in session " + std::to_string(sid));
    handleHandle(*session, *handle, verb, sent, tx, request, ctx, reply);
  } catch (const JanusError& e) {
    // `create` with a taken id names that id, as Janus does.
    if (e.code() == ErrorCode::SessionConflict && errorSession == 0) errorSession = idField(request, "id");
    reply(errorReply(errorSession, transaction, e));
  }
}

void Router::handleRoot(const std::string& verb, const std::string& sent, const std::string& tx, const json& request,
                        const RequestContext& ctx, const Reply& reply, std::optional<std::string>& errorTransaction) {
  if (verb == "info") {
    reply(serverInfo(tx));
    return;
  }
  if (verb == "ping") {
    reply(basicReply("pong", 0, tx));
    return;
  }
  if (verb != "create") throw JanusError::wrongPath(sent);
  if (!authorized(request)) throw JanusError::unauthorized();
  if (!cfg_.general.accept_new_sessions)
    throw JanusError(ErrorCode::NotAcceptingSessions, "Currently not accepting new sessions");
  // limits.max_sessions: the appliance refuses new sessions as a draining Janus does (472), saying why.
  if (const auto max = cfg_.limits.max_sessions; max > 0 && registry_.size() >= max)
    throw JanusError(ErrorCode::NotAcceptingSessions,
                     "Currently not accepting new sessions (limit of " + std::to_string(max) + " sessions reached)");
  std::uint64_t requested = 0;
  if (request.contains("id")) {
    const auto& id = request["id"];  // an integer >= 0 (checked with the envelope)
    // Janus answers an id it cannot use without echoing the transaction.
    if (id.get<std::uint64_t>() > IdGenerator::kMax) {
      errorTransaction.reset();
      throw JanusError::badType("id", "a positive integer");
    }
    requested = id.get<std::uint64_t>();
  }
  auto session = registry_.create(clock_.now(), requested);
  session->bind(ctx.sink);
  PLOG(Debug, "core") << "session " << session->id() << " created over "
                      << (ctx.sink ? ctx.sink->transportName() : "none");
  reply({{"janus", "success"}, {"transaction", tx}, {"data", {{"id", session->id()}}}});
}

void Router::handleSession(Session& session, const std::string& verb, const std::string& sent, const std::string& tx,
                           const json& request, const RequestContext& ctx, const Reply& reply) {
  const std::uint64_t sid = session.id();
  if (verb == "keepalive") {
    reply(basicReply("ack", sid, tx));
  } else if (verb == "attach") {
    auto it = request.find("plugin");
    if (it == request.end()) throw JanusError::missing("plugin");
    if (!it->is_string()) throw JanusError::badType("plugin", "a string");
    const std::string package = it->get<std::string>();
    const std::string opaque = optString(request, "opaque_id").value_or("");
    optPositive(request, "loop_index");  // type-checked like Janus; the ICE loop is chosen by the pool
    Plugin* plugin = plugins_.find(package);
    if (!plugin) throw JanusError(ErrorCode::PluginNotFound, "No such plugin '" + package + "'");
    if (cfg_.general.token_auth) {
      // A valid api_secret bypasses the per-plugin token check; a token must allow the plugin.
      const auto secret = request.find("apisecret");
      const bool secretOk = !cfg_.general.api_secret.empty() && secret != request.end() && secret->is_string() &&
                            secret->get<std::string>() == cfg_.general.api_secret;
      const auto token = request.find("token");
      if (!secretOk &&
          (token == request.end() || !token->is_string() || !tokens_.allows(token->get<std::string>(), package)))
        throw JanusError(ErrorCode::UnauthorizedPlugin, "Provided token can't access plugin '" + package + "'");
    }
    // limits.max_handles_per_session: the attach fails (461, the code of a failed attach).
    if (const auto max = cfg_.limits.max_handles_per_session; max > 0 && session.handles().size() >= max)
      throw JanusError(ErrorCode::PluginAttach, "Couldn't attach to plugin: limit of " + std::to_string(max) +
                                                    " handles in this session reached");
    auto handle = registry_.attach(session, *plugin, opaque, clock_.micros());
    try {
      plugin->createSession(handle->id());
    } catch (const std::exception& e) {
      registry_.detach(session, handle->id());
      registry_.release(handle->id());
      throw JanusError(ErrorCode::PluginAttach, std::string("Couldn't attach to plugin: error '") + e.what() + "'");
    }
    reply({{"janus", "success"}, {"session_id", sid}, {"transaction", tx}, {"data", {{"id", handle->id()}}}});
  } else if (verb == "destroy") {
    reply(basicReply("success", sid, tx));
    destroySession(sid);
  } else if (verb == "claim") {
    session.bind(ctx.sink);
    reply(basicReply("success", sid, tx));
  } else if (isHandleVerb(verb)) {
    throw JanusError::wrongPath(sent);
  } else {
    throw JanusError(ErrorCode::UnknownRequest, "Unknown request '" + sent + "'");
  }
}

void Router::handleHandle(Session& session, Handle& handle, const std::string& verb, const std::string& sent,
                          const std::string& tx, const json& request, const RequestContext& ctx, const Reply& reply) {
  const std::uint64_t sid = session.id();
  if (verb == "keepalive") {  // Janus also takes keepalive and claim on a handle path
    reply(basicReply("ack", sid, tx));
  } else if (verb == "claim") {
    session.bind(ctx.sink);
    reply(basicReply("success", sid, tx));
  } else if (verb == "message") {
    message(session, handle, tx, request, reply);
  } else if (verb == "trickle") {
    trickle(session, handle, tx, request, reply);
  } else if (verb == "hangup") {
    reply(basicReply("success", sid, tx));
    hangupHandle(handle, "Janus API");
  } else if (verb == "detach") {
    // As Janus: the handle goes either way; a plugin that fails to let it go turns the reply into 463.
    if (const auto failure = detachHandle(session, handle.id()))
      throw JanusError(ErrorCode::PluginDetach, "Couldn't detach from plugin: error '" + *failure + "'");
    reply(basicReply("success", sid, tx));
  } else if (isSessionVerb(verb)) {
    throw JanusError::wrongPath(sent);
  } else {
    throw JanusError(ErrorCode::UnknownRequest, "Unknown request '" + sent + "'");
  }
}

std::optional<json> Router::prepareJsep(Handle& handle, const json& request) {
  auto it = request.find("jsep");
  if (it == request.end()) return std::nullopt;
  const json& jsep = *it;
  if (!jsep.is_object()) throw JanusError(ErrorCode::InvalidJsonObject, "Invalid jsep object");
  // Janus validates the jsep's fields in this order (a null is a value of the wrong type), then the type's value,
  // then the SDP.
  struct Field {
    const char* name;
    bool string;  // else a boolean
    bool required;
  };
  static constexpr Field kFields[] = {{"type", true, true},          {"sdp", true, true},
                                      {"trickle", false, false},     {"rid_order", true, false},
                                      {"force_relay", false, false}, {"e2ee", false, false}};
  for (const Field& f : kFields) {
    const auto v = jsep.find(f.name);
    if (v == jsep.end()) {
      if (f.required)
        throw JanusError(ErrorCode::MissingMandatoryElement,
                         std::string("JSEP error: missing mandatory element (") + f.name + ")");
      continue;
    }
    if (f.string ? !v->is_string() : !v->is_boolean())
      throw JanusError(ErrorCode::InvalidElementType, std::string("JSEP error: invalid element type (") + f.name +
                                                          " should be " + (f.string ? "a string" : "a boolean") + ")");
  }
  // Janus waits up to 3 s for a previous PeerConnection to be cleaned, then answers 471; ours is released by a
  // task already posted to this loop, so the client's retry succeeds.
  if (handle.media() && handle.media()->closing())
    throw JanusError(ErrorCode::WebrtcState, "Still cleaning a previous session");
  const std::string kind = jsep["type"].get<std::string>();
  const bool offer = kind == "offer";
  if (!offer && kind != "answer")
    throw JanusError(ErrorCode::JsepUnknownType, "JSEP error: unknown message type '" + kind + "'");
  const std::string text = jsep["sdp"].get<std::string>();
  if (text.rfind("v=", 0) != 0) throw JanusError(ErrorCode::JsepInvalidSdp, "Invalid SDP (doesn't start with v=)");
  if (text.find("\no=") == std::string::npos || text.find("\ns=") == std::string::npos ||
      text.find("\nm=") == std::string::npos)
    throw JanusError(ErrorCode::JsepInvalidSdp, "Missing mandatory lines (o=, s= or m=)");
  // An answer is only expected after we offered (subscriber flows), i.e. when a PeerConnection exists.
  if (!offer && !handle.media()) throw JanusError(ErrorCode::UnexpectedAnswer, "Unexpected ANSWER (did we offer?)");

  auto& f = handle.flags();
  const Handle::Flags before = f;  // restored if the media layer refuses the PeerConnection
  f.dataChannels = text.find("DTLS/SCTP") != std::string::npos;
  // A jsep says whether the peer trickles (the field was type-checked above); absent, it does.
  const auto trickle = jsep.find("trickle");
  f.trickle = trickle == jsep.end() || trickle->get<bool>();
  if (offer) {
    f.offered();
    f.alert = false;  // a new negotiation re-arms hangup_media
  } else {
    f.answered();
  }
  f.e2ee = jsep.value("e2ee", false);
  handle.remoteSdp = text;

  // Media hook: the WebRTC layer creates the handle's one PeerConnection and applies the remote description;
  // queued trickles then flow into it. Without it the plugin sees mediaAvailable() == false.
  if (media_ && !handle.media()) {
    try {
      handle.setMedia(media_->create(handle));
    } catch (const JanusError&) {
      f = before;
      handle.remoteSdp.clear();
      throw;
    }
  }
  handle.flushCandidates();
  return jsep;
}

void Router::message(Session& session, Handle& handle, const std::string& tx, const json& request, const Reply& reply) {
  auto body = request.find("body");
  if (body == request.end()) throw JanusError::missing("body");
  if (!body->is_object()) throw JanusError::badType("body", "an object");
  PluginMessage msg{handle.id(), tx, *body, prepareJsep(handle, request)};
  Plugin& plugin = handle.plugin();
  const std::uint64_t sid = session.id();
  if (auto hint = plugin.asyncHint(msg)) {
    json ack = basicReply("ack", sid, tx);
    if (!hint->empty()) ack["hint"] = *hint;
    reply(std::move(ack));  // the ack leaves before the plugin's event can be produced
    const HandleId hid = msg.handle;
    plugins_.runOrdered(hid, [&plugin, msg = std::move(msg), this]() mutable {
      PluginResult result = plugin.handleMessage(msg);
      plugins_.pushEvent(msg.handle, msg.transaction, std::move(result.data), std::move(result.jsep));
    });
    return;
  }
  // Synchronous: the plugin still runs on the pool; its answer (or its failure, 462) is the reply.
  struct Outcome {
    PluginResult result;
    std::string error;
  };
  auto outcome = std::make_shared<Outcome>();
  const std::string package = plugin.info().package;
  const HandleId hid = handle.id();
  plugins_.runOrdered(
      hid,
      [&plugin, msg = std::move(msg), outcome] {
        try {
          outcome->result = plugin.handleMessage(msg);
        } catch (const std::exception& e) {
          outcome->error = e.what();
        }
      },
      [reply, outcome, sid, tx, hid, package] {
        if (!outcome->error.empty()) {
          reply(errorReply(sid, tx,
                           JanusError(ErrorCode::PluginMessage, "Plugin returned an error (" + outcome->error + ")")));
          return;
        }
        json out = {{"janus", "success"},
                    {"session_id", sid},
                    {"transaction", tx},
                    {"sender", hid},
                    {"plugindata", {{"plugin", package}, {"data", outcome->result.data}}}};
        if (outcome->result.jsep) out["jsep"] = *outcome->result.jsep;
        reply(std::move(out));
      });
}

void Router::trickle(Session& session, Handle& handle, const std::string& tx, const json& request, const Reply& reply) {
  const bool hasOne = request.contains("candidate");
  const bool hasMany = request.contains("candidates");
  if (hasOne && hasMany) throw JanusError(ErrorCode::InvalidJson, "Can't have both candidate and candidates");
  if (!hasOne && !hasMany) throw JanusError::missing("candidate|candidates");
  // Janus's "cleaning" state: the PeerConnection is going away (its transport failed, the hangup is on its way).
  if (handle.media() && handle.media()->closing())
    throw JanusError(ErrorCode::WebrtcState, "Still cleaning a previous session");
  handle.flags().trickle = true;  // a trickle switches trickle on, even one whose candidate is then refused
  // Once the offer/answer round is complete Janus parses a trickle at once and reports what is wrong with it;
  // before that it queues whatever came and acks.
  const bool parsedNow = handle.media() && !handle.localSdp.empty() && !handle.remoteSdp.empty();
  if (parsedNow) {
    if (hasOne) {
      if (auto error = trickleCandidateError(request["candidate"])) throw *error;
    } else if (!request["candidates"].is_array())
      throw JanusError(ErrorCode::InvalidElementType, "candidates is not an array");
  } else if (const auto max = cfg_.limits.max_pending_trickles;
             max > 0 && !handle.takesCandidatesNow() && handle.pendingCandidates() >= max) {
    throw JanusError(ErrorCode::Unknown, "Too many pending trickle candidates (limit of " + std::to_string(max) +
                                             " per handle before its PeerConnection exists)");
  }
  // Each request is one queued entry (a `candidates` array stays one). Janus acks malformed candidates too and
  // only logs them.
  handle.addCandidate(trickleEntries(hasOne ? request["candidate"] : request["candidates"], hasMany, parsedNow),
                      clock_.now());
  reply(basicReply("ack", session.id(), tx));
}

void Router::pluginEvent(HandleId hid, std::optional<std::string> tx, json data, std::optional<json> jsep) {
  auto handle = registry_.indexed(hid);
  if (!handle) return;  // the handle is gone: Janus drops such events too
  auto session = registry_.find(handle->sessionId());
  if (!session) return;
  json event = {{"janus", "event"},
                {"session_id", session->id()},
                {"sender", hid},
                {"plugindata", {{"plugin", handle->plugin().info().package}, {"data", std::move(data)}}}};
  if (tx) event["transaction"] = *tx;
  if (cfg_.general.opaqueid_in_api && !handle->opaqueId().empty()) event["opaque_id"] = handle->opaqueId();
  if (jsep) {
    if (jsep->value("type", "") == "offer") {
      handle->flags().processingOffer = false;
      handle->flags().offered();
    } else {
      handle->flags().answered();
    }
    handle->localSdp = jsep->value("sdp", "");
    event["jsep"] = std::move(*jsep);
  }
  session->send(event);
}

void Router::hangupHandle(Handle& handle, std::string_view reason) {
  auto& f = handle.flags();
  if (f.alert) return;
  f.alert = true;
  if (auto media = handle.releaseMedia()) {
    media->hangup(reason);
    if (auto session = registry_.find(handle.sessionId()))
      session->send({{"janus", "hangup"},
                     {"session_id", session->id()},
                     {"sender", handle.id()},
                     {"reason", std::string(reason)}});
  }
  f.gotOffer = f.gotAnswer = f.negotiated = f.ready = false;
  handle.plugin().hangupMedia(handle.id());
}

std::optional<std::string> Router::teardownHandle(Handle& handle, bool notifyPlugin) {
  if (notifyPlugin) {
    hangupHandle(handle, "Detaching");
  } else if (auto media = handle.releaseMedia()) {
    media->hangup("Detaching");
  }
  try {
    handle.plugin().destroySession(handle.id());
  } catch (const std::exception& e) {
    PLOG(Warn, "core") << "handle " << handle.id() << ": plugin destroy failed: " << e.what();
    return std::string(e.what());
  }
  return std::nullopt;
}

std::optional<std::string> Router::detachHandle(Session& session, std::uint64_t handleId) {
  auto handle = registry_.detach(session, handleId);
  if (!handle) return std::nullopt;
  auto failure = teardownHandle(*handle, true);
  // Posted so that events the plugin pushed while hanging up (EchoTest's "done") reach the client first.
  const std::uint64_t sid = session.id();
  plugins_.toLoop([this, sid, handleId] {
    if (auto s = registry_.find(sid)) s->send({{"janus", "detached"}, {"session_id", sid}, {"sender", handleId}});
    registry_.release(handleId);
  });
  return failure;
}

void Router::destroySession(std::uint64_t sessionId) {
  auto session = registry_.find(sessionId);
  if (!session) return;
  for (auto& [hid, handle] : session->handles())
    teardownHandle(*handle, false);
  session->close();
  registry_.erase(sessionId);
  PLOG(Debug, "core") << "session " << sessionId << " destroyed";
}

void Router::expireSession(Session& session) {
  const std::uint64_t sid = session.id();
  session.send({{"janus", "timeout"}, {"session_id", sid}});
  for (auto& [hid, handle] : session.handles()) {
    teardownHandle(*handle, false);
    session.send({{"janus", "detached"}, {"session_id", sid}, {"sender", hid}});
  }
  session.close();
  registry_.erase(sid);
}

void Router::transportGone(const EventSink* sink) {
  for (auto sid : registry_.sessionIds()) {
    auto session = registry_.find(sid);
    if (!session || !session->boundTo(sink)) continue;
    if (cfg_.general.reclaim_session_timeout > 0) {
      session->markTransportGone();
      PLOG(Debug, "core") << "session " << sid << " lost its transport, waiting for claim";
    } else {
      destroySession(sid);
    }
  }
}

void Router::sweep() {
  const auto now = clock_.now();
  const auto candidateAge = std::chrono::seconds(cfg_.general.candidates_timeout);
  for (auto sid : registry_.sessionIds()) {
    auto session = registry_.find(sid);
    if (!session) continue;
    const int timeout = session->timeoutOverride.value_or(cfg_.general.session_timeout);
    const auto idle = now - session->lastActivity();
    if (timeout > 0 && idle >= std::chrono::seconds(timeout)) {
      PLOG(Info, "core") << "session " << sid << " timed out";
      expireSession(*session);
      continue;
    }
    // Janus 1.1.2 measures the reclaim window from the last activity, not from the disconnect.
    if (session->transportGone() && idle >= std::chrono::seconds(cfg_.general.reclaim_session_timeout)) {
      PLOG(Info, "core") << "session " << sid << " was not claimed in time";
      destroySession(sid);
      continue;
    }
    for (auto& [hid, handle] : session->handles())
      droppedCandidates_ += handle->expireCandidates(now, candidateAge);
  }
}

void Router::shutdown() {
  for (auto sid : registry_.sessionIds())
    if (auto session = registry_.find(sid)) expireSession(*session);
}

json Router::serverInfo(const std::string& tx) const {
  const auto& g = cfg_.general;
  json transports = json::object();
  for (const auto& t : transports_)
    transports[t.package] = {{"name", t.name},
                             {"author", "Portunus"},
                             {"description", t.description},
                             {"version_string", kPortunusVersion},
                             {"version", 1}};
  json plugins = json::object();
  for (const auto& p : plugins_.plugins())
    plugins[p->info().package] = pluginInfoJson(p->info());
  return {{"janus", "server_info"},
          {"transaction", tx},
          {"name", "Portunus (Janus API)"},
          {"version", 1102},
          {"version_string", "1.1.2"},
          {"portunus-version", kPortunusVersion},
          {"author", "Portunus"},
          {"commit-hash", "not-a-git-repo"},
          {"compile-time", __DATE__ " " __TIME__},
          {"log-to-stdout", true},
          {"log-to-file", false},
          {"data_channels", false},
          {"accepting-new-sessions", g.accept_new_sessions},
          {"session-timeout", g.session_timeout},
          {"reclaim-session-timeout", g.reclaim_session_timeout},
          {"candidates-timeout", g.candidates_timeout},
          {"server-name", g.server_name},
          {"local-ip", cfg_.nat.ice_address.empty() ? "0.0.0.0" : cfg_.nat.ice_address},
          {"ipv6", false},
          {"ice-lite", cfg_.nat.ice_lite},
          {"ice-tcp", false},
          {"ice-nomination", "aggressive"},
          {"ice-keepalive-conncheck", false},
          {"full-trickle", cfg_.nat.full_trickle},
          {"mdns-enabled", false},
          {"min-nack-queue", cfg_.media.min_nack_queue},
          {"nack-optimizations", false},
          {"twcc-period", cfg_.media.twcc_period},
          {"dtls-mtu", cfg_.media.dtls_mtu},
          {"static-event-loops", cfg_.nat.event_loops},
          {"api_secret", !g.api_secret.empty()},
          {"auth_token", g.token_auth},
          {"event_handlers", false},
          {"opaqueid_in_api", g.opaqueid_in_api},
          {"dependencies", json::object()},
          {"transports", transports},
          {"events", json::object()},
          {"loggers", json::object()},
          {"plugins", plugins}};
}

json Router::handleInfo(const Session& session, const Handle& handle, bool pluginOnly) const {
  const int timeout = session.timeoutOverride.value_or(cfg_.general.session_timeout);
  const auto lastActivityUs =
      std::chrono::duration_cast<std::chrono::microseconds>(session.lastActivity().time_since_epoch()).count();
  json info = {{"session_id", session.id()},
               {"session_last_activity", lastActivityUs},
               {"session_timeout", timeout},
               {"session_transport", session.transportName()},
               {"handle_id", handle.id()},
               {"loop-running", true},
               {"created", handle.createdUs()},
               {"current_time", clock_.micros()},
               {"plugin", handle.plugin().info().package},
               {"plugin_specific", handle.plugin().queryHandle(handle.id())}};
  if (!handle.opaqueId().empty()) info["opaque_id"] = handle.opaqueId();
  if (pluginOnly) return info;
  info["flags"] = handle.flagsJson();
  json sdps = json::object();
  if (!handle.remoteSdp.empty()) sdps["remote"] = handle.remoteSdp;
  if (!handle.localSdp.empty()) sdps["local"] = handle.localSdp;
  info["sdps"] = sdps;
  if (handle.pendingCandidates()) info["pending-trickles"] = handle.pendingCandidates();  // only while queued
  info["queued-packets"] = 0;
  if (handle.media()) {
    const json media = handle.media()->info();
    if (media.is_object()) info.update(media);
  }
  return info;
}

}  // namespace portunus::cp
