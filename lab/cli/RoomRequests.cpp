#include "lab/cli/RoomRequests.hpp"

#include <chrono>
#include <stdexcept>

#include "common/log/Log.hpp"

namespace portunus::lab {

Json pluginData(const Json& message) {
  return message.value("plugindata", Json::object()).value("data", Json::object());
}

const Json& expectOk(const Json& message, const std::string& what) {
  const Json data = pluginData(message);
  if (data.contains("error"))
    throw std::runtime_error(what + ": plugin error " + std::to_string(data.value("error_code", 0)) + ": " +
                             data["error"].get<std::string>());
  return message;
}

Json joinAndStart(JanusClient& client, std::uint64_t session, std::uint64_t handle, std::uint64_t room,
                  const Json& streams, LabPeer& peer, const std::string& label) {
  const Json attached =
      expectOk(client.message(session, handle,
                              {{"request", "join"}, {"room", room}, {"ptype", "subscriber"}, {"streams", streams}}),
               label + " join");
  if (!attached.contains("jsep") || attached["jsep"].value("type", "") != "offer")
    throw std::runtime_error(label + ": the server did not offer (reply: " + attached.dump() + ")");
  expectOk(client.message(session, handle, {{"request", "start"}}, peer.answer(attached["jsep"])), label + " start");
  if (!peer.waitForMediaPath(std::chrono::seconds(15))) throw std::runtime_error(label + ": " + peer.failure());
  return attached;
}

void endScenario(JanusClient& client, std::uint64_t session, std::initializer_list<LabPeer*> peers,
                 std::initializer_list<std::uint64_t> handles) {
  for (LabPeer* p : peers)
    if (p) p->tearingDown();
  try {
    for (std::uint64_t h : handles)
      if (h) client.detach(session, h);
    if (session) client.destroySession(session);
  } catch (const std::exception& e) {
    PLOG(Warn, "lab") << "teardown: " << e.what();
  }
}

}  // namespace portunus::lab
