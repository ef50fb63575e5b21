// The Janus client events the media layer raises from dataplane observations, as Janus 1.1.2 words them (without
// session_id/sender, which MediaService adds): `media` per mid and kind, `slowlink`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "dataplane/DataplaneTypes.hpp"

namespace portunus::cp {

/** `{"janus":"media","mid","type","receiving"}` for a FirstPacket (receiving) or MediaStopped event; Janus adds
 *  `seconds` to receiving:false when its no_media_timer is above one second. Nothing for other event types. */
std::optional<nlohmann::json> mediaEvent(const dp::Event& event, const std::string& mid, dp::MediaKind kind,
                                         int noMediaTimer);

/** `{"janus":"slowlink","mid","media","uplink","lost"}` (janus_slow_link_update). */
nlohmann::json slowLinkEvent(const std::string& mid, dp::MediaKind kind, bool uplink, std::uint64_t lost);

}  // namespace portunus::cp
