// Test support: two real libnice agents on 127.0.0.1 that trickle candidates to each other, with the events each
// one saw, and a way to wait for a condition with a deadline.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "controlplane/webrtc/IceAgent.hpp"
#include "controlplane/webrtc/IceLoopPool.hpp"

namespace portunus::cp::test {

/** One side: the agent plus everything its callbacks reported. */
struct IceEndpoint {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<IceCandidate> candidates;
  bool gathered = false;
  std::optional<IceSelectedPair> pair;
  std::vector<IceState> states;
  std::vector<std::string> failures;
  std::vector<std::string> received;
  std::function<void(const std::uint8_t*, std::size_t)> on_data;  // replaces `received` when set
  IceEndpoint* peer = nullptr;                                    // where our candidates are trickled to
  bool trickle = true;
  std::unique_ptr<IceAgent> agent;

  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, [&] { return pred(*this); });
  }

  void notify(const std::function<void(IceEndpoint&)>& update) {
    {
      std::lock_guard lock(mutex);
      update(*this);
    }
    changed.notify_all();
  }

  void start(IceLoop& loop, IceAgentOptions options) {
    IceAgentCallbacks cb;
    cb.on_local_candidate = [this](const IceCandidate& c) {
      notify([&](IceEndpoint& e) { e.candidates.push_back(c); });
      if (trickle && peer && peer->agent) peer->agent->addRemoteCandidate(c);
    };
    cb.on_gathering_done = [this] {
      notify([](IceEndpoint& e) { e.gathered = true; });
      if (trickle && peer && peer->agent) peer->agent->setRemoteEndOfCandidates();
    };
    cb.on_state = [this](IceState s) { notify([&](IceEndpoint& e) { e.states.push_back(s); }); };
    cb.on_selected_pair = [this](const IceSelectedPair& p) { notify([&](IceEndpoint& e) { e.pair = p; }); };
    cb.on_failed = [this](const std::string& reason) { notify([&](IceEndpoint& e) { e.failures.push_back(reason); }); };
    cb.on_receive = [this](const std::uint8_t* data, std::size_t len) {
      if (on_data) {
        on_data(data, len);
        return;
      }
      notify([&](IceEndpoint& e) { e.received.emplace_back(reinterpret_cast<const char*>(data), len); });
    };
    agent = std::make_unique<IceAgent>(loop, std::move(options), std::move(cb));
  }

  bool connected() const {
    return pair.has_value() && !states.empty() &&
           (states.back() == IceState::Connected || states.back() == IceState::Ready);
  }
};

inline IceAgentOptions loopbackOptions(bool controlling) {
  IceAgentOptions o;
  o.controlling = controlling;
  o.gather_address = "127.0.0.1";
  return o;
}

/** Connects `a` (controlling) and `b` with trickled candidates. Candidates reach the other side before its remote
 *  credentials do (they are queued), as when a browser trickles before the offer is processed. */
inline bool connectPeers(IceEndpoint& a, IceEndpoint& b, IceLoop& la, IceLoop& lb, IceAgentOptions oa,
                         IceAgentOptions ob, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  a.peer = &b;
  b.peer = &a;
  a.start(la, std::move(oa));
  b.start(lb, std::move(ob));
  a.agent->gather();
  b.agent->gather();
  a.waitFor([](IceEndpoint& e) { return e.gathered; });
  b.waitFor([](IceEndpoint& e) { return e.gathered; });
  a.agent->setRemoteCredentials(b.agent->localUfrag(), b.agent->localPassword());
  b.agent->setRemoteCredentials(a.agent->localUfrag(), a.agent->localPassword());
  return a.waitFor([](IceEndpoint& e) { return e.connected(); }, timeout) &&
         b.waitFor([](IceEndpoint& e) { return e.connected(); }, timeout);
}

}  // namespace portunus::cp::test
