// Janus API over HTTP REST: requests POSTed to /janus[/<session>[/<handle>]], events fetched by a long-poll
// GET /janus/<session>?maxev=10 whose reply is always an array (janus-protocol.md §1.5). One short connection per
// request, like a browser's XHRs without keep-alive.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <map>
#include <memory>

#include "lab/janus/JanusTransport.hpp"

namespace portunus::lab {

class HttpTransport final : public JanusTransport {
 public:
  HttpTransport(boost::asio::io_context& io, ServerUrl url);
  boost::asio::awaitable<void> connect() override;
  void send(Json request) override;
  void watchSession(std::uint64_t sessionId) override;
  void forgetSession(std::uint64_t sessionId) override;
  void close() override;
  const char* name() const noexcept override { return "http"; }

  /** The POST target of a request: the base path plus the session and handle ids it carries. */
  static std::string targetFor(const std::string& basePath, const Json& request);

 private:
  struct Reply {
    unsigned status = 0;
    std::string body;
  };
  boost::asio::awaitable<Reply> exchange(const std::string& method, const std::string& target, std::string body,
                                         std::shared_ptr<boost::beast::tcp_stream> stream);
  boost::asio::awaitable<void> post(Json request);
  boost::asio::awaitable<void> longPoll(std::uint64_t sessionId);

  boost::asio::io_context& io_;
  ServerUrl url_;
  std::map<std::uint64_t, std::shared_ptr<boost::beast::tcp_stream>> polls_;  // session → its pending GET
  bool closing_ = false;
};

}  // namespace portunus::lab
