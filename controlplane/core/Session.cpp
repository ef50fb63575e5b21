#include "controlplane/core/Session.hpp"

namespace portunus::cp {

void Session::bind(const std::shared_ptr<EventSink>& sink) {
  auto old = sink_.lock();
  if (old && old != sink) old->sessionClosed(id_);
  sink_ = sink;
  transportName_ = sink ? std::string(sink->transportName()) : std::string();
  transportGone_ = !sink;
}

bool Session::boundTo(const EventSink* sink) const {
  auto current = sink_.lock();
  return current && current.get() == sink;
}

std::string Session::transportName() const {
  return transportName_;
}

void Session::send(const nlohmann::json& message) const {
  if (transportGone_) return;
  if (auto sink = sink_.lock()) sink->deliver(id_, message);
}

void Session::close() const {
  if (auto sink = sink_.lock()) sink->sessionClosed(id_);
}

std::shared_ptr<Handle> Session::handle(std::uint64_t id) const {
  auto it = handles_.find(id);
  return it == handles_.end() ? nullptr : it->second;
}

}  // namespace portunus::cp
