#include "controlplane/transports/ApiServer.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cerrno>
#include <deque>
#include <optional>
#include <random>

#include "common/log/Log.hpp"
#include "controlplane/transports/RateLimiter.hpp"
#include "controlplane/transports/RestTarget.hpp"

namespace portunus::cp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;  // HTTPS / WSS (OpenSSL through Asio)
template <class Stream>
constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

enum class Kind { JanusHttp, JanusWs, AdminHttp, AdminWs };

/** Anything the server must be able to close at shutdown. */
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void shutdown() = 0;
};

struct Shared {
  Shared(asio::io_context& l, Router& r, AdminRouter& a, const config::TransportsConfig& c,
         std::shared_ptr<LongPollHub> h)
      : loop(l),
        router(r),
        admin(a),
        cfg(c),
        hub(std::move(h)),
        limiter(clock, r.config().limits.request_rate, r.config().limits.request_burst) {}

  asio::io_context& loop;
  Router& router;
  AdminRouter& admin;
  config::TransportsConfig cfg;
  std::shared_ptr<LongPollHub> hub;
  SteadyClock clock;
  RateLimiter limiter;  // limits.request_rate per source address, Janus API only (the admin API is not limited)
  std::unique_ptr<asio::ssl::context> tls;  // set when an HTTPS/WSS endpoint is enabled
  std::chrono::milliseconds pollTimeout{30000};
  std::function<std::string()> metrics;  // Prometheus text for `GET /metrics` on the admin HTTP endpoint
  std::vector<std::weak_ptr<Closable>> connections;
  bool stopping = false;

  void track(const std::shared_ptr<Closable>& c) {
    std::erase_if(connections, [](const auto& w) { return w.expired(); });
    connections.push_back(c);
  }
};

std::string sourceOf(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? std::string("unknown") : endpoint.address().to_string();
}

/** The Janus error of a request over limits.request_rate (450: the transport refuses it, the core never sees it). */
JanusError rateLimited(const Shared& shared) {
  const auto& l = shared.router.config().limits;
  return {ErrorCode::TransportSpecific, "Too many requests from this address (limit " + std::to_string(l.request_rate) +
                                            " per second, burst " + std::to_string(l.request_burst) + ")"};
}

/** A connection's stream over an accepted socket (TLS ones still need their handshake). */
template <class Stream>
Stream makeStream(tcp::socket socket, Shared& shared) {
  if constexpr (kTls<Stream>)
    return Stream(std::move(socket), *shared.tls);
  else
    return Stream(std::move(socket));
}

