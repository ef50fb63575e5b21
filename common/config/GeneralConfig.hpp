#pragma once

#include <string>

namespace portunus::config {
class MapReader;

/** `general:` — sessions, auth and identity, as Janus's janus.jcfg `general` section. */
struct GeneralConfig {
  int session_timeout = 60;          // seconds; 0 disables the watchdog
  int reclaim_session_timeout = 0;   // seconds a WS session outlives its socket, waiting for `claim`
  int candidates_timeout = 45;       // seconds queued trickle candidates are kept
  std::string api_secret;            // empty: no api secret required
  bool token_auth = false;           // stored-token authentication (tokens managed by the admin API)
  std::string admin_secret = "janusoverlord";
  std::string server_name = "Portunus";
  std::string log_level = "info";    // trace, debug, info, warn, error, off (or Janus's 0..7)
  bool opaqueid_in_api = false;
  bool accept_new_sessions = true;
};

void decode(MapReader& in, GeneralConfig& out);

}  // namespace portunus::config
