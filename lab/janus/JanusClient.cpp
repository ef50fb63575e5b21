#include "lab/janus/JanusClient.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <random>

#include "common/log/Log.hpp"

namespace portunus::lab {

namespace asio = boost::asio;

JanusClient::JanusClient(ServerUrl url, std::chrono::milliseconds requestTimeout)
    : url_(std::move(url)),
      timeout_(requestTimeout),
      transport_(JanusTransport::create(io_, url_)),
      dispatcher_([this](const JanusEvent& event) {
        EventHandler handler;
        {
          std::lock_guard lock(handler_mutex_);
          handler = handler_;
        }
        if (event.kind == "timeout") stopKeepalive(event.session_id);
        if (handler) handler(event);
      }) {
  std::random_device rd;
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int i = 0; i < 8; ++i)
    transaction_prefix_ += kAlphabet[rd() % (sizeof(kAlphabet) - 1)];
  transport_->setSinks(
      [this](const Json& message) {
        if (dispatcher_.dispatch(message) == JanusDispatcher::Outcome::Stray) ++stray_;
      },
      [this](const std::string& reason) {
        PLOG(Warn, "lab.janus") << transport_->name() << " transport closed: " << reason;
        dispatcher_.failAll(reason);
        EventHandler handler;
        {
          std::lock_guard lock(handler_mutex_);
          handler = handler_;
        }
        if (handler) handler(JanusEvent{"transport-closed", 0, 0, Json{{"reason", reason}}});
      });
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
}

JanusClient::~JanusClient() {
  close();
}

void JanusClient::setEventHandler(EventHandler handler) {
  std::lock_guard lock(handler_mutex_);
  handler_ = std::move(handler);
}

void JanusClient::connect() {
  auto done = asio::co_spawn(io_, transport_->connect(), asio::use_future);
  if (done.wait_for(timeout_) != std::future_status::ready) throw JanusApiError(0, "connect timed out");
  try {
    done.get();
  } catch (const std::exception& e) {
    throw JanusApiError(0, "cannot connect to " + url_.str() + ": " + e.what());
  }
}

std::string JanusClient::nextTransaction() {
  return transaction_prefix_ + std::to_string(++transaction_counter_);
}

std::future<JanusResult> JanusClient::request(Json body, ReplyPolicy policy) {
  auto promise = std::make_shared<std::promise<JanusResult>>();
  auto future = promise->get_future();
  if (closed_) {
    promise->set_value(JanusResult{false, 0, "client closed", Json()});
    return future;
  }
  body["transaction"] = nextTransaction();
  asio::post(io_, [this, body = std::move(body), policy, promise]() mutable {
    const std::string transaction = body["transaction"].get<std::string>();
    dispatcher_.expect(transaction, policy, [promise](JanusResult result) { promise->set_value(std::move(result)); });
    transport_->send(std::move(body));
  });
  return future;
}

Json JanusClient::call(Json body, ReplyPolicy policy) {
  const std::string verb = body.value("janus", "");
  auto future = request(std::move(body), policy);
  if (future.wait_for(timeout_) != std::future_status::ready) throw JanusApiError(0, verb + " timed out");
  JanusResult result = future.get();
  if (!result.ok) throw JanusApiError(result.error_code, verb + ": " + result.reason);
  return std::move(result.message);
}

std::uint64_t JanusClient::createSession() {
  Json reply = call({{"janus", "create"}});
  const auto session = reply.at("data").at("id").get<std::uint64_t>();
  asio::post(io_, [this, session] {
    transport_->watchSession(session);
    startKeepalive(session);
  });
  return session;
}

std::uint64_t JanusClient::attach(std::uint64_t session, const std::string& plugin, const std::string& opaqueId) {
  Json body = {{"janus", "attach"}, {"session_id", session}, {"plugin", plugin}};
  if (!opaqueId.empty()) body["opaque_id"] = opaqueId;
  return call(std::move(body)).at("data").at("id").get<std::uint64_t>();
}

Json JanusClient::message(std::uint64_t session, std::uint64_t handle, const Json& body, const Json& jsep) {
  Json request = {{"janus", "message"}, {"session_id", session}, {"handle_id", handle}, {"body", body}};
  if (!jsep.is_null()) request["jsep"] = jsep;
  return call(std::move(request), ReplyPolicy::AckThenEvent);
}

std::future<JanusResult> JanusClient::trickle(std::uint64_t session, std::uint64_t handle, const Json& candidate) {
  return request({{"janus", "trickle"}, {"session_id", session}, {"handle_id", handle}, {"candidate", candidate}},
                 ReplyPolicy::AckIsFinal);
}

void JanusClient::keepalive(std::uint64_t session) {
  ++keepalives_sent_;
  call({{"janus", "keepalive"}, {"session_id", session}});
}

void JanusClient::hangup(std::uint64_t session, std::uint64_t handle) {
  call({{"janus", "hangup"}, {"session_id", session}, {"handle_id", handle}});
}

void JanusClient::detach(std::uint64_t session, std::uint64_t handle) {
  call({{"janus", "detach"}, {"session_id", session}, {"handle_id", handle}});
}

void JanusClient::destroySession(std::uint64_t session) {
  asio::post(io_, [this, session] { stopKeepalive(session); });
  call({{"janus", "destroy"}, {"session_id", session}});
  asio::post(io_, [this, session] { transport_->forgetSession(session); });
}

void JanusClient::startKeepalive(std::uint64_t session) {
  auto timer = std::make_unique<asio::steady_timer>(io_);
  auto* raw = timer.get();
  keepalive_timers_[session] = std::move(timer);
  auto arm = std::make_shared<std::function<void()>>();
  *arm = [this, session, raw, weak = std::weak_ptr<std::function<void()>>(arm)] {
    raw->expires_after(kKeepalivePeriod);
    raw->async_wait([this, session, weak](const boost::system::error_code& ec) {
      auto again = weak.lock();
      if (ec || !again) return;
      ++keepalives_sent_;
      Json body = {{"janus", "keepalive"}, {"session_id", session}, {"transaction", nextTransaction()}};
      dispatcher_.expect(body["transaction"].get<std::string>(), ReplyPolicy::AckIsFinal, [session](JanusResult r) {
        if (!r.ok) {
          PLOG(Warn, "lab.janus") << "keepalive of session " << session << " failed: " << r.reason;
        }
      });
      transport_->send(std::move(body));
      (*again)();
    });
  };
  // The timer owns the re-arming closure's lifetime through this map entry.
  keepalive_arms_[session] = arm;
  (*arm)();
}

void JanusClient::stopKeepalive(std::uint64_t session) {
  if (auto it = keepalive_timers_.find(session); it != keepalive_timers_.end()) {
    it->second->cancel();
    keepalive_timers_.erase(it);
  }
  keepalive_arms_.erase(session);
}

void JanusClient::close() {
  if (closed_.exchange(true)) return;
  asio::post(io_, [this] {
    for (auto& [session, timer] : keepalive_timers_)
      timer->cancel();
    keepalive_timers_.clear();
    keepalive_arms_.clear();
    transport_->close();
    dispatcher_.failAll("client closed");
  });
  work_.reset();
  // Give the close frame a moment, then stop whatever is still pending (long-polls, reads).
  asio::steady_timer stopper(io_, std::chrono::milliseconds(300));
  stopper.async_wait([this](const boost::system::error_code&) { io_.stop(); });
  if (thread_.joinable()) thread_.join();
}

}  // namespace portunus::lab