std::string randomTransaction() {
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static std::mt19937 rng(std::random_device{}());
  std::string out(12, 'x');
  for (auto& c : out)
    c = kChars[rng() % (sizeof kChars - 1)];
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// REST: Janus API (`/janus`) and Admin API (`/admin`).
template <class Stream>
class HttpConnection final : public Closable, public std::enable_shared_from_this<HttpConnection<Stream>> {
  using std::enable_shared_from_this<HttpConnection<Stream>>::shared_from_this;

 public:
  HttpConnection(tcp::socket socket, Shared& shared, Kind kind, std::string base)
      : source_(sourceOf(socket)),
        stream_(makeStream<Stream>(std::move(socket), shared)),
        shared_(shared),
        kind_(kind),
        base_(std::move(base)),
        pollTimer_(shared.loop) {}

  void start() {
    if constexpr (kTls<Stream>) {
      lowest().expires_after(std::chrono::seconds(30));
      stream_.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
        if (ec) return self->close();
        self->readHeader();
      });
    } else {
      readHeader();
    }
  }

  void shutdown() override {
    closing_ = true;
    if (!busy_) close();
  }

  /** A parked REST long poll reads nothing from its socket, so a client that gave up (closed its connection) is only
   *  noticed by looking: the client closed its end (peeks at the socket, never blocks). */
  bool clientGone() {
    char byte = 0;
    const ssize_t n = ::recv(lowest().socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;  // the client closed its end
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    // Bytes while parked: on TLS the client's close_notify; a plain client may be pipelining its next request.
    return kTls<Stream>;
  }
  /** Withdraws the poll and closes its connection. */
  void abandon() {
    busy_ = false;
    close();
  }

 private:
  using Request = http::request<http::string_body>;

  std::size_t limit() const { return shared_.cfg.max_body_bytes; }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  void readHeader() {
    parser_.emplace();
    parser_->body_limit(limit());
    parser_->header_limit(64 * 1024);
    lowest().expires_after(std::chrono::minutes(5));  // idle keep-alive connections go eventually
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
  }

  void onHeader(beast::error_code ec) {
    // Beast already refuses a Content-Length above body_limit while parsing the header.
    if (ec == http::error::body_limit) return tooLarge();
    if (ec) return close();
    if (auto length = parser_->content_length(); length && *length > limit()) return tooLarge();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
        if (wec) return self->close();
        self->readBody();
      });
      return;
    }
    readBody();
  }

  void readBody() {
    lowest().expires_after(std::chrono::minutes(1));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRequest(ec); });
  }

  void onRequest(beast::error_code ec) {
    if (ec == http::error::body_limit) return tooLarge();
    if (ec) return close();
    lowest().expires_never();
    Request req = parser_->release();
    keepAlive_ = req.keep_alive();
    version_ = req.version();
    // Janus answers a CORS preflight's questions on every response, not only on OPTIONS.
    corsMethodAsked_ = req.count(http::field::access_control_request_method) > 0;
    corsHeadersAsked_ = std::string(req[http::field::access_control_request_headers]);
    try {
      dispatch(req);
    } catch (const std::exception& e) {
      PLOG(Error, "http") << "request failed: " << e.what();
      send(http::status::internal_server_error, "");
    }
  }

  void dispatch(Request& req) {
    const bool admin = kind_ == Kind::AdminHttp;
    if (req.method() == http::verb::options) return send(http::status::ok, "");  // the CORS headers: send()
    // limits.request_rate: HTTP 429 with Retry-After (janus.js treats any non-200 as a failed request and retries
    // its long poll), the Janus error in the body; CORS preflights above are not counted.
    if (!admin && !shared_.limiter.allow(source_)) {
      return send(http::status::too_many_requests, errorReply(0, std::nullopt, rateLimited(shared_)).dump(3),
                  {{"Retry-After", std::to_string(shared_.limiter.retryAfterSeconds(source_))}});
    }
    if (admin && shared_.metrics && req.method() == http::verb::get && req.target() == "/metrics")
      return send(http::status::ok, shared_.metrics(), {{"Content-Type", "text/plain; version=0.0.4"}});
    // As Janus, whatever the path: HEAD is an empty JSON 200 and DELETE a Janus error with HTTP 200.
    if (req.method() == http::verb::head) return send(http::status::ok, "", {{"Content-Type", "application/json"}});
    if (req.method() == http::verb::delete_) {
      const JanusError error(ErrorCode::TransportSpecific, "Unsupported method DELETE");
      return sendJson(errorReply(0, std::nullopt, error));
    }
    const RestTarget target = parseRestTarget(std::string_view(req.target().data(), req.target().size()), base_);
    if (!target.underBase || target.segments.size() > 2) return send(http::status::not_found, "");
    const bool info = target.segments.size() == 1 && target.segments[0] == "info";
    if (req.method() == http::verb::post && info) {
      // The info endpoint is GET only: the Admin API says so in a Janus error, the client API with a bare 400.
      if (!admin) return send(http::status::bad_request, "");
      const JanusError error(ErrorCode::TransportSpecific, "Use GET for the info endpoint");
      return sendJson(errorReply(0, std::nullopt, error));
    }
    if (req.method() == http::verb::post) {
      RequestContext ctx;
      if (!admin) ctx.sink = shared_.hub;
      if (!target.segments.empty()) ctx.pathSession = target.id(0);
      if (target.segments.size() == 2) ctx.pathHandle = target.id(1);
      busy_ = true;
      Reply reply = [self = shared_from_this()](json message) {
        self->busy_ = false;
        self->sendJson(message);
      };
      if (admin)
        shared_.admin.handleText(req.body(), ParseStyle::Rest, ctx, reply);
      else
        shared_.router.handleText(req.body(), ParseStyle::Rest, ctx, reply);
      return;
    }
    // Other methods (PUT, PATCH, ...): Janus drops the connection; a 405 says why.
    if (req.method() != http::verb::get) return send(http::status::method_not_allowed, "");
    if (info) return sendJson(shared_.router.serverInfo(randomTransaction()));
    if (admin) {  // the Admin API has no long poll: a GET carries no request
      const JanusError error(ErrorCode::InvalidJson, "Request payload missing");
      return sendJson(errorReply(0, std::nullopt, error));
    }
    if (target.segments.empty()) return send(http::status::not_found, "");
    if (target.segments.size() == 2)  // Janus redirects a GET on a handle to its session's long poll
      return send(http::status::found, "", {{"Location", base_ + "/" + target.segments[0]}});
    longPoll(target.id(0), target);
  }

  void longPoll(std::uint64_t sid, const RestTarget& target) {
    json credentials = json::object();
    if (auto it = target.query.find("apisecret"); it != target.query.end()) credentials["apisecret"] = it->second;
    if (auto it = target.query.find("token"); it != target.query.end()) credentials["token"] = it->second;
    if (!shared_.router.authorized(credentials)) return send(http::status::forbidden, "");
    const unsigned maxev = target.maxEvents();
    const bool asArray = maxev > 1;
    LongPollHub& hub = *shared_.hub;
    // Only live sessions whose events go to REST can be polled: a destroyed or expired session, or one owned by a
    // WebSocket, is 404 as in Janus (events still queued for a closed session are dropped by the hub's sweep).
    if (!shared_.router.sessionOwnedBy(sid, &hub)) return send(http::status::not_found, "");
    shared_.router.touch(sid);  // each poll counts as a keepalive
    if (hub.hasQueued(sid)) return respondEvents(hub.take(sid, maxev), asArray);
    const auto max = shared_.router.config().limits.max_long_polls_per_session;
    // Polls whose clients left go first: they must not count against the limit, nor be handed events.
    if (hub.parkedPolls(sid) > 0) hub.dropUnwanted(sid);
    if (max > 0 && hub.parkedPolls(sid) >= max) {
      const JanusError error(ErrorCode::TransportSpecific,
                             "Too many concurrent long polls for this session (limit " + std::to_string(max) + ")");
      return send(http::status::too_many_requests, errorReply(sid, std::nullopt, error).dump(3));
    }
    busy_ = true;
    // Before events are handed over, the poll looks at its socket: a client that gave up on it would lose them.
    pollTicket_ = hub.wait(
        sid, maxev,
        [self = shared_from_this(), asArray](std::vector<json> events) {
          self->pollTicket_ = 0;
          self->pollTimer_.cancel();
          self->busy_ = false;
          self->respondEvents(std::move(events), asArray);
        },
        [self = shared_from_this()] {
          if (!self->clientGone()) return true;
          self->pollTicket_ = 0;  // the hub has let go of it already
          self->abandon();
          return false;
        });
    pollTimer_.expires_after(shared_.pollTimeout);
    pollTimer_.async_wait([self = shared_from_this(), asArray](beast::error_code ec) {
      if (ec || self->pollTicket_ == 0) return;
      if (self->shared_.hub->cancel(self->pollTicket_)) {
        self->pollTicket_ = 0;
        self->busy_ = false;
        self->respondEvents({}, asArray);
      }
    });
  }

  /** One object for maxev 1, else an array (Janus wraps even the keepalive: `[{"janus":"keepalive"}]`). */
  void respondEvents(std::vector<json> events, bool asArray) {
    if (events.empty()) events.push_back({{"janus", "keepalive"}});
    if (asArray) return sendJson(json(std::move(events)));
    sendJson(events.front());
  }

  void tooLarge() {
    keepAlive_ = false;
    drainAfterWrite_ = true;
    const JanusError error(ErrorCode::TransportSpecific,
                           "Request body too large (limit " + std::to_string(limit()) + " bytes)");
    send(http::status::payload_too_large, errorReply(0, std::nullopt, error).dump(3));
  }

  void sendJson(const json& message) {
    send(http::status::ok, message.dump(3, ' ', false, json::error_handler_t::replace));
  }

  void send(http::status status, std::string body, std::vector<std::pair<std::string, std::string>> extra = {}) {
    auto res = std::make_shared<http::response<http::string_body>>(status, version_);
    res->set(http::field::server, "Portunus");
    res->set(http::field::access_control_allow_origin, shared_.cfg.cors_allow_origin);
    res->set(http::field::access_control_max_age, "86400");
    if (corsMethodAsked_) res->set(http::field::access_control_allow_methods, "POST");
    if (!corsHeadersAsked_.empty()) res->set(http::field::access_control_allow_headers, corsHeadersAsked_);
    if (!body.empty()) res->set(http::field::content_type, "application/json");
    for (const auto& [k, v] : extra)
      res->set(k, v);
    res->body() = std::move(body);
    res->keep_alive(keepAlive_);
    res->prepare_payload();
    lowest().expires_after(std::chrono::seconds(30));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      // end_of_stream only says "this response ends the connection" (keep-alive off): the write itself succeeded.
      if (ec && ec != http::error::end_of_stream) return self->close();
      if (self->drainAfterWrite_) return self->drain();
      if (!self->keepAlive_ || self->closing_) return self->close();
      self->readHeader();
    });
  }

  /** After refusing a body, read and discard what the client still sends (for a while), so that closing does not
   *  reset the connection before the client reads the refusal. */
  void drain() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(std::chrono::seconds(5));
    scratch_.resize(64 * 1024);
    stream_.async_read_some(asio::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  void close() {
    if (pollTicket_ != 0) {
      shared_.hub->cancel(pollTicket_);
      pollTicket_ = 0;
    }
    pollTimer_.cancel();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  std::string source_;
  Stream stream_;
  Shared& shared_;
  Kind kind_;
  std::string base_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  asio::steady_timer pollTimer_;
  std::uint64_t pollTicket_ = 0;
  std::vector<char> scratch_;
  unsigned version_ = 11;
  bool keepAlive_ = true;
  bool corsMethodAsked_ = false;  // the request has Access-Control-Request-Method
  std::string corsHeadersAsked_;  // its Access-Control-Request-Headers
  bool busy_ = false;
  bool closing_ = false;
  bool drainAfterWrite_ = false;
};

// ------------------------------------------------------------------------------------------------------------
// WebSocket: Janus API (`janus-protocol`) and Admin API (`janus-admin-protocol`). The socket is the event sink of
// every session it creates or claims.
template <class Stream>
class WsConnection final : public Closable,
                           public EventSink,
                           public std::enable_shared_from_this<WsConnection<Stream>> {
  using std::enable_shared_from_this<WsConnection<Stream>>::shared_from_this;

 public:
  WsConnection(tcp::socket socket, Shared& shared, Kind kind)
      : source_(sourceOf(socket)),
        ws_(makeStream<Stream>(std::move(socket), shared)),
        shared_(shared),
        admin_(kind == Kind::AdminWs) {}

  void start() {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(30));
    if constexpr (kTls<Stream>) {
      ws_.next_layer().async_handshake(asio::ssl::stream_base::server,
                                       [self = shared_from_this()](beast::error_code ec) {
                                         if (ec) return self->closeSocket();
                                         self->readUpgrade();
                                       });
    } else {
      readUpgrade();
    }
  }

  void readUpgrade() {
    upgradeParser_.emplace();
    upgradeParser_->body_limit(64 * 1024);
    http::async_read(ws_.next_layer(), buffer_, *upgradeParser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onUpgrade(ec); });
  }

  void shutdown() override {
    closeWhenDrained_ = true;
    if (accepted_ && !writing_ && !closed_) doClose();
    if (!accepted_) {
      closeSocket();
    }
  }

  void closeSocket() {
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  void deliver(std::uint64_t, const json& message) override {
    send(message.dump(3, ' ', false, json::error_handler_t::replace));
  }
  std::string_view transportName() const override { return "janus.transport.websockets"; }

 private:
  const char* protocol() const { return admin_ ? "janus-admin-protocol" : "janus-protocol"; }

  bool offersProtocol(std::string_view header) const {
    const std::string_view wanted = protocol();
    while (!header.empty()) {
      const auto comma = header.find(',');
      std::string_view item = header.substr(0, comma);
      while (!item.empty() && item.front() == ' ')
        item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ')
        item.remove_suffix(1);
      if (item == wanted) return true;
      header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    }
    return false;
  }

  void onUpgrade(beast::error_code ec) {
    if (ec) return;
    auto req = upgradeParser_->release();
    const auto offered = req[http::field::sec_websocket_protocol];
    if (!websocket::is_upgrade(req) || !offersProtocol(std::string_view(offered.data(), offered.size()))) {
      // Janus drops such handshakes; we say why before closing.
      auto res = std::make_shared<http::response<http::string_body>>(http::status::bad_request, req.version());
      res->set(http::field::server, "Portunus");
      res->set(http::field::content_type, "text/plain");
      res->body() = std::string("WebSocket upgrade with subprotocol '") + protocol() + "' required\n";
      res->keep_alive(false);
      res->prepare_payload();
      http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
      return;
    }
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator([proto = std::string(protocol())](websocket::response_type& res) {
      res.set(http::field::server, "Portunus");
      res.set(http::field::sec_websocket_protocol, proto);
    }));
    ws_.read_message_max(shared_.cfg.max_body_bytes);  // bigger messages close the socket with 1009
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code aec) {
      if (aec) return;
      self->accepted_ = true;
      if (self->closeWhenDrained_) return self->doClose();
      self->read();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec) {
      if (ec == websocket::error::message_too_big) {
        PLOG(Warn, "ws") << "closing a WebSocket: message above " << shared_.cfg.max_body_bytes << " bytes";
      }
      return finish();
    }
    // Binary frames are read as text: JSON in them works, anything else gets the 454 error reply.
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    RequestContext ctx;
    if (!admin_) ctx.sink = shared_from_this();
    Reply reply = [self = shared_from_this()](json message) {
      self->send(message.dump(3, ' ', false, json::error_handler_t::replace));
    };
    if (!admin_ && !shared_.limiter.allow(source_)) {
      // Over limits.request_rate: answered by the transport with 450, echoing the transaction so that the
      // client's callback fires; the socket stays open.
      const json request = json::parse(text, nullptr, false);
      std::optional<std::string> tx;
      if (request.is_object())
        if (auto it = request.find("transaction"); it != request.end() && it->is_string()) tx = it->get<std::string>();
      reply(errorReply(0, tx, rateLimited(shared_)));
      return read();
    }
    try {
      const auto handleText = [&](std::string_view part) {
        if (admin_)
          shared_.admin.handleText(part, ParseStyle::WebSocket, ctx, reply);
        else
          shared_.router.handleText(part, ParseStyle::WebSocket, ctx, reply);
      };
      // As Janus: a message may carry several JSON texts one after the other, processed in order only when every
      // one of them parses; otherwise the first that does not is answered and none is processed.
      const std::vector<std::string_view> parts = splitJsonSequence(text);
      const auto refused = [](std::string_view part) {
        try {
          parseRequest(part, ParseStyle::WebSocket);
          return false;
        } catch (const JanusError&) {
          return true;
        }
      };
      const auto bad = parts.size() > 1 ? std::find_if(parts.begin(), parts.end(), refused) : parts.end();
      if (bad != parts.end())
        handleText(*bad);
      else
        for (const std::string_view part : parts)
          handleText(part);
    } catch (const std::exception& e) {
      PLOG(Error, "ws") << "request failed: " << e.what();
    }
    read();
  }

  void send(std::string text) {
    if (closed_ || !accepted_) return;
    out_.push_back(std::move(text));
    if (!writing_) writeNext();
  }

  void writeNext() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->out_.pop_front();
      if (ec) {
        self->writing_ = false;
        self->out_.clear();
        return;
      }
      if (!self->out_.empty()) return self->writeNext();
      self->writing_ = false;
      if (self->closeWhenDrained_) self->doClose();
    });
  }

  void doClose() {
    if (closed_) return;
    closed_ = true;
    ws_.async_close(websocket::close_code::going_away, [self = shared_from_this()](beast::error_code) {});
  }

  /** The socket is gone: its sessions die, or wait for `claim` (reclaim_session_timeout). */
  void finish() {
    if (gone_) return;
    gone_ = true;
    closed_ = true;
    if (!admin_) shared_.router.transportGone(this);
  }

  std::string source_;
  websocket::stream<Stream> ws_;
  Shared& shared_;
  bool admin_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> upgradeParser_;
  std::deque<std::string> out_;
  bool accepted_ = false;
  bool writing_ = false;
  bool closed_ = false;
  bool gone_ = false;
  bool closeWhenDrained_ = false;
};

