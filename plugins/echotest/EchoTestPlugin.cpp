#include "plugins/echotest/EchoTestPlugin.hpp"

#include "common/log/Log.hpp"
#include "controlplane/core/JanusError.hpp"

namespace portunus::plugins {

EchoTestPlugin::EchoTestPlugin(cp::MediaControl* media)
    : info_{"janus.plugin.echotest",
            "JANUS EchoTest plugin",  // the name clients see in `info`, as Janus has it
            "Portunus",
            "Echoes a PeerConnection's audio, video and data back to it (Janus EchoTest API).",
            "0.0.7",
            7},
      media_(media) {}

void EchoTestPlugin::createSession(cp::HandleId handle) {
  std::lock_guard lock(mutex_);
  states_[handle] = State{};
}

void EchoTestPlugin::destroySession(cp::HandleId handle) {
  std::lock_guard lock(mutex_);
  if (states_.erase(handle) == 0) throw cp::JanusError(cp::ErrorCode::PluginDetach, "No session for this handle");
}

void EchoTestPlugin::apply(State& s, const EchoTestRequest& r) {
  if (r.audio) s.audioActive = *r.audio;
  if (r.video) s.videoActive = *r.video;
  if (r.bitrate) s.bitrate = *r.bitrate;
  if (r.fallback) s.fallback = *r.fallback;
  if (r.substream) s.substreamTarget = static_cast<int>(*r.substream);
  if (r.temporal) s.temporalTarget = static_cast<int>(*r.temporal);
  // Playout-delay limits, in 10 ms units; a negative value switches the extension off.
  if (r.minDelay) {
    if (*r.minDelay < 0) {
      s.minDelay = s.maxDelay = -1;
    } else {
      s.minDelay = *r.minDelay;
      if (s.minDelay > s.maxDelay) s.maxDelay = s.minDelay;
    }
  }
  if (r.maxDelay) {
    if (*r.maxDelay < 0) {
      s.minDelay = s.maxDelay = -1;
    } else {
      s.maxDelay = *r.maxDelay;
      if (s.maxDelay < s.minDelay) s.minDelay = s.maxDelay;
    }
  }
  if (r.record) {
    s.recording = *r.record;
    s.recordBase = r.filename.value_or("");
  }
}

nlohmann::json EchoTestPlugin::answerOffer(cp::HandleId handle, const nlohmann::json& offer) {
  if (!media_ || !gateway_ || !gateway_->mediaAvailable())
    throw EchoTestError(EchoTestErrorCode::InvalidSdp, "Error processing offer: no WebRTC media layer to negotiate it");
  try {
    return media_->answerOffer(handle, offer, cp::AnswerPolicy{});
  } catch (const cp::MediaNegotiationError& e) {
    throw EchoTestError(EchoTestErrorCode::InvalidSdp, std::string("Error processing offer: ") + e.what());
  }
}

void EchoTestPlugin::pushLoopback(cp::HandleId handle, const State& state) {
  // `bitrate` becomes the REMB cap the dataplane sends the peer (0: none); switching video back on asks for a
  // keyframe. Both happen in the media layer (LoopbackPlan).
  if (media_) media_->setLoopback(handle, cp::LoopbackPolicy{state.audioActive, state.videoActive, state.bitrate});
}

cp::PluginResult EchoTestPlugin::handleMessage(const cp::PluginMessage& message) {
  nlohmann::json data = {{"echotest", "event"}};
  try {
    const auto request = parseEchoTestRequest(&message.body, message.jsep.has_value());
    State controls;
    {
      std::lock_guard lock(mutex_);
      auto it = states_.find(message.handle);
      if (it == states_.end()) return {nlohmann::json(nullptr), std::nullopt};
      State& s = it->second;
      apply(s, request);
      if (message.jsep) {
        const std::string sdp = message.jsep->value("sdp", "");
        s.hasAudio = sdp.find("m=audio") != std::string::npos;
        s.hasVideo = sdp.find("m=video") != std::string::npos;
        s.hasData = sdp.find("DTLS/SCTP") != std::string::npos;
        s.e2ee = message.jsep->value("e2ee", false);
      }
      controls = s;
    }
    if (message.jsep && message.jsep->value("type", "") == "offer") {
      nlohmann::json answer = answerOffer(message.handle, *message.jsep);
      pushLoopback(message.handle, controls);
      data["result"] = "ok";
      return {data, answer};
    }
    pushLoopback(message.handle, controls);
    data["result"] = "ok";
    return {data, std::nullopt};
  } catch (const EchoTestError& e) {
    PLOG(Debug, "echotest") << "handle " << message.handle << ": error " << e.number() << " " << e.what();
    data["error_code"] = e.number();
    data["error"] = e.what();
    return {data, std::nullopt};
  } catch (const nlohmann::json::exception& e) {
    // A field of a shape the request's checks let through (our bug): the client still gets its event, not silence.
    PLOG(Warn, "echotest") << "handle " << message.handle << ": request failed: " << e.what();
    data["error_code"] = static_cast<int>(EchoTestErrorCode::InvalidElement);
    data["error"] = std::string("Invalid element (") + e.what() + ")";
    return {data, std::nullopt};
  }
}

nlohmann::json EchoTestPlugin::queryHandle(cp::HandleId handle) {
  std::lock_guard lock(mutex_);
  auto it = states_.find(handle);
  if (it == states_.end()) return nullptr;
  const State& s = it->second;
  nlohmann::json info = {{"audio_active", s.audioActive},
                         {"video_active", s.videoActive},
                         {"bitrate", s.bitrate},
                         {"peer-bitrate", s.peerBitrate},
                         {"slowlink_count", s.slowlinkCount},
                         {"hangingup", s.hangingUp ? 1 : 0},
                         {"destroyed", 0}};
  if (s.e2ee) info["e2ee"] = true;
  if (s.recording) info["recording"] = {{"base", s.recordBase}};
  return info;
}

void EchoTestPlugin::setupMedia(cp::HandleId handle) {
  std::lock_guard lock(mutex_);
  if (auto it = states_.find(handle); it != states_.end()) it->second.hangingUp = false;
}

void EchoTestPlugin::hangupMedia(cp::HandleId handle) {
  {
    std::lock_guard lock(mutex_);
    auto it = states_.find(handle);
    if (it == states_.end() || it->second.hangingUp) return;
    // Reset the controls, as Janus does when the PeerConnection goes away.
    it->second = State{};
  }
  if (gateway_) gateway_->pushEvent(handle, std::nullopt, {{"echotest", "event"}, {"result", "done"}});
}

void EchoTestPlugin::slowLink(cp::HandleId handle, const std::string& /*mid*/, bool video, bool uplink) {
  nlohmann::json event;
  {
    std::lock_guard lock(mutex_);
    auto it = states_.find(handle);
    if (it == states_.end()) return;
    State& s = it->second;
    ++s.slowlinkCount;
    if (uplink || (video ? !s.videoActive : !s.audioActive)) return;
    event = {{"echotest", "event"}, {"event", "slow_link"}, {"media", video ? "video" : "audio"}};
    if (video) event["current-bitrate"] = s.bitrate;
  }
  if (gateway_) gateway_->pushEvent(handle, std::nullopt, std::move(event));
}

}  // namespace portunus::plugins
