#include "controlplane/media/LoopbackPlan.hpp"

#include <algorithm>

namespace portunus::cp {

LoopbackPlan planLoopback(const LoopbackPolicy& policy, const std::vector<PlanStream>& inbound,
                          const std::vector<PlanStream>& outbound, const std::vector<PlanRoute>& routes,
                          std::uint64_t appliedCap) {
  LoopbackPlan plan;
  for (const auto& in : inbound) {
    auto out = std::find_if(outbound.begin(), outbound.end(), [&](const PlanStream& o) { return o.mid == in.mid; });
    if (out == outbound.end()) continue;
    const bool wanted = in.kind == dp::MediaKind::Audio ? policy.audio : policy.video;
    auto route = std::find_if(routes.begin(), routes.end(),
                              [&](const PlanRoute& r) { return r.in == in.id && r.out == out->id; });
    if (wanted && route == routes.end()) {
      plan.add.push_back({in.id, out->id, dp::kInvalidId});
      if (in.kind == dp::MediaKind::Video) plan.keyframes.push_back(in.id);
    } else if (!wanted && route != routes.end()) {
      plan.remove.push_back(*route);
    }
  }
  if (policy.bitrateCap != appliedCap) plan.bitrateCap = policy.bitrateCap ? policy.bitrateCap : kUncappedRembBps;
  return plan;
}

}  // namespace portunus::cp
