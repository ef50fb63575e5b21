// portunus-dp-harness CONFIG.yaml [FLOWS.yaml] [--set key.path=value ...]: starts dp::Dataplane from the `dataplane:`
// section of CONFIG, programs pre-keyed transports/streams/routes from FLOWS, runs until SIGTERM/SIGINT, then prints
// the counters as `name value` lines. Stands in for portunusd in the integration tests until the daemon wires the
// dataplane.
//
// FLOWS:
//   transports:
//     - local: 198.18.0.1:40000
//       remote: 198.18.0.2:5000
//       worker: 0
//       profile: AEAD_AES_128_GCM       # or SRTP_AES128_CM_SHA1_80, ...
//       rx_key: <hex master key + salt> # remote -> us
//       tx_key: <hex master key + salt> # us -> remote
//       inbound: [1111]                 # SSRCs
//       outbound: [2222]
//       echo: [[1111, 2222]]            # routes in -> out on this transport
#include <yaml-cpp/yaml.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include "common/config/Config.hpp"
#include "common/log/Log.hpp"
#include "dataplane/Dataplane.hpp"
#include "dataplane/EalPorts.hpp"
#include "dataplane/srtp/LibsrtpEngine.hpp"

using namespace portunus;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void onSignal(int) {
  g_stop = 1;
}

dp::Endpoint endpoint(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("expected ip:port, got " + s);
  dp::Endpoint e{dp::parseIpv4(s.substr(0, colon)), static_cast<std::uint16_t>(std::stoi(s.substr(colon + 1)))};
  if (!e.ip) throw std::runtime_error("bad address " + s);
  return e;
}

dp::SrtpKeyMaterial keyMaterial(dp::SrtpProfile p, const std::string& hex) {
  dp::SrtpKeyMaterial k;
  k.profile = p;
  const std::size_t kl = dp::masterKeyLength(p), sl = dp::masterSaltLength(p);
  if (hex.size() != 2 * (kl + sl)) throw std::runtime_error("key must be " + std::to_string(kl + sl) + " bytes hex");
  for (std::size_t i = 0; i < kl + sl; ++i) {
    const auto b = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    if (i < kl)
      k.master_key[i] = b;
    else
      k.master_salt[i - kl] = b;
  }
  return k;
}

void check(dp::ApiStatus s, const char* what) {
  if (s != dp::ApiStatus::Ok) throw std::runtime_error(std::string(what) + ": " + std::string(dp::apiStatusName(s)));
}

void program(dp::Dataplane& d, const YAML::Node& flows) {
  for (const auto& t : flows["transports"]) {
    const auto profile = dp::profileFromName(t["profile"].as<std::string>("AEAD_AES_128_GCM"));
    if (!profile) throw std::runtime_error("unknown profile");
    dp::TransportSpec spec;
    spec.local = endpoint(t["local"].as<std::string>());
    spec.remote = endpoint(t["remote"].as<std::string>());
    spec.worker = t["worker"].as<std::uint16_t>(0);
    spec.rx_keys = keyMaterial(*profile, t["rx_key"].as<std::string>());
    spec.tx_keys = keyMaterial(*profile, t["tx_key"].as<std::string>());
    dp::TransportId id = 0;
    check(d.addTransport(spec, id), "addTransport");
    std::map<std::uint32_t, dp::StreamId> in, out;
    for (const auto& s : t["inbound"]) {
      dp::InboundStreamSpec is;
      is.transport = id;
      is.ssrc = s.as<std::uint32_t>();
      check(d.addInboundStream(is, in[is.ssrc]), "addInboundStream");
    }
    for (const auto& s : t["outbound"]) {
      dp::OutboundStreamSpec os;
      os.transport = id;
      os.ssrc = s.as<std::uint32_t>();
      check(d.addOutboundStream(os, out[os.ssrc]), "addOutboundStream");
    }
    for (const auto& r : t["echo"]) {
      dp::RouteId rid = 0;
      check(d.addRoute(dp::RouteSpec{in.at(r[0].as<std::uint32_t>()), out.at(r[1].as<std::uint32_t>()), {}}, rid),
            "addRoute");
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: portunus-dp-harness CONFIG.yaml [FLOWS.yaml] [--set key.path=value ...]\n";
    return 2;
  }
  try {
    std::vector<std::string> overrides;
    std::string flows;
    for (int i = 2; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--set" && i + 1 < argc) {
        overrides.emplace_back(argv[++i]);
      } else {
        flows = a;
      }
    }
    const config::Config cfg = config::loadConfigFile(argv[1], overrides);
    dp::LibsrtpEngine engine;
    dp::Dataplane d;
    d.start(cfg.dataplane, engine);
    if (!flows.empty()) program(d, YAML::LoadFile(flows));
    if (!d.sync()) throw std::runtime_error("workers did not apply the flows");
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::cout << "ready" << std::endl;
    std::vector<dp::Event> events;
    while (!g_stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      events.clear();
      d.pollEvents(events);
      for (const auto& e : events) {
        if (e.type != dp::EventType::Trace) {
          PLOG(Info, "harness") << "event " << dp::eventName(e.type) << " id " << e.id << " value " << e.value;
        }
      }
    }
    const dp::StatsSnapshot st = d.stats();
    for (const auto& w : st.workers) {
      std::cout << "rx_packets " << w.rx_packets << "\ntx_packets " << w.tx_packets << "\nexception_in "
                << w.exception_in << "\nexception_out " << w.exception_out << "\n";
      for (const auto& [k, v] : w.punts)
        std::cout << "punt_" << k << " " << v << "\n";
      for (const auto& [k, v] : w.drops)
        std::cout << "drop_" << k << " " << v << "\n";
    }
    for (const auto& [id, s] : st.streams)
      std::cout << "stream_" << id << " in " << s.packets_in << " out " << s.packets_out << "\n";
    std::cout.flush();
    d.stop();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "portunus-dp-harness: " << e.what() << "\n";
    return 1;
  }
}
