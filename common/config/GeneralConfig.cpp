#include "common/config/GeneralConfig.hpp"

#include "common/config/ConfigReader.hpp"
#include "common/log/Log.hpp"

namespace portunus::config {

void decode(MapReader& in, GeneralConfig& out) {
  in.get("session_timeout", out.session_timeout, 0, 86400);
  in.get("reclaim_session_timeout", out.reclaim_session_timeout, 0, 86400);
  in.get("candidates_timeout", out.candidates_timeout, 1, 3600);
  in.get("api_secret", out.api_secret);
  in.get("token_auth", out.token_auth);
  in.get("admin_secret", out.admin_secret);
  in.get("server_name", out.server_name);
  in.get("log_level", out.log_level);
  if (!log::parseLevel(out.log_level)) in.fail("log_level", "'" + out.log_level + "' is not a log level");
  in.get("opaqueid_in_api", out.opaqueid_in_api);
  in.get("accept_new_sessions", out.accept_new_sessions);
  in.finish();
}

}  // namespace portunus::config
