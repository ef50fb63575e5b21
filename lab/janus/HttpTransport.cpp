#include "lab/janus/HttpTransport.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

#include "common/log/Log.hpp"

namespace portunus::lab {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::use_awaitable;

HttpTransport::HttpTransport(asio::io_context& io, ServerUrl url) : io_(io), url_(std::move(url)) {}

asio::awaitable<void> HttpTransport::connect() {
  co_return;
}

std::string HttpTransport::targetFor(const std::string& basePath, const Json& request) {
  std::string target = basePath;
  auto id = [&](const char* name) -> std::uint64_t {
    auto it = request.find(name);
    return it != request.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
  };
  if (const auto session = id("session_id")) {
    target += "/" + std::to_string(session);
    if (const auto handle = id("handle_id")) target += "/" + std::to_string(handle);
  }
  return target;
}

asio::awaitable<HttpTransport::Reply> HttpTransport::exchange(const std::string& method, const std::string& target,
                                                              std::string body,
                                                              std::shared_ptr<beast::tcp_stream> stream) {
  asio::ip::tcp::resolver resolver(io_);
  auto endpoints = co_await resolver.async_resolve(url_.host, std::to_string(url_.port), use_awaitable);
  stream->expires_after(std::chrono::seconds(10));
  co_await stream->async_connect(endpoints, use_awaitable);
  http::request<http::string_body> req{method == "GET" ? http::verb::get : http::verb::post, target, 11};
  req.set(http::field::host, url_.host + ":" + std::to_string(url_.port));
  req.set(http::field::user_agent, "portunus-lab");
  if (method != "GET") {
    req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
  }
  // A long-poll is held for up to ~30 s by the server; janus.js gives it 60 s.
  stream->expires_after(std::chrono::seconds(method == "GET" ? 65 : 15));
  co_await http::async_write(*stream, req, use_awaitable);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  co_await http::async_read(*stream, buffer, res, use_awaitable);
  beast::error_code ignored;
  stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  co_return Reply{res.result_int(), std::move(res.body())};
}

void HttpTransport::send(Json request) {
  if (closing_) {
    deliver(transportError(request, "HTTP transport closed"));
    return;
  }
  asio::co_spawn(io_, post(std::move(request)), asio::detached);
}

asio::awaitable<void> HttpTransport::post(Json request) {
  const std::string target = targetFor(url_.path, request);
  std::string text = request.dump();
  PLOG(Trace, "lab.http") << "POST " << target << " " << text;
  try {
    auto stream = std::make_shared<beast::tcp_stream>(io_);
    Reply reply = co_await exchange("POST", target, std::move(text), stream);
    PLOG(Trace, "lab.http") << "<- " << reply.status << " " << reply.body;
    Json message = Json::parse(reply.body, nullptr, false);
    if (reply.status != 200 || message.is_discarded()) {
      deliver(transportError(request, "HTTP " + std::to_string(reply.status) + " " + reply.body.substr(0, 120)));
      co_return;
    }
    deliver(message);
  } catch (const std::exception& e) {
    if (!closing_) deliver(transportError(request, std::string("HTTP request failed: ") + e.what()));
  }
}

void HttpTransport::watchSession(std::uint64_t sessionId) {
  if (closing_ || polls_.contains(sessionId)) return;
  polls_[sessionId] = nullptr;
  asio::co_spawn(io_, longPoll(sessionId), asio::detached);
}

void HttpTransport::forgetSession(std::uint64_t sessionId) {
  auto it = polls_.find(sessionId);
  if (it == polls_.end()) return;
  if (it->second) it->second->cancel();
  polls_.erase(it);
}

asio::awaitable<void> HttpTransport::longPoll(std::uint64_t sessionId) {
  int failures = 0;
  while (!closing_ && polls_.contains(sessionId)) {
    const auto rid =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    const std::string target =
        url_.path + "/" + std::to_string(sessionId) + "?rid=" + std::to_string(rid) + "&maxev=10";
    auto stream = std::make_shared<beast::tcp_stream>(io_);
    polls_[sessionId] = stream;
    bool failed = false;
    try {
      Reply reply = co_await exchange("GET", target, {}, stream);
      if (reply.status == 404) {  // the session is gone (destroyed or timed out)
        polls_.erase(sessionId);
        break;
      }
      Json messages = Json::parse(reply.body, nullptr, false);
      if (reply.status != 200 || messages.is_discarded())
        throw std::runtime_error("HTTP " + std::to_string(reply.status));
      failures = 0;
      if (!messages.is_array()) messages = Json::array({messages});
      for (const Json& message : messages) {
        PLOG(Trace, "lab.http") << "<~ " << message.dump();
        deliver(message);
      }
    } catch (const std::exception& e) {
      if (closing_ || !polls_.contains(sessionId)) break;
      PLOG(Warn, "lab.http") << "long-poll of session " << sessionId << " failed: " << e.what();
      // janus.js reports "Lost connection" after 3 consecutive failures.
      if (++failures >= 3) {
        polls_.erase(sessionId);
        closed("long-poll failed 3 times: " + std::string(e.what()));
        break;
      }
      failed = true;
    }
    if (failed) {
      asio::steady_timer pause(io_, std::chrono::milliseconds(200));
      co_await pause.async_wait(use_awaitable);
    }
  }
}

void HttpTransport::close() {
  closing_ = true;
  for (auto& [session, stream] : polls_) {
    if (stream) stream->cancel();
  }
  polls_.clear();
}

}  // namespace portunus::lab
