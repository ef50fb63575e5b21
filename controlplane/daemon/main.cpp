// portunusd: the Portunus appliance daemon (Janus API control plane).
#include <iostream>

#include "common/config/Config.hpp"
#include "common/log/Log.hpp"
#include "controlplane/daemon/CommandLine.hpp"
#include "controlplane/daemon/Daemon.hpp"
#include "dataplane/srtp/SrtpEngineFactory.hpp"

int main(int argc, char** argv) {
  using namespace portunus;
  cp::CommandLine cli;
  try {
    cli = cp::parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const cp::UsageError& e) {
    std::cerr << "portunusd: " << e.what() << "\n" << cp::usage();
    return 2;
  }
  if (cli.help) {
    std::cout << cp::usage();
    return 0;
  }
  if (cli.version) {
    std::cout << "portunusd 0.1.0 (Janus API 1.1.2)\n";
    return 0;
  }
  config::Config cfg;
  try {
    cfg = cli.configFile.empty() ? config::loadConfigText("", cli.overrides, "<defaults>")
                                 : config::loadConfigFile(cli.configFile, cli.overrides);
    cp::validatePlugins(cfg);
    if (cfg.dataplane.enabled) dp::resolveSrtpEngine(cfg.dataplane.srtp_engine);  // ipsec-mb without support
  } catch (const config::ConfigError& e) {
    std::cerr << "portunusd: configuration error: " << e.what() << "\n";
    return 1;
  }
  if (cli.checkConfig) {
    std::cout << "portunusd: configuration OK\n";
    return 0;
  }
  log::setThreshold(*log::parseLevel(cli.logLevel.value_or(cfg.general.log_level)));
  try {
    return cp::runDaemon(cfg, cp::DaemonOptions{cli.longPollKeepaliveMs});
  } catch (const std::exception& e) {
    std::cerr << "portunusd: " << e.what() << "\n";
    return 1;
  }
}
