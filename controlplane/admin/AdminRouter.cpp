#include "controlplane/admin/AdminRouter.hpp"

#include <netdb.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>

#include "common/log/Log.hpp"

namespace portunus::cp {
namespace {

bool isTokenVerb(std::string_view v) {
  return v == "add_token" || v == "list_tokens" || v == "allow_token" || v == "disallow_token" || v == "remove_token";
}

/** Janus's numeric debug levels (0..7) for our log thresholds. */
int janusLevel(log::Level level) {
  switch (level) {
    case log::Level::Off:
      return 0;
    case log::Level::Error:
      return 2;
    case log::Level::Warn:
      return 3;
    case log::Level::Info:
      return 4;
    case log::Level::Debug:
      return 5;
    case log::Level::Trace:
      return 7;
  }
  return 4;
}

/** resolve_address (no `stun`) or test_stun: `address` resolved as Janus resolves it (getaddrinfo, the first answer),
 *  then for test_stun one STUN Binding from `localPort` to it at `port`. The reply, with `elapsed` in microseconds
 *  as Janus counts it. Blocking. */
json probeAddress(const std::string& tx, const std::string& address, const AdminRouter::Resolver& resolve,
                  const AdminRouter::StunTester* stun, std::uint16_t port, std::uint16_t localPort) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<sockaddr_storage> resolved = resolve(address);
  if (!resolved) return errorReply(0, tx, JanusError(ErrorCode::Unknown, "Could not resolve address"));
  sockaddr_storage target = *resolved;
  auto* to = reinterpret_cast<sockaddr*>(&target);
  const socklen_t targetLen = to->sa_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  auto elapsedUs = [&] {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  };
  json out = basicReply("success", 0, tx);
  if (!stun) {
    out["ip"] = addressText(to);
    out["elapsed"] = elapsedUs();
    return out;
  }
  if (to->sa_family == AF_INET) reinterpret_cast<sockaddr_in*>(to)->sin_port = htons(port);
  if (to->sa_family == AF_INET6) reinterpret_cast<sockaddr_in6*>(to)->sin6_port = htons(port);
  const std::optional<StunMapping> mapped = (*stun)(to, targetLen, localPort);
  if (!mapped) return errorReply(0, tx, JanusError(ErrorCode::Unknown, "STUN request failed"));
  out["public_ip"] = mapped->ip;
  out["public_port"] = mapped->port;
  out["elapsed"] = elapsedUs();
  return out;
}

}  // namespace

std::optional<sockaddr_storage> AdminRouter::resolveWithGetaddrinfo(const std::string& address, int flags) {
  addrinfo hints{};
  hints.ai_flags = flags;
  addrinfo* found = nullptr;
  std::optional<sockaddr_storage> out;
  if (getaddrinfo(address.c_str(), nullptr, &hints, &found) == 0 && found && found->ai_addr &&
      (found->ai_family == AF_INET || found->ai_family == AF_INET6) && found->ai_addrlen <= sizeof(sockaddr_storage)) {
    out.emplace();
    std::memcpy(&*out, found->ai_addr, found->ai_addrlen);
  }
  if (found) freeaddrinfo(found);
  return out;
}

AdminRouter::AdminRouter(Router& router) : router_(router), probes_(std::make_unique<boost::asio::thread_pool>(1)) {}

// A probe still running is waited for (5 s at most); probes not started yet are dropped with their replies.
AdminRouter::~AdminRouter() {
  probes_->stop();
  probes_->join();
}

void AdminRouter::handleText(std::string_view text, ParseStyle style, const RequestContext& ctx, const Reply& reply) {
  json request;
  try {
    request = parseRequest(text, style);
    // Janus's admin WS transport hands the core nothing it can read unless the text is an object: malformed JSON,
    // a scalar or an array all get 456 (missing transaction) there, where REST says 454 / 455.
    if (style == ParseStyle::WebSocket && !request.is_object()) throw JanusError::missing("transaction");
  } catch (const JanusError& e) {
    if (style == ParseStyle::WebSocket) {
      reply(errorReply(0, std::nullopt, JanusError::missing("transaction")));
      return;
    }
    reply(errorReply(0, std::nullopt, e));
    return;
  }
  handle(request, ctx, reply);
}

