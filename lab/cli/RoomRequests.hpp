// The VideoRoom requests the lab's room scenarios share (videoroom, --simulcast, --renegotiate): reading a plugin
// reply, a subscriber's join → offer → answer → start, and the end of a scenario's handles and session.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

#include "lab/janus/JanusClient.hpp"
#include "lab/peer/LabPeer.hpp"

namespace portunus::lab {

/** The plugin's `data` of a reply or event (an empty object when there is none). */
Json pluginData(const Json& message);

/** `message` itself; throws "<what>: plugin error <code>: <text>" when its plugin data carries an error. */
const Json& expectOk(const Json& message, const std::string& what);

/** Joins `streams` (`[{feed, mid?}, ...]`) of `room` as a subscriber on `handle`, answers the server's offer with
 *  `peer`, `start`s and waits for the media path. Returns the join reply; throws, naming `label`, on any error. */
Json joinAndStart(JanusClient& client, std::uint64_t session, std::uint64_t handle, std::uint64_t room,
                  const Json& streams, LabPeer& peer, const std::string& label);

/** The end of a scenario: `peers` are told first (the hangups that follow are no failure), then `handles` are
 *  detached (0 skipped) and the session destroyed; errors are logged, the server may have gone already. */
void endScenario(JanusClient& client, std::uint64_t session, std::initializer_list<LabPeer*> peers,
                 std::initializer_list<std::uint64_t> handles);

}  // namespace portunus::lab
