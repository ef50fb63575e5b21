// portunus-lab: see lab/cli/CliOptions.hpp for the command line and docs/lab.md for what it proves.
#include <fstream>
#include <iostream>

#include "common/log/Log.hpp"
#include "lab/cli/CliOptions.hpp"
#include "lab/cli/EchoTestCommand.hpp"
#include "lab/cli/LoadCommand.hpp"
#include "lab/cli/SimulcastCommand.hpp"
#include "lab/cli/VideoRoomCommand.hpp"

int main(int argc, char** argv) {
  using namespace portunus::lab;
  try {
    CliCommand command = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    if (command.name == "help") {
      std::cout << usageText();
      return 0;
    }
    const EchoTestOptions& o = command.echotest;
    const auto level = portunus::log::parseLevel(o.log_level);
    if (!level) throw UsageError("--log: unknown level '" + o.log_level + "'");
    portunus::log::setThreshold(*level);
    if (command.name == "load" && o.load_scenario == "echotest") {
      const LoadReport load = runLoad(o);
      std::cout << load.text() << std::flush;
      if (!o.json_path.empty()) {
        std::ofstream out(o.json_path);
        out << load.json().dump(2) << "\n";
        if (!out) throw std::runtime_error("cannot write " + o.json_path);
      }
      return load.passed() ? 0 : 1;
    }
    if (command.name == "videoroom" && o.simulcast) {
      const SimulcastReport simulcast = runVideoRoomSimulcast(o);
      std::cout << simulcast.text() << std::flush;
      if (!o.json_path.empty()) {
        std::ofstream out(o.json_path);
        out << simulcast.json().dump(2) << "\n";
        if (!out) throw std::runtime_error("cannot write " + o.json_path);
      }
      return simulcast.passed() ? 0 : 1;
    }
    const EchoTestReport report = command.name == "echotest" ? runEchoTest(o) : runVideoRoom(o);
    std::cout << report.text() << std::flush;
    if (!o.json_path.empty()) {
      std::ofstream out(o.json_path);
      out << report.json().dump(2) << "\n";
      if (!out) throw std::runtime_error("cannot write " + o.json_path);
    }
    return report.passed() ? 0 : 1;
  } catch (const UsageError& e) {
    std::cerr << "portunus-lab: " << e.what() << "\n" << usageText();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "portunus-lab: " << e.what() << "\n";
    return 1;
  }
}