void AdminRouter::handle(const json& request, const RequestContext& ctx, const Reply& reply) {
  std::uint64_t errorSession = 0;
  std::optional<std::string> transaction;
  try {
    if (!request.is_object()) throw JanusError(ErrorCode::InvalidJsonObject, "JSON error: not an object");
    const std::string tx = requireTransaction(request);
    const std::string verb = requireVerb(request);
    // Ids as Janus's Admin API reads them: an integer (a negative one wraps), anything else 0; unlike the core's, a
    // null handle_id counts as there. REST: the path's id wins over a body id that is no integer.
    auto adminId = [&](const char* key) {
      IdField id = readId(request, key);
      id.present = id.present || request.contains(key);
      return id;
    };
    const IdField session_id = pathId(adminId("session_id"), ctx.pathSession, "session");
    const IdField handle_id = pathId(adminId("handle_id"), ctx.pathHandle, "handle");
    const std::uint64_t sid = session_id.value;
    const std::uint64_t hid = handle_id.value;
    transaction = tx;
    if (sid == 0 && hid == 0) {
      if (verb == "info") return reply(router_.serverInfo(tx));
      if (verb == "ping") return reply(basicReply("pong", 0, tx));
    }
    const auto secret = request.find("admin_secret");
    if (secret == request.end() || !secret->is_string() || secret->get<std::string>() != router_.general().admin_secret)
      throw JanusError::unauthorized();
    if (sid == 0 && hid == 0) return handleGlobal(verb, tx, request, reply);
    // A handle without a session; a handle_id that is there but no id (Janus answers this one with 458 too).
    if (sid == 0) throw JanusError(ErrorCode::SessionNotFound, "Session not found");
    errorSession = sid;
    if (handle_id.present && hid == 0) throw JanusError(ErrorCode::SessionNotFound, "Session not found");
    auto session = router_.registry().find(sid);
    if (!session) throw JanusError(ErrorCode::SessionNotFound, "No such session " + std::to_string(sid));
    if (hid == 0) {
      if (verb == "list_handles") {
        json handles = json::array();
        for (const auto& [id, h] : session->handles())
          handles.push_back(id);
        json out = basicReply("success", sid, tx);
        out["handles"] = handles;
        return reply(out);
      }
      if (verb == "destroy_session") {
        router_.destroySession(sid);
        return reply(basicReply("success", sid, tx));
      }
      if (verb == "set_session_timeout") {
        // Per session, as Janus: any integer is of the right type; -1 goes back to the global timeout.
        const auto it = request.find("timeout");
        if (it == request.end()) throw JanusError::missing("timeout");
        if (!it->is_number_integer()) throw JanusError::badType("timeout", "an integer");
        if (!isNonNegativeInteger(*it) && it->get<std::int64_t>() != -1)
          throw JanusError::badType("timeout", "a non-negative integer or -1");
        if (it->get<std::int64_t>() == -1) {
          session->timeoutOverride.reset();
        } else {
          session->timeoutOverride =
              static_cast<int>(std::min<std::uint64_t>(it->get<std::uint64_t>(), std::numeric_limits<int>::max()));
        }
        json out = basicReply("success", 0, tx);
        out["timeout"] = *it;
        out["session_id"] = sid;
        return reply(out);
      }
      throw JanusError::wrongPath(verb);
    }
    auto handle = session->handle(hid);
    if (!handle)
      throw JanusError(ErrorCode::HandleNotFound,
                       "No such handle " + std::to_string(hid) + " in session " + std::to_string(sid));
    if (verb == "handle_info") {
      const bool pluginOnly = optBool(request, "plugin_only").value_or(false);
      json out = basicReply("success", sid, tx);
      out["handle_id"] = hid;
      out["info"] = router_.handleInfo(*session, *handle, pluginOnly);
      return reply(out);
    }
    if (verb == "hangup_webrtc") {
      router_.hangupHandle(*handle, "Admin API");
      return reply(basicReply("success", sid, tx));
    }
    if (verb == "detach_handle") {
      if (const auto failure = router_.detachHandle(*session, hid))
        throw JanusError(ErrorCode::PluginDetach, "Couldn't detach from plugin: error '" + *failure + "'");
      return reply(basicReply("success", sid, tx));
    }
    throw JanusError::wrongPath(verb);
  } catch (const JanusError& e) {
    reply(errorReply(errorSession, transaction, e));
  }
}

