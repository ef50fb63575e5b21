#include "controlplane/media/SlowLinkDetector.hpp"

namespace portunus::cp {

std::optional<std::uint64_t> SlowLinkDetector::update(std::uint32_t id, std::uint64_t cumulativeLost) {
  std::uint64_t& last = last_[id];
  const std::uint64_t recent = cumulativeLost >= last ? cumulativeLost - last : 0;
  last = cumulativeLost;
  if (threshold_ > 0 && recent >= threshold_) return recent;
  return std::nullopt;
}

}  // namespace portunus::cp
