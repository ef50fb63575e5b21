// The wire under a JanusClient: WebSocket (`janus-protocol` subprotocol) or HTTP REST + long-poll
// (janus-protocol.md §1.5/§1.6). Everything runs on the client's io thread; replies and events come back through
// the message sink whichever way they travelled (POST reply, long-poll array, WS frame).
#pragma once

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without including it
// clang-format on

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "lab/janus/ServerUrl.hpp"

namespace portunus::lab {

class JanusTransport {
 public:
  using Json = nlohmann::json;
  using MessageSink = std::function<void(const Json&)>;
  using CloseSink = std::function<void(const std::string& reason)>;

  virtual ~JanusTransport() = default;
  void setSinks(MessageSink onMessage, CloseSink onClose) {
    on_message_ = std::move(onMessage);
    on_close_ = std::move(onClose);
  }
  /** Opens the connection (WS handshake; HTTP checks nothing until the first request). Throws on failure. */
  virtual boost::asio::awaitable<void> connect() = 0;
  /** Queues one request; its reply arrives through the sink. A transport failure for it arrives as a synthesized
   * `error` with code 0 and the same transaction. */
  virtual void send(Json request) = 0;
  /** HTTP: start/stop the long-poll loop of a session (events travel on it); WS: nothing to do. */
  virtual void watchSession(std::uint64_t /*sessionId*/) {}
  virtual void forgetSession(std::uint64_t /*sessionId*/) {}
  virtual void close() = 0;
  virtual const char* name() const noexcept = 0;

  static std::unique_ptr<JanusTransport> create(boost::asio::io_context& io, const ServerUrl& url);

 protected:
  void deliver(const Json& message) {
    if (on_message_) on_message_(message);
  }
  void closed(const std::string& reason) {
    if (on_close_) on_close_(reason);
  }
  static Json transportError(const Json& request, const std::string& reason);

 private:
  MessageSink on_message_;
  CloseSink on_close_;
};

}  // namespace portunus::lab