void AdminRouter::handleGlobal(const std::string& verb, const std::string& tx, const json& request,
                               const Reply& reply) {
  auto& g = router_.general();
  if (verb == "get_status") {
    json out = basicReply("success", 0, tx);
    out["status"] = status();
    return reply(out);
  }
  if (verb == "dataplane_stats") {  // Portunus: the dataplane's counters alone (also inside get_status)
    json out = basicReply("success", 0, tx);
    out["dataplane"] = dataplane_ ? dataplane_() : json(nullptr);
    return reply(out);
  }
  if (verb == "list_sessions") {
    json out = basicReply("success", 0, tx);
    out["sessions"] = router_.registry().sessionIds();
    return reply(out);
  }
  if (verb == "accept_new_sessions") {
    if (!request.contains("accept")) throw JanusError::missing("accept");
    g.accept_new_sessions = *optBool(request, "accept");
    json out = basicReply("success", 0, tx);
    out["accept"] = g.accept_new_sessions;
    return reply(out);
  }
  if (verb == "set_session_timeout") {
    if (!request.contains("timeout")) throw JanusError::missing("timeout");
    g.session_timeout =
        static_cast<int>(std::min<std::uint64_t>(*optPositive(request, "timeout"), std::numeric_limits<int>::max()));
    json out = basicReply("success", 0, tx);
    out["timeout"] = g.session_timeout;
    return reply(out);
  }
  if (verb == "set_log_level") {
    if (!request.contains("level")) throw JanusError::missing("level");
    const auto level = *optPositive(request, "level");
    if (level > 7) throw JanusError::badType("level", "between 0 and 7");
    log::setThreshold(*log::parseLevel(std::to_string(level)));
    g.log_level = std::to_string(level);
    json out = basicReply("success", 0, tx);
    out["level"] = level;
    return reply(out);
  }
  if (verb == "message_plugin") {
    const auto package = optString(request, "plugin");
    if (!package) throw JanusError::missing("plugin");
    Plugin* plugin = router_.plugins().find(*package);
    if (!plugin) throw JanusError(ErrorCode::PluginNotFound, "Invalid plugin");
    json body = request.contains("request") ? request["request"] : json::object();
    if (!body.is_object()) throw JanusError::badType("request", "an object");
    auto response = std::make_shared<json>();
    router_.plugins().run([plugin, body, response] { *response = plugin->handleAdminMessage(body); },
                          [reply, tx, response] {
                            json out = basicReply("success", 0, tx);
                            out["response"] = *response;
                            reply(out);
                          });
    return;
  }
  if (verb == "query_transport") {
    // Janus hands the request to the transport plugin; ours take no queries, Janus's answer for such a transport.
    const auto name = optString(request, "transport");
    if (!name) throw JanusError::missing("transport");
    if (request.contains("request") && !request["request"].is_object())
      throw JanusError::badType("request", "an object");
    const auto& known = router_.transports();
    if (std::none_of(known.begin(), known.end(), [&](const TransportInfo& t) { return t.package == *name; }))
      throw JanusError(ErrorCode::PluginNotFound, "Invalid transport");
    throw JanusError(ErrorCode::Unknown, "Transport plugin doesn't support queries");
  }
  if (isTokenVerb(verb)) return handleTokens(verb, tx, request, reply);
  if (handleTool(verb, tx, request, reply)) return;
  if (handleSetting(verb, tx, request, reply)) return;
  throw JanusError::wrongPath(verb);
}