// ------------------------------------------------------------------------------------------------------------
class Listener final : public std::enable_shared_from_this<Listener> {
 public:
  Listener(Shared& shared, Kind kind, bool tls, const config::EndpointConfig& ep)
      : shared_(shared), kind_(kind), tls_(tls), base_(ep.path), acceptor_(shared.loop) {
    const tcp::endpoint endpoint(asio::ip::make_address(ep.address), ep.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  void accept() {
    acceptor_.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
      if (!ec) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (self->tls_)
          self->open<TlsStream>(std::move(socket));
        else
          self->open<PlainStream>(std::move(socket));
      } else {
        PLOG(Warn, "transports") << "accept failed: " << ec.message();
      }
      self->accept();
    });
  }

  void close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  template <class Stream>
  void open(tcp::socket socket) {
    if (kind_ == Kind::JanusWs || kind_ == Kind::AdminWs) {
      auto c = std::make_shared<WsConnection<Stream>>(std::move(socket), shared_, kind_);
      shared_.track(c);
      c->start();
    } else {
      auto c = std::make_shared<HttpConnection<Stream>>(std::move(socket), shared_, kind_, base_);
      shared_.track(c);
      c->start();
    }
  }

  Shared& shared_;
  Kind kind_;
  bool tls_;
  std::string base_;
  tcp::acceptor acceptor_;
};

