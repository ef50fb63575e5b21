// The libnice adapter (STYLE lesson 9): one ICE agent with one stream and one component — everything is BUNDLEd
// and rtcp-mux'ed — on an IceLoop. Full ICE or ICE-lite, controlling or controlled, trickle both ways, consent
// freshness (RFC 7675), host candidates gathered on one configured address, optional port range, and the
// 1:1 NAT rewrite of what we advertise. It knows nothing of SDP, Janus or plugins.
//
// Threads: every public method may be called from any thread (they queue work on the loop, in order; send() is
// direct). Every callback runs on the loop thread. The destructor waits for the loop; never destroy an agent from
// inside one of its own callbacks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controlplane/webrtc/IceCandidate.hpp"
#include "controlplane/webrtc/IceLoop.hpp"

using NiceAgent = struct _NiceAgent;

namespace portunus::config {
struct NatConfig;
}

namespace portunus::cp {

enum class IceState : std::uint8_t { Disconnected, Gathering, Connecting, Connected, Ready, Failed };
std::string_view iceStateName(IceState state) noexcept;

/** The pair ICE selected: the dataplane transport's 5-tuple (UDP). `local_*` is our socket's address (the base
 *  address, before any 1:1 NAT rewrite). */
struct IceSelectedPair {
  std::string local_address;
  std::uint16_t local_port = 0;
  std::string remote_address;
  std::uint16_t remote_port = 0;
  IceCandidate::Type local_type = IceCandidate::Type::Host;
  IceCandidate::Type remote_type = IceCandidate::Type::Host;
};

struct IceAgentOptions {
  bool controlling = false;
  bool ice_lite = false;                     // we only answer checks (RFC 8445 §2.5); the peer must control
  bool consent_freshness = true;             // RFC 7675: lose consent → Failed
  std::string gather_address = "127.0.0.1";  // host candidates only on this address
  std::uint16_t port_min = 0;                // 0/0: the kernel picks
  std::uint16_t port_max = 0;
  std::vector<std::string> nat_1_1_mapping;  // public addresses advertised instead of the host address
  /** Failure timing (libnice's stun-initial-timeout, stun-max-retransmissions, idle-timeout); 0 keeps libnice's
   *  defaults (500 ms, 3, 5000 ms), with which an unreachable peer fails about 7 s after its end-of-candidates. */
  unsigned stun_initial_timeout_ms = 0;
  unsigned stun_max_retransmissions = 0;
  unsigned idle_timeout_ms = 0;
};

/** The options `nat:` implies for one PeerConnection; `gather_address` comes from `nat.ice_address`, or from the
 *  dataplane's exception address when that is empty (the caller passes it). */
IceAgentOptions iceAgentOptions(const config::NatConfig& nat, bool controlling, const std::string& default_address);

struct IceAgentCallbacks {
  std::function<void(const IceCandidate&)> on_local_candidate;  // each advertised local candidate, as gathered
  std::function<void()> on_gathering_done;
  std::function<void(IceState)> on_state;
  std::function<void(const IceSelectedPair&)> on_selected_pair;
  std::function<void(const std::string& reason)> on_failed;                   // once; reason "ICE failed"
  std::function<void(const std::uint8_t* data, std::size_t len)> on_receive;  // every datagram (STUN excluded)
};

/** libnice's own debug messages (its agent, STUN and pseudo-TCP) in our log as component `libnice`, or off (the
 *  default). Process-wide; any thread. */
void setLibniceDebug(bool on);

class IceAgent {
 public:
  /** Creates the agent and its stream on `loop` and generates our ICE credentials. Throws WebRtcError. */
  IceAgent(IceLoop& loop, IceAgentOptions options, IceAgentCallbacks callbacks);
  ~IceAgent();
  IceAgent(const IceAgent&) = delete;
  IceAgent& operator=(const IceAgent&) = delete;

  IceLoop& loop() const noexcept { return loop_; }
  const IceAgentOptions& options() const noexcept { return options_; }
  const std::string& localUfrag() const noexcept { return local_ufrag_; }
  const std::string& localPassword() const noexcept { return local_pwd_; }

  /** Starts gathering; local candidates arrive through on_local_candidate, then on_gathering_done. */
  void gather();
  /** The remote ICE credentials (from the remote description). Candidates added before them are kept. */
  void setRemoteCredentials(std::string ufrag, std::string pwd);
  /** One trickled or SDP remote candidate. Returns false (and ignores it) when we cannot use it: not UDP, not
   *  component 1, or not an IP literal (mDNS). */
  bool addRemoteCandidate(const IceCandidate& candidate);
  /** The remote side's `end-of-candidates`: ICE may now conclude that it failed. */
  void setRemoteEndOfCandidates();
  /** Sends one datagram on the selected pair (any thread). False when not connected or the socket refused it. */
  bool send(const std::uint8_t* data, std::size_t len) noexcept;

  /** Snapshots, safe from any thread. */
  IceState state() const noexcept;
  std::vector<IceCandidate> localCandidates() const;
  std::optional<IceSelectedPair> selectedPair() const;
  bool gatheringDone() const noexcept;
  /** What libnice itself reports (handle_info): consent freshness on, and full (not lite) mode. */
  bool consentFreshnessActive() const;
  bool fullMode() const;

 private:
  struct Glue;  // the GLib signal trampolines
  friend struct Glue;

  void create();
  void teardown();
  void applyRemoteCandidates();
  void onNewCandidate(void* nice_candidate);
  void onGatheringDone();
  void onStateChanged(unsigned state);
  void onSelectedPair(void* local, void* remote);
  void onReceive(const char* data, unsigned len);
  std::vector<IceCandidate> advertised(void* nice_candidate) const;

  IceLoop& loop_;
  IceAgentOptions options_;
  IceAgentCallbacks callbacks_;
  NiceAgent* agent_ = nullptr;
  unsigned stream_ = 0;
  std::string local_ufrag_;
  std::string local_pwd_;

  // Loop-thread state.
  bool have_remote_credentials_ = false;
  bool remote_eoc_ = false;
  bool failed_reported_ = false;
  std::vector<IceCandidate> pending_remote_;
  std::vector<unsigned long> handlers_;

  // Snapshots, guarded.
  mutable std::mutex snapshot_mutex_;
  IceState state_ = IceState::Disconnected;
  bool gathering_done_ = false;
  std::vector<IceCandidate> local_candidates_;
  std::optional<IceSelectedPair> selected_;
};

}  // namespace portunus::cp