bool AdminRouter::handleTool(const std::string& verb, const std::string& tx, const json& request, const Reply& reply) {
  if (verb == "loops_info") {
    json out = basicReply("success", 0, tx);
    out["loops"] = loops_ ? loops_() : json::array();
    reply(out);
    return true;
  }
  if (verb == "custom_logline") {
    const auto line = optString(request, "line");
    if (!line) throw JanusError::missing("line");
    // Janus's numeric levels (0: none); any other number is info, as Janus takes it.
    const std::uint64_t number = optPositive(request, "level").value_or(4);
    const log::Level level = *log::parseLevel(std::to_string(number <= 7 ? number : 4));
    if (number != 0 && log::enabled(level)) log::write(level, "admin", *line);
    reply(basicReply("success", 0, tx));
    return true;
  }
  if (verb != "resolve_address" && verb != "test_stun") return false;
  const auto address = optString(request, "address");
  if (!address) throw JanusError::missing("address");
  const bool stun = verb == "test_stun";
  std::uint16_t port = 0;
  std::uint16_t localPort = 0;
  if (stun) {
    if (!request.contains("port")) throw JanusError::missing("port");
    port = static_cast<std::uint16_t>(*optPositive(request, "port"));  // Janus's uint16_t
    localPort = static_cast<std::uint16_t>(optPositive(request, "localport").value_or(0));
    if (!stun_) return false;
  }
  // Name resolution and the STUN exchange block: they run on the probe thread and the reply is posted back.
  auto tester = stun ? std::make_shared<StunTester>(stun_) : nullptr;
  boost::asio::post(*probes_, [&plugins = router_.plugins(), reply, tester, resolve = resolve_, tx, address = *address,
                               port, localPort] {
    json answer = probeAddress(tx, address, resolve, tester.get(), port, localPort);
    plugins.toLoop([reply, answer = std::move(answer)] { reply(answer); });
  });
  return true;
}

bool AdminRouter::handleSetting(const std::string& verb, const std::string& tx, const json& request,
                                const Reply& reply) {
  // Janus's runtime setters (the Settings tab of its admin.html), each field validated as Janus 1.1.2 does: 456 when
  // missing, 467 when not a boolean / not an integer >= 0. An integer keeps its low 32 bits, as Janus's unsigned.
  auto requiredBool = [&](const char* key) {
    if (!request.contains(key)) throw JanusError::missing(key);
    return *optBool(request, key);
  };
  auto requiredCount = [&](const char* key) {
    if (!request.contains(key)) throw JanusError::missing(key);
    return static_cast<std::uint32_t>(*optPositive(request, key));
  };
  auto answer = [&](const char* key, const json& value) {
    json out = basicReply("success", 0, tx);
    out[key] = value;
    reply(out);
    return true;
  };
  if (verb == "set_log_timestamps") {
    log::setTimestamps(requiredBool("timestamps"));
    return answer("log_timestamps", log::timestamps());
  }
  if (verb == "set_log_colors") {
    log::setColors(requiredBool("colors"));
    return answer("log_colors", log::colors());
  }
  if (verb == "set_locking_debug" || verb == "set_refcount_debug") {
    // Janus's tracing of its own mutexes and reference counters: portunusd has neither kind of trace to switch on.
    const bool locking = verb == "set_locking_debug";
    if (requiredBool("debug"))
      throw JanusError(ErrorCode::Unknown, std::string(locking ? "Locking" : "Reference counter") +
                                               " debug is not available in portunusd (no such trace to switch on)");
    return answer(locking ? "locking_debug" : "refcount_debug", false);
  }
  if (verb == "set_min_nack_queue") {
    requiredCount("min_nack_queue");
    throw JanusError(ErrorCode::Unknown,
                     "The NACK queue is not adjustable in portunusd: every video stream keeps its last 512 packets");
  }
  if (!media_) return false;
  if (verb == "set_no_media_timer") {
    media_->setNoMediaTimer(requiredCount("no_media_timer"));
    return answer("no_media_timer", media_->noMediaTimer());
  }
  if (verb == "set_slowlink_threshold") {
    media_->setSlowlinkThreshold(requiredCount("slowlink_threshold"));
    return answer("slowlink_threshold", media_->slowlinkThreshold());
  }
  if (verb == "set_libnice_debug") {
    media_->setLibniceDebug(requiredBool("debug"));
    return answer("libnice_debug", media_->libniceDebug());
  }
  return false;
}

