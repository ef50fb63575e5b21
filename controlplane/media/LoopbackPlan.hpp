// What a loopback policy (EchoTest) means for one PeerConnection's dataplane objects, decided without touching the
// dataplane so the rule is testable on its own: each inbound stream feeds the outbound stream of the same mid when
// its kind is switched on; a video route that comes into being (PC up, or video switched back on) wants a keyframe
// from the peer (PLI, as Janus's EchoTest asks on start and on re-enable); the REMB cap changes when the policy's
// bitrate differs from the one applied — lifting a cap (bitrate 0) sends Janus's "no cap" REMB of 10 Mbit/s, since
// a peer keeps obeying the last REMB it got.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/plugin/MediaControl.hpp"
#include "dataplane/DataplaneTypes.hpp"

namespace portunus::cp {

struct PlanStream {
  std::string mid;
  dp::MediaKind kind = dp::MediaKind::Audio;
  dp::StreamId id = dp::kInvalidId;
};
struct PlanRoute {
  dp::StreamId in = dp::kInvalidId;
  dp::StreamId out = dp::kInvalidId;
  dp::RouteId id = dp::kInvalidId;
};

/** The REMB Janus's EchoTest sends for `bitrate: 0`. */
constexpr std::uint64_t kUncappedRembBps = 10'000'000;

struct LoopbackPlan {
  std::vector<PlanRoute> add;               // in/out set, id unset
  std::vector<PlanRoute> remove;            // existing routes
  std::vector<dp::StreamId> keyframes;      // inbound streams to send a PLI for (after the routes are added)
  std::optional<std::uint64_t> bitrateCap;  // the REMB bitrate to send from now on, when it changes
};

LoopbackPlan planLoopback(const LoopbackPolicy& policy, const std::vector<PlanStream>& inbound,
                          const std::vector<PlanStream>& outbound, const std::vector<PlanRoute>& routes,
                          std::uint64_t appliedCap);  // the policy bitrate applied so far (0: none)

}  // namespace portunus::cp
