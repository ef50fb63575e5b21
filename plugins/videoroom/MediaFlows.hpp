// The media half of the VideoRoom plugin: every request and callback whose outcome depends on a PeerConnection
// (publishing, subscriptions, renegotiation, routes between handles). The room half (VideoRoomPlugin) has already
// validated the room, the participant and the access rules when it calls in here, always with ctx.mutex held.
//
// This file pair belongs to the media work (branch vr-media); the room half only calls the functions below. Without a
// media layer (ctx.media null or gateway->mediaAvailable() false) each answers what Janus answers when it cannot
// negotiate: the SDP error 437 for an offer, and nothing published or subscribed.
//
// The lock is held across these calls, and destroySession()/setupMedia()/hangupMedia() take it on the control loop:
// a call that blocks (MediaControl::answerOffer waits for ICE gathering) should drop ctx.mutex while it waits and
// look its records up again afterwards, or the control loop stalls behind it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "plugins/videoroom/VideoRoomContext.hpp"

namespace portunus::plugins::videoroom {

class MediaFlows {
 public:
  explicit MediaFlows(VideoRoomContext& ctx) : ctx_(ctx) {}

  /** Publisher `publish`, or `configure`/`joinandconfigure` with a JSEP: the room half has checked 434 (already
   *  published) and 432 (room full) for offers. `body` is the request. Returns the event's fields to merge into
   *  `{"videoroom":"event","room",...}` (e.g. `configured`, `audio_codec`, `streams`) and sets `jsepOut` to the
   *  answer. Throws VideoRoomError. */
  nlohmann::json publish(Room& room, Publisher& publisher, const nlohmann::json& body,
                         const std::optional<nlohmann::json>& jsep, std::optional<nlohmann::json>& jsepOut);
  /** Publisher `configure` without JSEP: the media controls in `body` (bitrate, keyframe, record, streams[],
   *  descriptions). `display` is handled by the room half. True when a description was given to one of its published
   *  streams (the room half then announces the publisher again). */
  bool configurePublisher(Room& room, Publisher& publisher, const nlohmann::json& body);
  /** Publisher `unpublish` of a published participant: close its PeerConnection; hangupMedia() does the rest. */
  void unpublish(Room& room, Publisher& publisher);

  /** Subscriber `join`, after the room half validated room, pin, feeds (428) and private_id (433). `streams` is the
   *  normalised list of `{feed, mid?, crossrefid?}` (legacy `feed` requests converted). Returns the `attached` event
   *  and sets `jsepOut` to the offer; sets up session.subscriber. */
  nlohmann::json subscribe(Session& session, Room& room, const nlohmann::json& body, const nlohmann::json& streams,
                           std::optional<nlohmann::json>& jsepOut);
  /** Every request of a subscriber handle (`start`, `pause`, `configure`, `switch`, `subscribe`, `unsubscribe`,
   *  `update`, `leave`, and `join`/`publish`... refused). Returns the event. */
  nlohmann::json subscriberRequest(Session& session, const std::string& request, const nlohmann::json& body,
                                   const std::optional<nlohmann::json>& jsep, std::optional<nlohmann::json>& jsepOut);

  /** A publisher-type participant leaves (leave, kick, detach, room destroyed): its routes go, its subscribers are
   *  updated. Called after the room half told the others. */
  void publisherGone(Room& room, Publisher& publisher);
  /** A subscription handle goes away (detach, room destroyed). */
  void subscriberGone(Session& session);
  /** `moderate` changed `stream.moderated`: apply it to the routes. */
  void streamModerated(Room& room, Publisher& publisher, PublishedStream& stream);

  /** The handle's PeerConnection is up / went away (Janus setup_media / hangup_media). */
  void setupMedia(Session& session);
  void hangupMedia(Session& session);

  /** `handle_info.plugin_specific` additions for a publisher / subscriber with media (streams, bitrate...). */
  void describe(const Session& session, nlohmann::json& info) const;

 private:
  /** One m-line of a subscription: which publisher stream feeds it and how. */
  struct SubStream {
    std::string mid;  // ours, stable for the subscription's life
    std::string type;
    bool active = true;  // false: removed (a=inactive in our offers)
    std::string feedId;
    cp::HandleId feedHandle = 0;
    std::string feedMid;
    std::optional<std::string> crossrefid;
    cp::OfferStream offer;  // codec, payload type, fmtp, RTX as the publisher negotiated them
    bool simulcast = false;
    bool send = true;  // `configure` send:false stops this one stream
    int substream = -1, temporal = -1;
    int substreamNow = -1, temporalNow = -1;  // what the dataplane forwards (its last layer change)
    std::uint32_t fallbackUs = 250000;
    cp::ConnectionId connection = 0;
  };
  struct Subscription {
    std::string room;
    std::vector<SubStream> streams;
    int nextMid = 0;
    bool started = false;         // the client answered (`start` with a JSEP)
    bool paused = false;          // `pause`
    bool awaitingAnswer = false;  // our last offer is not answered yet
    bool offerPending = false;    // the m-lines changed meanwhile: a new offer goes out with the answer
  };

  bool mediaUp() const;
  /** Adds m-lines for `requested` (`[{feed, mid?, crossrefid?}]`), reusing removed m-lines of the same type; for
   *  the legacy form `legacy` holds the body's audio/video/offer_* switches. Returns how many were added. */
  std::size_t addStreams(Room& room, cp::HandleId handle, Subscription& sub, const nlohmann::json& requested,
                         const nlohmann::json* legacy);
  /** Checks every `{feed, mid?, crossrefid?}` entry before anything changes (as Janus validates a subscription's
   *  list first): its types, then that the feed is published and has the mid. Throws the entry's error. */
  void checkAdditions(Room& room, const nlohmann::json& requested) const;
  /** Removes the m-lines matching `{feed?, mid?, sub_mid?}` entries (all checked first). Returns how many went. */
  std::size_t removeStreams(cp::HandleId handle, Subscription& sub, const nlohmann::json& entries);
  void dropStream(SubStream& s);
  /** The dataplane switched the layer of subscription `handle`'s m-line `mid`: the Janus `substream` / `temporal`
   *  event to the subscriber (control loop; takes ctx.mutex). */
  void layerChanged(cp::HandleId handle, const std::string& mid, const cp::LayerChange& change);
  /** Our (re)offer for every m-line of the subscription. Throws VideoRoomError. */
  nlohmann::json offer(cp::HandleId handle, Subscription& sub);
  /** The offer after the subscription's m-lines changed, or none yet: while our last offer is unanswered the new
   *  one waits for that answer (Janus 1.1.2 says `updating` meanwhile; `start` sends it with the answer). */
  std::optional<nlohmann::json> reoffer(cp::HandleId handle, Subscription& sub);
  /** Pause state of one m-line's route from everything that can stop it. */
  bool routePaused(const Subscription& sub, const SubStream& s) const;
  void applyPause(const Subscription& sub, const SubStream& s);
  nlohmann::json streamsJson(const Subscription& sub) const;
  /** The publisher's streams went (unpublish, PC death, leave): its subscriptions lose their m-lines and get a new
   *  offer (`updated`), as Janus does. */
  void feedGone(Room& room, Publisher& publisher);
  void publisherDescribed(Room& room, Publisher& publisher, const nlohmann::json& body);

  VideoRoomContext& ctx_;
  std::map<cp::HandleId, Subscription> subs_;
  std::map<cp::HandleId, std::vector<cp::StreamDescription>> published_;  // publisher handle -> its m-lines
};

}  // namespace portunus::plugins::videoroom
