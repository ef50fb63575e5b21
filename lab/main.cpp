// portunus-lab: see lab/cli/CliOptions.hpp for the command line and docs/lab.md for what it proves.
#include <iostream>

#include "common/log/Log.hpp"
#include "lab/cli/CliOptions.hpp"

int main(int argc, char** argv) {
  using namespace portunus::lab;
  try {
    CliCommand command = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
    if (command.name == "help") {
      std::cout << usageText();
      return 0;
    }
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "portunus-lab: " << e.what() << "\n" << usageText();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "portunus-lab: " << e.what() << "\n";
    return 1;
  }
}
