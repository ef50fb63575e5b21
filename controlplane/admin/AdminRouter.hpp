// The Admin/Monitor API (Janus admin.html): `admin_secret` on everything but info/ping, session and handle
// inspection, teardown, runtime setters and stored-token management.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "controlplane/core/MediaSettings.hpp"
#include "controlplane/core/Router.hpp"
#include "controlplane/webrtc/StunProbe.hpp"

namespace boost::asio {
class thread_pool;
}

namespace portunus::cp {

class AdminRouter {
 public:
  /** Adds the dataplane's block to get_status (none until the dataplane is wired in). */
  using StatusProvider = std::function<json()>;
  /** test_stun's STUN Binding transaction toward a resolved server from a local port (0: any); blocking. */
  using StunTester = std::function<std::optional<StunMapping>(const sockaddr*, socklen_t, std::uint16_t localPort)>;

  explicit AdminRouter(Router& router);
  ~AdminRouter();
  AdminRouter(const AdminRouter&) = delete;
  AdminRouter& operator=(const AdminRouter&) = delete;

  void handleText(std::string_view text, ParseStyle style, const RequestContext& ctx, const Reply& reply);
  void handle(const json& request, const RequestContext& ctx, const Reply& reply);

  void setDataplaneStatus(StatusProvider provider) { dataplane_ = std::move(provider); }
  /** The media layer's runtime settings (get_status, set_no_media_timer, set_slowlink_threshold,
   *  set_libnice_debug); without them those setters are 457 and get_status shows the `media:` config. */
  void setMediaSettings(MediaSettings* settings) { media_ = settings; }
  /** loops_info's list ([{id, handles}], one entry per ICE event loop); without it the list is empty, as Janus's
   *  without static loops. */
  void setLoopsInfo(StatusProvider provider) { loops_ = std::move(provider); }
  /** How resolve_address and test_stun turn `address` into an IPv4/IPv6 socket address (port 0); nothing when it
   *  names none. Blocking. */
  using Resolver = std::function<std::optional<sockaddr_storage>(const std::string& address)>;
  /** getaddrinfo's first answer, as Janus resolves (`flags`: the hints' ai_flags, e.g. AI_NUMERICHOST). */
  static std::optional<sockaddr_storage> resolveWithGetaddrinfo(const std::string& address, int flags = 0);
  /** The resolver (default resolveWithGetaddrinfo; the API fuzzer, which must not reach a DNS server, sets a
   *  numeric-only one). */
  void setResolver(Resolver resolver) { resolve_ = std::move(resolver); }
  /** test_stun's transaction; without it test_stun is 457. */
  void setStunTester(StunTester tester) { stun_ = std::move(tester); }

 private:
  void handleGlobal(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  bool handleTool(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  bool handleSetting(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  void handleTokens(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  json status() const;

  Router& router_;
  StatusProvider dataplane_;
  MediaSettings* media_ = nullptr;
  StatusProvider loops_;
  StunTester stun_;
  Resolver resolve_ = [](const std::string& address) { return resolveWithGetaddrinfo(address); };
  // resolve_address and test_stun block (a silent STUN server: 5 s): they run here, one at a time, not on a plugin
  // worker, whose requests would wait behind them.
  std::unique_ptr<boost::asio::thread_pool> probes_;
};

}  // namespace portunus::cp
