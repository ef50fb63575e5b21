#include "lab/janus/WsTransport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket.hpp>

#include "common/log/Log.hpp"

namespace portunus::lab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::use_awaitable;

WsTransport::WsTransport(asio::io_context& io, ServerUrl url) : io_(io), url_(std::move(url)), ws_(io) {}

asio::awaitable<void> WsTransport::connect() {
  asio::ip::tcp::resolver resolver(io_);
  auto endpoints = co_await resolver.async_resolve(url_.host, std::to_string(url_.port), use_awaitable);
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  co_await beast::get_lowest_layer(ws_).async_connect(endpoints, use_awaitable);
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(beast::http::field::sec_websocket_protocol, "janus-protocol");
    req.set(beast::http::field::user_agent, "portunus-lab");
  }));
  websocket::response_type response;
  co_await ws_.async_handshake(response, url_.host + ":" + std::to_string(url_.port), url_.path, use_awaitable);
  ws_.text(true);
  open_ = true;
  PLOG(Debug, "lab.ws") << "connected to " << url_.str() << " (" << response[beast::http::field::sec_websocket_protocol]
                        << ")";
  asio::co_spawn(io_, readLoop(), asio::detached);
  if (!outbox_.empty() && !writing_) {
    writing_ = true;
    asio::co_spawn(io_, writeLoop(), asio::detached);
  }
}

void WsTransport::send(Json request) {
  if (closing_) {
    deliver(transportError(request, "WebSocket closed"));
    return;
  }
  outbox_.push_back(request.dump());
  if (open_ && !writing_) {
    writing_ = true;  // before the coroutine runs: a second send() must not start a second writer
    asio::co_spawn(io_, writeLoop(), asio::detached);
  }
}

asio::awaitable<void> WsTransport::writeLoop() {
  try {
    while (!outbox_.empty() && !closing_) {
      std::string text = std::move(outbox_.front());
      outbox_.pop_front();
      PLOG(Trace, "lab.ws") << "-> " << text;
      co_await ws_.async_write(asio::buffer(text), use_awaitable);
    }
  } catch (const std::exception& e) {
    PLOG(Warn, "lab.ws") << "write failed: " << e.what();
  }
  writing_ = false;
}

asio::awaitable<void> WsTransport::readLoop() {
  std::string reason = "closed by server";
  try {
    for (;;) {
      beast::flat_buffer buffer;
      co_await ws_.async_read(buffer, use_awaitable);
      std::string text = beast::buffers_to_string(buffer.data());
      PLOG(Trace, "lab.ws") << "<- " << text;
      Json message = Json::parse(text, nullptr, false);
      if (message.is_discarded()) {
        PLOG(Warn, "lab.ws") << "not JSON: " << text.substr(0, 200);
        continue;
      }
      deliver(message);
    }
  } catch (const std::exception& e) {
    reason = e.what();
  }
  open_ = false;
  if (!closing_) closed(reason);
}

void WsTransport::close() {
  if (closing_) return;
  closing_ = true;
  if (!open_) return;
  asio::co_spawn(
      io_,
      [this]() -> asio::awaitable<void> {
        try {
          co_await ws_.async_close(websocket::close_code::normal, use_awaitable);
        } catch (const std::exception&) {
        }
      },
      asio::detached);
}

}  // namespace portunus::lab
