// Janus API over WebSocket: one socket, subprotocol `janus-protocol`, ids in every body (janus-protocol.md §1.6).
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>

#include "lab/janus/JanusTransport.hpp"

namespace portunus::lab {

class WsTransport final : public JanusTransport {
 public:
  WsTransport(boost::asio::io_context& io, ServerUrl url);
  boost::asio::awaitable<void> connect() override;
  void send(Json request) override;
  void close() override;
  const char* name() const noexcept override { return "ws"; }

 private:
  boost::asio::awaitable<void> readLoop();
  boost::asio::awaitable<void> writeLoop();

  boost::asio::io_context& io_;
  ServerUrl url_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool open_ = false;
  bool closing_ = false;
};

}  // namespace portunus::lab
