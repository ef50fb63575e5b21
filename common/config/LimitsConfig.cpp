#include "common/config/LimitsConfig.hpp"

#include "common/config/ConfigReader.hpp"

namespace portunus::config {

void decode(MapReader& in, LimitsConfig& out) {
  in.get("max_sessions", out.max_sessions, 0, 10'000'000);
  in.get("max_handles_per_session", out.max_handles_per_session, 0, 100'000);
  in.get("max_long_polls_per_session", out.max_long_polls_per_session, 0, 1000);
  in.get("max_pending_trickles", out.max_pending_trickles, 0, 100'000);
  in.get("max_peerconnections", out.max_peerconnections, 0, 10'000'000);
  in.get("request_rate", out.request_rate, 0, 10'000'000);
  in.get("request_burst", out.request_burst, 0, 10'000'000);
  if (out.request_rate > 0 && out.request_burst == 0) in.fail("request_burst", "must be > 0 when request_rate is set");
  in.finish();
}

}  // namespace portunus::config
