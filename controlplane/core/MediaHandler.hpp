// The hook through which a handle owns its one PeerConnection. The WebRTC layer (controlplane/webrtc/) implements
// it; the core only queues trickled candidates until a handler is ready, forwards hangups and reports its info.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>

namespace portunus::cp {

class Handle;

class MediaHandler {
 public:
  virtual ~MediaHandler() = default;
  /** True once the remote description is applied: trickled candidates then go to ICE at once. */
  virtual bool readyForCandidates() const = 0;
  /** One trickled candidate object (`{candidate,sdpMid,sdpMLineIndex}`) or `{"completed":true}`. */
  virtual void addRemoteCandidate(const nlohmann::json& candidate) = 0;
  /** Tears the PeerConnection down; the handler reports the `hangup` event through its own path. */
  virtual void hangup(std::string_view reason) = 0;
  /** True while the PeerConnection is going away on its own (transport failed, hangup posted): Janus's
   *  "cleaning" state, in which trickles and new offers get 471. */
  virtual bool closing() const { return false; }
  /** Media keys of Admin `handle_info` (agent-created, ice-mode, webrtc{...}, ...). */
  virtual nlohmann::json info() const = 0;
};

/** Creates the PeerConnection of a handle when a JSEP offer or answer needs one. Absent until WebRTC is wired. */
class MediaHandlerFactory {
 public:
  virtual ~MediaHandlerFactory() = default;
  virtual std::unique_ptr<MediaHandler> create(Handle& handle) = 0;
};

}  // namespace portunus::cp
