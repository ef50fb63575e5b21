// Reads the captured-style SDP fixtures of tests/data/sdp/ (path compiled in by tests/unit/meson.build).
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace portunus::sdp::testing {

inline std::string readFixture(const std::string& name) {
  const std::string path = std::string(PORTUNUS_SDP_FIXTURES) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace portunus::sdp::testing
