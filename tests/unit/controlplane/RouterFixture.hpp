// A real Router with the real EchoTest plugin, a manual clock and an io_context that the test runs by hand: no
// sockets, no sleeping.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <thread>

#include "controlplane/admin/AdminRouter.hpp"
#include "controlplane/core/Router.hpp"
#include "plugins/echotest/EchoTestPlugin.hpp"

namespace portunus::cp::test {

/** A transport connection that records what the core pushes to it. */
class RecordingSink final : public EventSink {
 public:
  void deliver(std::uint64_t sessionId, const json& message) override {
    events.push_back(message);
    sessions.push_back(sessionId);
  }
  void sessionClosed(std::uint64_t sessionId) override { closed.push_back(sessionId); }
  std::string_view transportName() const override { return "test.transport"; }

  std::deque<json> events;
  std::deque<std::uint64_t> sessions;
  std::vector<std::uint64_t> closed;
};

inline config::Config makeConfig(const std::string& yaml = "") {
  return config::loadConfigText(yaml);
}

struct RouterFixture {
  explicit RouterFixture(const std::string& yaml = "")
      : cfg(makeConfig(yaml)),
        plugins(loop, 2),
        router((addPlugins(), cfg), registry, tokens, plugins, clock),
        admin(router) {}
  ~RouterFixture() { plugins.stop(); }

  int addPlugins() {
    plugins.add(std::make_shared<plugins::EchoTestPlugin>());
    return 0;
  }

  /** Sends a request and runs the loop until its reply arrives (sync plugin replies come from the pool). */
  json request(const json& req, std::shared_ptr<RecordingSink> from = nullptr,
               std::optional<std::uint64_t> pathSession = {}, std::optional<std::uint64_t> pathHandle = {}) {
    std::optional<json> reply;
    RequestContext ctx{from ? from : sink, pathSession, pathHandle};
    router.handle(req, ctx, [&](json r) { reply = std::move(r); });
    runUntil([&] { return reply.has_value(); });
    return reply.value_or(json{{"janus", "no reply"}});
  }

  json adminRequest(const json& req, std::optional<std::uint64_t> pathSession = {},
                    std::optional<std::uint64_t> pathHandle = {}) {
    std::optional<json> reply;
    admin.handle(req, RequestContext{nullptr, pathSession, pathHandle}, [&](json r) { reply = std::move(r); });
    runUntil([&] { return reply.has_value(); });
    return reply.value_or(json{{"janus", "no reply"}});
  }

  json text(const std::string& body, ParseStyle style = ParseStyle::Rest) {
    std::optional<json> reply;
    router.handleText(body, style, RequestContext{sink, {}, {}}, [&](json r) { reply = std::move(r); });
    return reply.value_or(json{{"janus", "no reply"}});
  }

  /** Runs posted work (plugin results, events) until `done` or 5 s. */
  template <typename Pred>
  void runUntil(Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      loop.restart();
      loop.poll();
      if (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  /** Waits until `sink` holds at least `n` events. */
  void waitEvents(std::size_t n, const std::shared_ptr<RecordingSink>& s = nullptr) {
    auto& target = s ? *s : *sink;
    runUntil([&] { return target.events.size() >= n; });
  }
  /** Lets pending posted work run (e.g. to prove that nothing more arrives). */
  void settle() {
    for (int i = 0; i < 50; ++i) {
      loop.restart();
      loop.poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  std::uint64_t createSession() { return request({{"janus", "create"}, {"transaction", "c"}})["data"]["id"]; }
  std::uint64_t attach(std::uint64_t sid, const std::string& plugin = "janus.plugin.echotest") {
    return request({{"janus", "attach"}, {"transaction", "a"}, {"session_id", sid}, {"plugin", plugin}})["data"]["id"];
  }

  boost::asio::io_context loop;
  config::Config cfg;
  ManualClock clock;
  SessionRegistry registry{42};
  TokenStore tokens;
  PluginHost plugins;
  Router router;
  AdminRouter admin;
  std::shared_ptr<RecordingSink> sink = std::make_shared<RecordingSink>();
};

inline int errorCode(const json& reply) {
  return reply.contains("error") ? reply["error"]["code"].get<int>() : 0;
}
inline std::string errorReason(const json& reply) {
  return reply.contains("error") ? reply["error"]["reason"].get<std::string>() : "";
}

}  // namespace portunus::cp::test
