// A Janus API client that behaves like janus.js: create/attach/message(jsep)/trickle/keepalive/hangup/detach/
// destroy over WS or HTTP long-poll, transactions correlated by JanusDispatcher, keepalives every 25 s per
// session. The Asio loop runs on the client's own thread; the blocking calls below may be used from any other
// thread (the lab's orchestration, GLib callbacks for trickles). Events are delivered on the io thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "lab/janus/JanusDispatcher.hpp"
#include "lab/janus/JanusTransport.hpp"
#include "lab/janus/ServerUrl.hpp"

namespace portunus::lab {

/** A Janus error reply (code = JANUS_ERROR_*), or a transport failure (code 0). */
class JanusApiError : public std::runtime_error {
 public:
  JanusApiError(int code, const std::string& reason)
      : std::runtime_error("Janus error " + std::to_string(code) + ": " + reason), code_(code) {}
  int code() const noexcept { return code_; }

 private:
  int code_;
};

class JanusClient {
 public:
  using EventHandler = std::function<void(const JanusEvent&)>;
  static constexpr std::chrono::seconds kKeepalivePeriod{25};  // janus.js keepAlivePeriod

  explicit JanusClient(ServerUrl url, std::chrono::milliseconds requestTimeout = std::chrono::seconds(15));
  ~JanusClient();
  JanusClient(const JanusClient&) = delete;
  JanusClient& operator=(const JanusClient&) = delete;

  /** Replaces the handler of events no transaction consumed (set it before attaching). */
  void setEventHandler(EventHandler handler);
  /** Opens the transport; throws on failure. */
  void connect();
  /** Sends one request (a transaction is added) and returns its final answer. Thread-safe. */
  std::future<JanusResult> request(Json body, ReplyPolicy policy);
  /** request() + wait; throws JanusApiError for an error reply, a transport failure or a timeout. */
  Json call(Json body, ReplyPolicy policy = ReplyPolicy::AckIsFinal);

  std::uint64_t createSession();
  std::uint64_t attach(std::uint64_t session, const std::string& plugin, const std::string& opaqueId = {});
  /** A plugin message, optionally with a JSEP; returns the plugin's answer (sync `success` or async `event`). */
  Json message(std::uint64_t session, std::uint64_t handle, const Json& body, const Json& jsep = nullptr);
  /** One candidate ({candidate,sdpMid,sdpMLineIndex}) or {completed:true}; does not wait for the ack. */
  std::future<JanusResult> trickle(std::uint64_t session, std::uint64_t handle, const Json& candidate);
  void keepalive(std::uint64_t session);
  void hangup(std::uint64_t session, std::uint64_t handle);
  void detach(std::uint64_t session, std::uint64_t handle);
  void destroySession(std::uint64_t session);
  /** Closes the transport and stops the io thread. Pending requests fail. Idempotent. */
  void close();

  const char* transportName() const noexcept { return transport_->name(); }
  std::uint64_t keepalivesSent() const noexcept { return keepalives_sent_; }
  std::uint64_t strayReplies() const noexcept { return stray_; }

 private:
  std::string nextTransaction();
  void startKeepalive(std::uint64_t session);
  void stopKeepalive(std::uint64_t session);

  ServerUrl url_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  std::unique_ptr<JanusTransport> transport_;
  JanusDispatcher dispatcher_;
  std::mutex handler_mutex_;
  EventHandler handler_;
  std::map<std::uint64_t, std::unique_ptr<boost::asio::steady_timer>> keepalive_timers_;  // io thread only
  std::map<std::uint64_t, std::shared_ptr<std::function<void()>>> keepalive_arms_;        // io thread only
  std::atomic<std::uint64_t> transaction_counter_{0};
  std::string transaction_prefix_;
  std::atomic<std::uint64_t> keepalives_sent_{0};
  std::atomic<std::uint64_t> stray_{0};
  std::atomic<bool> closed_{false};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace portunus::lab