void AdminRouter::handleTokens(const std::string& verb, const std::string& tx, const json& request,
                               const Reply& reply) {
  if (!router_.general().token_auth) throw JanusError(ErrorCode::Unknown, "Stored-Token based authentication disabled");
  auto& tokens = router_.tokens();
  json out = basicReply("success", 0, tx);
  if (verb == "list_tokens") {
    json list = json::array();
    for (const auto& [token, plugins] : tokens.list())
      list.push_back({{"token", token}, {"allowed_plugins", plugins}});
    out["data"] = {{"tokens", list}};
    return reply(out);
  }
  const auto token = optString(request, "token");
  if (!token) throw JanusError::missing("token");
  if (verb == "remove_token") {
    if (!tokens.remove(*token)) throw JanusError(ErrorCode::Unknown, "Error removing token");
    return reply(out);
  }
  const auto& all = router_.plugins().plugins();
  auto known = [&](const std::string& p) { return router_.plugins().find(p) != nullptr; };
  if (verb == "add_token") {
    std::vector<std::string> allowed;
    if (auto list = optStringArray(request, "plugins")) {
      for (const auto& p : *list)
        if (known(p)) allowed.push_back(p);  // Janus skips unknown plugins here
    } else {
      for (const auto& p : all)
        allowed.push_back(p->info().package);
    }
    out["data"] = {{"plugins", tokens.add(*token, allowed)}};
    return reply(out);
  }
  // allow_token / disallow_token
  auto list = optStringArray(request, "plugins");
  if (!list || list->empty()) throw JanusError::badType("plugins", "a non-empty array");
  for (const auto& p : *list)
    if (!known(p))
      throw JanusError(ErrorCode::InvalidElementType,
                       "Invalid element type (some of the provided plugins are invalid)");
  out["data"] = {{"plugins", verb == "allow_token" ? tokens.allow(*token, *list) : tokens.disallow(*token, *list)}};
  reply(out);
}

json AdminRouter::status() const {
  const auto& cfg = router_.config();
  const auto& g = router_.general();
  json s = {{"token_auth", g.token_auth},
            {"session_timeout", g.session_timeout},
            {"reclaim_session_timeout", g.reclaim_session_timeout},
            {"candidates_timeout", g.candidates_timeout},
            {"log_level", janusLevel(log::threshold())},
            {"log_timestamps", log::timestamps()},
            {"log_colors", log::colors()},
            {"locking_debug", false},
            {"refcount_debug", false},
            {"libnice_debug", media_ ? media_->libniceDebug() : false},
            {"min_nack_queue", cfg.media.min_nack_queue},
            {"nack-optimizations", false},
            {"no_media_timer", media_ ? media_->noMediaTimer() : static_cast<std::uint32_t>(cfg.media.no_media_timer)},
            {"slowlink_threshold",
             media_ ? media_->slowlinkThreshold() : static_cast<std::uint32_t>(cfg.media.slowlink_threshold)},
            {"sessions_count", router_.registry().size()},
            {"handles_count", router_.registry().handleCount()},
            {"dropped_candidates", router_.droppedCandidates()}};
  // The dataplane's counters (workers, ports, drops) once it is wired in; null until then.
  s["dataplane"] = dataplane_ ? dataplane_() : json(nullptr);
  return s;
}

}  // namespace portunus::cp
