// janus.plugin.echotest: echoes a PeerConnection's media back to it. This part is the request handling (state per
// handle, validation, events); the media itself is routed by the dataplane once the WebRTC layer negotiates.
#pragma once

#include <map>
#include <mutex>

#include "controlplane/plugin/MediaControl.hpp"
#include "controlplane/plugin/Plugin.hpp"
#include "plugins/echotest/EchoTestRequest.hpp"

namespace portunus::plugins {

class EchoTestPlugin final : public cp::Plugin {
 public:
  /** `media`: the media layer that answers offers and routes the echo (none: offers are refused with 414). */
  explicit EchoTestPlugin(cp::MediaControl* media = nullptr);

  const cp::PluginInfo& info() const override { return info_; }
  void init(cp::PluginGateway& gateway) override { gateway_ = &gateway; }
  void createSession(cp::HandleId handle) override;
  void destroySession(cp::HandleId handle) override;
  std::optional<std::string> asyncHint(const cp::PluginMessage&) const override { return "I'm taking my time!"; }
  cp::PluginResult handleMessage(const cp::PluginMessage& message) override;
  nlohmann::json handleAdminMessage(const nlohmann::json& request) override { return request; }
  nlohmann::json queryHandle(cp::HandleId handle) override;
  void setupMedia(cp::HandleId handle) override;
  void hangupMedia(cp::HandleId handle) override;
  /** Janus's EchoTest: counts it; on the downlink (what we echo toward the peer) tells the application with a
   *  `slow_link` event carrying the current bitrate cap, unless that medium is switched off (losses expected). */
  void slowLink(cp::HandleId handle, const std::string& mid, bool video, bool uplink) override;

 private:
  struct State {
    bool audioActive = true;
    bool videoActive = true;
    bool hasAudio = false;
    bool hasVideo = false;
    bool hasData = false;
    std::uint64_t bitrate = 0;
    std::uint64_t peerBitrate = 0;
    int substreamTarget = 2;
    int temporalTarget = 2;
    std::uint64_t fallback = 0;
    std::int64_t minDelay = -1;
    std::int64_t maxDelay = -1;
    bool recording = false;
    std::string recordBase;
    bool e2ee = false;
    int slowlinkCount = 0;
    bool hangingUp = false;
  };

  void apply(State& state, const EchoTestRequest& request);
  /** Answers an offer through the media layer (sendrecv: the echo mirrors every m-line); without one, an offer
   *  cannot get media and is refused with the plugin's SDP error (414). */
  nlohmann::json answerOffer(cp::HandleId handle, const nlohmann::json& offer);

  cp::PluginInfo info_;
  /** Echo routes for the handle's PeerConnection from its current controls (bitrate kept as the REMB cap ask). */
  void pushLoopback(cp::HandleId handle, const State& state);

  cp::MediaControl* media_ = nullptr;
  cp::PluginGateway* gateway_ = nullptr;
  std::mutex mutex_;
  std::map<cp::HandleId, State> states_;
};

}  // namespace portunus::plugins
