#include "controlplane/daemon/Daemon.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <csignal>
#include <iostream>

#include "common/log/Log.hpp"
#include "controlplane/admin/AdminRouter.hpp"
#include "controlplane/core/Router.hpp"
#include "controlplane/media/MediaService.hpp"
#include "controlplane/plugin/PluginHost.hpp"
#include "controlplane/transports/ApiServer.hpp"
#include "controlplane/webrtc/StunProbe.hpp"
#include "dataplane/Dataplane.hpp"
#include "plugins/echotest/EchoTestPlugin.hpp"
#include "plugins/videoroom/VideoRoomPlugin.hpp"

namespace portunus::cp {
namespace {

constexpr auto kWatchdogPeriod = std::chrono::seconds(2);  // as Janus's session watchdog
constexpr unsigned kClosedQueueTicks = 15;                 // uncollected REST events of dead sessions: ~30 s

}  // namespace

void validatePlugins(const config::Config& cfg) {
  for (const auto& [name, node] : cfg.plugins) {
    if (name == "janus.plugin.echotest" || name == "echotest") {
      // EchoTest has nothing to configure.
      config::MapReader reader(node, "plugins." + name);
      reader.finish();
    } else if (name == "janus.plugin.videoroom" || name == "videoroom") {
      plugins::videoroom::decodeVideoRoomConfig(node, "plugins." + name);
    } else {
      throw config::ConfigError("plugins." + name,
                                "unknown plugin (known: janus.plugin.echotest, janus.plugin.videoroom)");
    }
  }
}

namespace {

plugins::videoroom::VideoRoomConfig videoRoomConfig(const config::Config& cfg) {
  for (const auto& [name, node] : cfg.plugins)
    if (name == "janus.plugin.videoroom" || name == "videoroom")
      return plugins::videoroom::decodeVideoRoomConfig(node, "plugins." + name);
  return {};  // no section: Janus's sample demo room
}

}  // namespace

int runDaemon(const config::Config& cfg, const DaemonOptions& options) {
  boost::asio::io_context loop;
  SteadyClock clock;
  SessionRegistry registry;
  TokenStore tokens;

  // The dataplane comes up before anything listens: ICE gathers on its exception interface (DESIGN §3).
  // Each worker gets its own SRTP engine of the kind dataplane.srtp_engine selects.
  dp::Dataplane dataplane;
  if (cfg.dataplane.enabled) {
    dataplane.start(cfg.dataplane);
    std::cout << "portunusd: dataplane running (" << cfg.dataplane.workers.size() << " worker(s), srtp engine "
              << dataplane.engineName() << ", exception " << cfg.dataplane.exception.name << " "
              << cfg.dataplane.exception.address << ")" << std::endl;
  }
  MediaService media(
      cfg, [&loop](std::function<void()> fn) { boost::asio::post(loop, std::move(fn)); },
      cfg.dataplane.enabled ? &dataplane : nullptr);

  PluginHost plugins(loop, 2);
  plugins.add(std::make_shared<plugins::EchoTestPlugin>(&media));
  plugins.add(std::make_shared<plugins::videoroom::VideoRoomPlugin>(videoRoomConfig(cfg), &media));

  Router router(cfg, registry, tokens, plugins, clock);
  router.setTransports(ApiServer::transportInfo());
  media.setRouter(router);
  router.setMediaFactory(&media);
  AdminRouter admin(router);
  admin.setMediaSettings(&media.settings());
  admin.setLoopsInfo([&media] { return media.loopsInfo(); });
  admin.setStunTester([](const sockaddr* server, socklen_t len, std::uint16_t localPort) {
    return stunBinding(server, len, localPort, std::chrono::seconds(5));
  });
  admin.setDataplaneStatus([&media] { return media.dataplaneStats(); });
  ApiServer server(loop, router, admin, cfg.transports);
  if (options.longPollKeepaliveMs) server.setLongPollTimeout(std::chrono::milliseconds(*options.longPollKeepaliveMs));
  server.setMetrics([&media] { return media.prometheusText(); });

  for (const auto& line : server.start()) {
    std::cout << "portunusd: " << line << std::endl;
    PLOG(Info, "daemon") << line;
  }

  boost::asio::steady_timer watchdog(loop);
  std::function<void()> tick = [&] {
    watchdog.expires_after(kWatchdogPeriod);
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      router.sweep();
      server.longPolls().sweepClosed(kClosedQueueTicks);
      tick();
    });
  };
  tick();

  boost::asio::signal_set signals(loop, SIGINT, SIGTERM);
  boost::asio::steady_timer drain(loop);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    PLOG(Info, "daemon") << "signal " << signal << ": shutting down";
    watchdog.cancel();
    // As Janus on shutdown: every session gets `timeout`, then `detached` per handle, on its transport.
    router.shutdown();
    drain.expires_after(std::chrono::milliseconds(300));
    drain.async_wait([&](const boost::system::error_code&) {
      server.stop();  // WebSockets close after their queued messages are written
      drain.expires_after(std::chrono::milliseconds(300));
      drain.async_wait([&](const boost::system::error_code&) { loop.stop(); });
    });
  });

  loop.run();
  plugins.stop();
  media.stop();
  dataplane.stop();
  PLOG(Info, "daemon") << "stopped";
  return 0;
}

}  // namespace portunus::cp
