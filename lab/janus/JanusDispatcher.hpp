// Correlates Janus API replies with the requests that caused them (janus-protocol.md §1.2/§1.3) and sorts every
// other message into an event for the session/handle callbacks. Pure logic, no I/O: the transports feed it parsed
// JSON, the client owns it on its io thread.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

namespace portunus::lab {

using Json = nlohmann::json;

/** How a request ends: `keepalive`/`trickle` end with their `ack`; a plugin `message` may be acked and answered
 * later by an `event` carrying the same transaction (and, over WS, that event may even overtake the ack). */
enum class ReplyPolicy : std::uint8_t { AckIsFinal, AckThenEvent };

/** The final answer to one request: `success`, `ack` (when final), the transaction's plugin `event`, or `error`. */
struct JanusResult {
  bool ok = false;
  int error_code = 0;  // Janus error code when !ok (JANUS_ERROR_*), or 0 when the transport failed
  std::string reason;
  Json message;  // the whole reply
};

/** An asynchronous message not consumed by a transaction: webrtcup, media, slowlink, hangup, detached, trickle,
 * timeout, plugin events without (or with an unknown) transaction. */
struct JanusEvent {
  std::string kind;  // the "janus" field
  std::uint64_t session_id = 0;
  std::uint64_t sender = 0;  // handle id, 0 for session-level events
  Json message;
};

class JanusDispatcher {
 public:
  using Completion = std::function<void(JanusResult)>;
  using EventSink = std::function<void(const JanusEvent&)>;

  /** What dispatch() did with one incoming message (for counters and tests). */
  enum class Outcome : std::uint8_t {
    Completed,  // a pending transaction got its final answer
    Acked,      // a pending AckThenEvent transaction was acked; its event is still to come
    Event,      // delivered to the event sink
    Keepalive,  // long-poll keepalive, nothing to do
    Stray,      // a reply to no pending transaction (late ack after the event, unknown transaction)
    Invalid,    // not a Janus message (no "janus" string)
  };

  explicit JanusDispatcher(EventSink sink) : sink_(std::move(sink)) {}

  /** Registers a request about to be sent. Throws std::invalid_argument if the transaction is already pending. */
  void expect(const std::string& transaction, ReplyPolicy policy, Completion completion);
  Outcome dispatch(const Json& message);
  /** Completes every pending transaction with a transport failure (connection lost, client closed). */
  void failAll(const std::string& reason);
  std::size_t pending() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    ReplyPolicy policy;
    bool acked = false;
    Completion completion;
  };
  Outcome complete(const std::string& transaction, JanusResult result);

  EventSink sink_;
  std::unordered_map<std::string, Pending> pending_;
};

std::string_view outcomeName(JanusDispatcher::Outcome outcome) noexcept;

}  // namespace portunus::lab
