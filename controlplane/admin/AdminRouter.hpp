// The Admin/Monitor API (Janus admin.html): `admin_secret` on everything but info/ping, session and handle
// inspection, teardown, runtime setters and stored-token management.
#pragma once

#include <functional>

#include "controlplane/core/MediaSettings.hpp"
#include "controlplane/core/Router.hpp"

namespace portunus::cp {

class AdminRouter {
 public:
  /** Adds the dataplane's block to get_status (none until the dataplane is wired in). */
  using StatusProvider = std::function<json()>;

  explicit AdminRouter(Router& router) : router_(router) {}

  void handleText(std::string_view text, ParseStyle style, const RequestContext& ctx, const Reply& reply);
  void handle(const json& request, const RequestContext& ctx, const Reply& reply);

  void setDataplaneStatus(StatusProvider provider) { dataplane_ = std::move(provider); }
  /** The media layer's runtime settings (get_status, set_no_media_timer, set_slowlink_threshold,
   *  set_libnice_debug); without them those setters are 457 and get_status shows the `media:` config. */
  void setMediaSettings(MediaSettings* settings) { media_ = settings; }

 private:
  void handleGlobal(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  bool handleSetting(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  void handleTokens(const std::string& verb, const std::string& tx, const json& request, const Reply& reply);
  json status() const;

  Router& router_;
  StatusProvider dataplane_;
  MediaSettings* media_ = nullptr;
};

}  // namespace portunus::cp
