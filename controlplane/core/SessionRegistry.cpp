#include "controlplane/core/SessionRegistry.hpp"

#include "controlplane/core/JanusError.hpp"

namespace portunus::cp {

std::uint64_t SessionRegistry::freshId() {
  for (;;) {
    const std::uint64_t id = ids_.next();
    if (!sessions_.contains(id) && !handleIndex_.contains(id)) return id;
  }
}

std::shared_ptr<Session> SessionRegistry::create(Clock::time_point now, std::uint64_t requested) {
  if (requested != 0 && (sessions_.contains(requested) || handleIndex_.contains(requested)))
    throw JanusError(ErrorCode::SessionConflict, "Session ID already in use");
  const std::uint64_t id = requested != 0 ? requested : freshId();
  auto session = std::make_shared<Session>(id, now);
  sessions_.emplace(id, session);
  return session;
}

std::shared_ptr<Session> SessionRegistry::find(std::uint64_t sessionId) const {
  auto it = sessions_.find(sessionId);
  return it == sessions_.end() ? nullptr : it->second;
}

void SessionRegistry::erase(std::uint64_t sessionId) {
  auto it = sessions_.find(sessionId);
  if (it == sessions_.end()) return;
  for (const auto& [hid, handle] : it->second->handles())
    handleIndex_.erase(hid);
  sessions_.erase(it);
}

std::shared_ptr<Handle> SessionRegistry::attach(Session& session, Plugin& plugin, std::string opaqueId,
                                                long long createdUs) {
  const std::uint64_t id = freshId();
  auto handle = std::make_shared<Handle>(id, session.id(), plugin, std::move(opaqueId), createdUs);
  session.handles().emplace(id, handle);
  handleIndex_.emplace(id, handle);
  return handle;
}

std::shared_ptr<Handle> SessionRegistry::detach(Session& session, std::uint64_t handleId) {
  auto it = session.handles().find(handleId);
  if (it == session.handles().end()) return nullptr;
  auto handle = it->second;
  session.handles().erase(it);
  return handle;
}

void SessionRegistry::release(std::uint64_t handleId) {
  handleIndex_.erase(handleId);
}

std::shared_ptr<Handle> SessionRegistry::indexed(std::uint64_t handleId) const {
  auto it = handleIndex_.find(handleId);
  return it == handleIndex_.end() ? nullptr : it->second;
}

std::vector<std::uint64_t> SessionRegistry::sessionIds() const {
  std::vector<std::uint64_t> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_)
    out.push_back(id);
  return out;
}

std::size_t SessionRegistry::handleCount() const noexcept {
  std::size_t n = 0;
  for (const auto& [id, s] : sessions_)
    n += s->handles().size();
  return n;
}

}  // namespace portunus::cp
