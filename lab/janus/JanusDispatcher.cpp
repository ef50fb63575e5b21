#include "lab/janus/JanusDispatcher.hpp"

#include <stdexcept>

namespace portunus::lab {

namespace {

std::uint64_t idField(const Json& message, const char* name) {
  auto it = message.find(name);
  if (it == message.end() || !it->is_number_unsigned()) return 0;
  return it->get<std::uint64_t>();
}

}  // namespace

void JanusDispatcher::expect(const std::string& transaction, ReplyPolicy policy, Completion completion) {
  auto [it, inserted] = pending_.try_emplace(transaction, Pending{policy, false, std::move(completion)});
  if (!inserted) throw std::invalid_argument("transaction already pending: " + transaction);
}

JanusDispatcher::Outcome JanusDispatcher::complete(const std::string& transaction, JanusResult result) {
  auto it = pending_.find(transaction);
  if (it == pending_.end()) return Outcome::Stray;
  Completion completion = std::move(it->second.completion);
  pending_.erase(it);
  if (completion) completion(std::move(result));
  return Outcome::Completed;
}

JanusDispatcher::Outcome JanusDispatcher::dispatch(const Json& message) {
  if (!message.is_object()) return Outcome::Invalid;
  auto kindIt = message.find("janus");
  if (kindIt == message.end() || !kindIt->is_string()) return Outcome::Invalid;
  const std::string kind = kindIt->get<std::string>();
  std::string transaction;
  if (auto t = message.find("transaction"); t != message.end() && t->is_string()) transaction = t->get<std::string>();

  if (kind == "keepalive" && transaction.empty()) return Outcome::Keepalive;  // REST long-poll idle reply

  if (!transaction.empty()) {
    auto it = pending_.find(transaction);
    if (kind == "success" || kind == "server_info" || kind == "pong") {
      return complete(transaction, JanusResult{true, 0, {}, message});
    }
    if (kind == "error") {
      const Json& error = message.value("error", Json::object());
      return complete(transaction, JanusResult{false, error.value("code", 490), error.value("reason", ""), message});
    }
    if (kind == "ack") {
      if (it == pending_.end()) return Outcome::Stray;
      if (it->second.policy == ReplyPolicy::AckIsFinal) return complete(transaction, JanusResult{true, 0, {}, message});
      it->second.acked = true;
      return Outcome::Acked;
    }
    if (kind == "event" && it != pending_.end() && it->second.policy == ReplyPolicy::AckThenEvent) {
      return complete(transaction, JanusResult{true, 0, {}, message});
    }
  }
  if (kind == "success" || kind == "ack" || kind == "error") return Outcome::Stray;

  if (sink_) sink_(JanusEvent{kind, idField(message, "session_id"), idField(message, "sender"), message});
  return Outcome::Event;
}

void JanusDispatcher::failAll(const std::string& reason) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [transaction, p] : pending) {
    if (p.completion) p.completion(JanusResult{false, 0, reason, Json()});
  }
}

std::string_view outcomeName(JanusDispatcher::Outcome outcome) noexcept {
  switch (outcome) {
    case JanusDispatcher::Outcome::Completed:
      return "completed";
    case JanusDispatcher::Outcome::Acked:
      return "acked";
    case JanusDispatcher::Outcome::Event:
      return "event";
    case JanusDispatcher::Outcome::Keepalive:
      return "keepalive";
    case JanusDispatcher::Outcome::Stray:
      return "stray";
    case JanusDispatcher::Outcome::Invalid:
      return "invalid";
  }
  return "?";
}

}  // namespace portunus::lab