/** The HTTPS/WSS identity: TLS 1.2 or later, the configured chain and key (errors name the file). */
std::unique_ptr<asio::ssl::context> makeTlsContext(const config::TransportTlsConfig& tls) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  if (!tls.cert_pwd.empty())
    ctx->set_password_callback([pwd = tls.cert_pwd](std::size_t, asio::ssl::context::password_purpose) { return pwd; });
  beast::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_pem, ec);
  if (ec)
    throw std::runtime_error("transports.certificates.cert_pem: cannot load '" + tls.cert_pem + "': " + ec.message());
  ctx->use_private_key_file(tls.cert_key, asio::ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error("transports.certificates.cert_key: cannot load '" + tls.cert_key + "': " + ec.message());
  return ctx;
}

}  // namespace

struct ApiServer::Impl {
  Impl(asio::io_context& loop, Router& router, AdminRouter& admin, const config::TransportsConfig& cfg,
       std::shared_ptr<LongPollHub> hub)
      : shared(loop, router, admin, cfg, std::move(hub)) {}
  Shared shared;
  std::vector<std::shared_ptr<Listener>> listeners;
};

ApiServer::ApiServer(asio::io_context& loop, Router& router, AdminRouter& admin, const config::TransportsConfig& cfg)
    : hub_(std::make_shared<LongPollHub>()) {
  hub_->setDefer([&loop](std::function<void()> fn) { asio::post(loop, std::move(fn)); });
  impl_ = std::make_unique<Impl>(loop, router, admin, cfg, hub_);
}

