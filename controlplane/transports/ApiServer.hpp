// The API's listening endpoints (Boost.Beast, all in ApiServer.cpp to keep Beast in one translation unit):
// Janus REST (`/janus`, long poll), Janus WebSocket (`janus-protocol`), Admin REST (`/admin`) and Admin WebSocket
// (`janus-admin-protocol`). Runs on the control loop's io_context.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config/TransportsConfig.hpp"
#include "controlplane/admin/AdminRouter.hpp"
#include "controlplane/core/Router.hpp"
#include "controlplane/transports/LongPollHub.hpp"

namespace boost::asio {
class io_context;
}

namespace portunus::cp {

class ApiServer {
 public:
  ApiServer(boost::asio::io_context& loop, Router& router, AdminRouter& admin, const config::TransportsConfig& cfg);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  /** Binds every enabled endpoint (all or nothing: throws std::runtime_error naming the endpoint) and returns one
   *  line per endpoint, e.g. "janus http listening on http://0.0.0.0:8088/janus". */
  std::vector<std::string> start();
  /** Stops accepting, closes WebSockets once their queued messages are written, and drops idle connections. */
  void stop();

  /** How long a long poll waits before answering `{"janus":"keepalive"}` (30 s, as Janus). */
  void setLongPollTimeout(std::chrono::milliseconds timeout);
  LongPollHub& longPolls() noexcept { return *hub_; }
  /** Serves `GET /metrics` (Prometheus text) on the admin HTTP endpoint. */
  void setMetrics(std::function<std::string()> metrics);
  /** The transports as `info` lists them. */
  static std::vector<TransportInfo> transportInfo();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::shared_ptr<LongPollHub> hub_;
};

}  // namespace portunus::cp
