// libFuzzer target for the Janus client and Admin APIs without a network: request text → the real Router (real
// session registry, token store and plugin host with the EchoTest plugin) → reply. The input is up to 16 requests,
// one per line, run in order in one fresh session with one EchoTest handle whose ids replace `$S` and `$H`; a line's
// first character picks the entry point: `a` the Admin API, `w` the WebSocket parse style, `s` REST with the
// session in the path, `h` REST with session and handle in the path, anything else plain REST (`{...}` included).
//
// Invariants besides "no crash, no leak": every request gets exactly one reply, and it is a JSON object with a
// string `janus`. After each input every session is torn down as on shutdown, so inputs do not pile up state.
#include <netdb.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/config/Config.hpp"
#include "common/log/Log.hpp"
#include "controlplane/admin/AdminRouter.hpp"
#include "controlplane/core/Clock.hpp"
#include "controlplane/core/Envelope.hpp"
#include "controlplane/core/Router.hpp"
#include "plugins/echotest/EchoTestPlugin.hpp"

namespace {

using namespace portunus::cp;

class CollectingSink final : public EventSink {
 public:
  void deliver(std::uint64_t, const json& message) override {
    if (!message.is_object()) std::abort();
    ++events;
  }
  void sessionClosed(std::uint64_t) override {}
  std::string_view transportName() const override { return "fuzz.transport"; }
  std::size_t events = 0;
};

struct Api {
  Api()
      : cfg(portunus::config::loadConfigText("general: {log_level: error}")),
        plugins(loop, 1),
        router((plugins.add(std::make_shared<portunus::plugins::EchoTestPlugin>()), cfg), registry, tokens, plugins,
               clock),
        admin(router),
        general(router.general()) {
    // resolve_address / test_stun: numeric addresses only, so that no fuzzed name ever reaches a DNS server.
    admin.setResolver(
        [](const std::string& address) { return AdminRouter::resolveWithGetaddrinfo(address, AI_NUMERICHOST); });
  }

  /** One request; runs the loop until its reply (the plugin answers from its worker) and checks it. */
  json request(std::string_view text, char entry, std::uint64_t session, std::uint64_t handle) {
    std::size_t replies = 0;
    json last;
    const Reply reply = [&](json r) {
      ++replies;
      last = std::move(r);
    };
    switch (entry) {
      case 'a':
        admin.handleText(text, ParseStyle::Rest, RequestContext{nullptr, {}, {}}, reply);
        break;
      case 'w':
        router.handleText(text, ParseStyle::WebSocket, RequestContext{sink, {}, {}}, reply);
        break;
      case 's':
        router.handleText(text, ParseStyle::Rest, RequestContext{sink, session, {}}, reply);
        break;
      case 'h':
        router.handleText(text, ParseStyle::Rest, RequestContext{sink, session, handle}, reply);
        break;
      default:
        router.handleText(text, ParseStyle::Rest, RequestContext{sink, {}, {}}, reply);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (replies == 0 && std::chrono::steady_clock::now() < deadline)
      run();
    if (replies != 1) std::abort();
    if (!last.is_object() || !last.contains("janus") || !last["janus"].is_string()) std::abort();
    return last;
  }

  void run() {
    loop.restart();
    if (loop.poll() == 0) std::this_thread::yield();
  }

  /** Every session expires (as on shutdown); plugin work finishes; settings the Admin API changed are restored. */
  void reset() {
    router.shutdown();
    for (int i = 0; i < 4; ++i)
      run();
    router.general() = general;
    tokens = TokenStore{};
    portunus::log::setThreshold(portunus::log::Level::Error);
    portunus::log::setTimestamps(true);
    portunus::log::setColors(false);
  }

  boost::asio::io_context loop;
  portunus::config::Config cfg;
  ManualClock clock;
  SessionRegistry registry{42};
  TokenStore tokens;
  PluginHost plugins;
  Router router;
  AdminRouter admin;
  portunus::config::GeneralConfig general;
  std::shared_ptr<CollectingSink> sink = std::make_shared<CollectingSink>();
};

std::string substitute(std::string_view line, std::uint64_t session, std::uint64_t handle) {
  std::string out;
  out.reserve(line.size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '$' && i + 1 < line.size() && (line[i + 1] == 'S' || line[i + 1] == 'H')) {
      out += std::to_string(line[i + 1] == 'S' ? session : handle);
      ++i;
    } else {
      out += line[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Api* api = [] {
    portunus::log::setThreshold(portunus::log::Level::Error);
    return new Api();
  }();
  const json created = api->request(R"({"janus":"create","transaction":"c"})", 'r', 0, 0);
  const std::uint64_t session = created["data"]["id"];
  const json attached =
      api->request(R"({"janus":"attach","transaction":"a","plugin":"janus.plugin.echotest","session_id":)" +
                       std::to_string(session) + "}",
                   'r', 0, 0);
  const std::uint64_t handle = attached["data"]["id"];

  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (int n = 0; n < 16 && !input.empty(); ++n) {
    const std::size_t eol = input.find('\n');
    std::string_view line = input.substr(0, eol);
    input = eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);
    char entry = 'r';
    if (!line.empty() && (line[0] == 'a' || line[0] == 'w' || line[0] == 's' || line[0] == 'h')) {
      entry = line[0];
      line.remove_prefix(1);
    }
    const std::string text = substitute(line, session, handle);
    // The WebSocket transport reads a message as a sequence of JSON texts: its parts are contiguous and cover it.
    std::size_t covered = 0;
    for (const std::string_view part : portunus::cp::splitJsonSequence(text)) {
      if (part.data() != text.data() + covered) std::abort();
      covered += part.size();
    }
    if (covered != text.size()) std::abort();
    (void)api->request(text, entry, session, handle);
  }
  api->reset();
  return 0;
}