ApiServer::~ApiServer() = default;

void ApiServer::setLongPollTimeout(std::chrono::milliseconds timeout) {
  impl_->shared.pollTimeout = timeout;
}

void ApiServer::setMetrics(std::function<std::string()> metrics) {
  impl_->shared.metrics = std::move(metrics);
}

std::vector<TransportInfo> ApiServer::transportInfo() {
  return {
      {"janus.transport.http", "Portunus REST (HTTP) transport",
       "The Janus API and Admin API over HTTP (REST and long poll)."},
      {"janus.transport.websockets", "Portunus WebSockets transport", "The Janus API and Admin API over WebSockets."}};
}

std::vector<std::string> ApiServer::start() {
  const auto& cfg = impl_->shared.cfg;
  struct Spec {
    const char* key;
    const char* label;
    Kind kind;
    bool tls;
    const config::EndpointConfig* ep;
  };
  const Spec specs[] = {{"http", "janus http", Kind::JanusHttp, false, &cfg.http},
                        {"ws", "janus ws", Kind::JanusWs, false, &cfg.ws},
                        {"admin_http", "admin http", Kind::AdminHttp, false, &cfg.admin_http},
                        {"admin_ws", "admin ws", Kind::AdminWs, false, &cfg.admin_ws},
                        {"https", "janus https", Kind::JanusHttp, true, &cfg.https},
                        {"wss", "janus wss", Kind::JanusWs, true, &cfg.wss},
                        {"admin_https", "admin https", Kind::AdminHttp, true, &cfg.admin_https},
                        {"admin_wss", "admin wss", Kind::AdminWs, true, &cfg.admin_wss}};
  if (cfg.https.enabled || cfg.wss.enabled || cfg.admin_https.enabled || cfg.admin_wss.enabled)
    impl_->shared.tls = makeTlsContext(cfg.certificates);
  std::vector<std::shared_ptr<Listener>> bound;
  std::vector<std::string> lines;
  for (const auto& s : specs) {
    if (!s.ep->enabled) continue;
    try {
      bound.push_back(std::make_shared<Listener>(impl_->shared, s.kind, s.tls, *s.ep));
    } catch (const std::exception& e) {
      for (auto& l : bound)
        l->close();
      throw std::runtime_error(std::string("transports.") + s.key + ": cannot listen on " + s.ep->address + ":" +
                               std::to_string(s.ep->port) + ": " + e.what());
    }
    const bool ws = s.kind == Kind::JanusWs || s.kind == Kind::AdminWs;
    const char* scheme = ws ? (s.tls ? "wss://" : "ws://") : (s.tls ? "https://" : "http://");
    lines.push_back(std::string(s.label) + " listening on " + scheme + s.ep->address + ":" +
                    std::to_string(s.ep->port) + (ws ? "" : s.ep->path));
  }
  for (auto& l : bound)
    l->accept();
  impl_->listeners = std::move(bound);
  return lines;
}

void ApiServer::stop() {
  impl_->shared.stopping = true;
  for (auto& l : impl_->listeners)
    l->close();
  impl_->listeners.clear();
  for (auto& w : impl_->shared.connections)
    if (auto c = w.lock()) c->shutdown();
  impl_->shared.connections.clear();
}

}  // namespace portunus::cp
