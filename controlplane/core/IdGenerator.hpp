#pragma once

#include <cstdint>
#include <random>

namespace portunus::cp {

/** Random positive ids below 2^53, so that JavaScript clients (janus.js) keep them exact in a double. */
class IdGenerator {
 public:
  IdGenerator() : engine_(std::random_device{}()) {}
  explicit IdGenerator(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return dist_(engine_); }

  static constexpr std::uint64_t kMax = (std::uint64_t{1} << 53) - 1;

 private:
  std::mt19937_64 engine_;
  std::uniform_int_distribution<std::uint64_t> dist_{1, kMax};
};

}  // namespace portunus::cp
