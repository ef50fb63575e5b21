#include "plugins/videoroom/MediaFlows.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include "common/log/Log.hpp"
#include "plugins/videoroom/JsonParams.hpp"
#include "plugins/videoroom/VideoRoomErrors.hpp"

namespace portunus::plugins::videoroom {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/** Every handle of a room on one dataplane worker: routes only join streams of one worker. */
std::uint64_t placementOf(const Room& room) {
  return std::hash<std::string>{}(room.id());
}

std::string typeOf(const std::string& kind) {
  return kind == "application" ? "data" : kind;
}

const json* field(const json& body, const char* key) {
  auto it = body.find(key);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

bool flag(const json& body, const char* key, bool fallback) {
  const json* v = field(body, key);
  return v && v->is_boolean() ? v->get<bool>() : fallback;
}

std::string text(const json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

bool MediaFlows::mediaUp() const {
  return ctx_.media && ctx_.gateway && ctx_.gateway->mediaAvailable();
}

// ---- publishers ----

json MediaFlows::publish(Room& room, Publisher& publisher, const json& body, const std::optional<json>& jsep,
                         std::optional<json>& jsepOut) {
  if (auto it = body.find("bitrate"); it != body.end()) publisher.bitrate = it->get<std::uint64_t>();
  if (!jsep) {
    // Janus accepts `publish` without an offer and only records its settings.
    return {{"configured", "ok"}};
  }
  if (jsep->value("type", "") != "offer")
    throw VideoRoomError(ErrorCode::InvalidSdpType, "Unsupported SDP type '" + jsep->value("type", "") + "'");
  if (!mediaUp()) throw VideoRoomError(ErrorCode::InvalidSdp, "Error processing offer: no WebRTC media layer");

  const RoomOptions& o = room.options();
  cp::AnswerPolicy policy;
  policy.sendAudio = policy.sendVideo = false;  // a publisher's PeerConnection only sends to Portunus
  policy.audioCodecs = o.audiocodec;
  policy.videoCodecs = o.videocodec;
  if (const json* c = field(body, "audiocodec"); c && c->is_string()) policy.audioCodecs = {c->get<std::string>()};
  if (const json* c = field(body, "videocodec"); c && c->is_string()) policy.videoCodecs = {c->get<std::string>()};
  policy.restrictCodecs = true;
  if (o.h264Profile) policy.videoProfile = *o.h264Profile;
  if (o.vp9Profile) policy.videoProfile = *o.vp9Profile;

  ctx_.media->setPlacement(publisher.handle, placementOf(room));
  json answer;
  try {
    answer = ctx_.media->answerOffer(publisher.handle, *jsep, policy);
  } catch (const cp::MediaNegotiationError& e) {
    throw VideoRoomError(ErrorCode::InvalidSdp, std::string("Error processing offer: ") + e.what());
  }
  const std::uint64_t cap = publisher.bitrate ? publisher.bitrate : o.bitrate;
  ctx_.media->setBitrateCap(publisher.handle, cap);
  ctx_.media->setFirFreq(publisher.handle, static_cast<std::uint32_t>(o.firFreq));
  publisherDescribed(room, publisher, body);
  jsepOut = std::move(answer);

  json fields = {{"configured", "ok"}};
  if (publisher.audioCodec) fields["audio_codec"] = *publisher.audioCodec;
  if (publisher.videoCodec) fields["video_codec"] = *publisher.videoCodec;
  fields["streams"] = publisher.streamsJson();
  // A renegotiation of a publisher that is up: the others learn its new streams now (a first publish is announced
  // when its PeerConnection is up, see setupMedia).
  if (publisher.published) {
    ctx_.notifyParticipants(room,
                            {{"videoroom", "event"},
                             {"room", room.roomJson()},
                             {"publishers", json::array({room.publisherJson(publisher)})}},
                            publisher.id);
  }
  return fields;
}

void MediaFlows::publisherDescribed(Room& room, Publisher& publisher, const json& body) {
  (void)room;
  std::map<std::string, std::string> descriptions;
  for (const auto& s : publisher.streams)
    if (s.description) descriptions[s.mid] = *s.description;
  if (const json* d = field(body, "descriptions"); d && d->is_array()) {
    for (const auto& e : *d)
      if (e.is_object() && e.contains("mid") && e.contains("description") && e["description"].is_string())
        descriptions[text(e["mid"])] = e["description"].get<std::string>();
  }
  std::vector<PublishedStream> previous = std::move(publisher.streams);
  publisher.streams.clear();
  publisher.audioCodec.reset();
  publisher.videoCodec.reset();
  auto desc = ctx_.media->describe(publisher.handle);
  int mindex = 0;
  for (const auto& d : desc) {
    PublishedStream s;
    s.type = typeOf(d.kind);
    s.mindex = mindex++;
    s.mid = d.mid;
    s.disabled = !d.receiving;
    if (!s.disabled) {
      s.codec = lower(d.codec);
      s.simulcast = d.simulcast;
      if (s.type == "audio" && !publisher.audioCodec) publisher.audioCodec = s.codec;
      if (s.type == "video" && !publisher.videoCodec) publisher.videoCodec = s.codec;
      if (s.codec == "opus") {
        if (d.fmtp.find("useinbandfec=1") != std::string::npos) s.extra["fec"] = true;
        if (d.fmtp.find("stereo=1") != std::string::npos) s.extra["stereo"] = true;
        if (d.fmtp.find("usedtx=1") != std::string::npos) s.extra["dtx"] = true;
      }
    }
    if (auto it = descriptions.find(d.mid); it != descriptions.end()) s.description = it->second;
    for (const auto& p : previous)
      if (p.mid == s.mid) s.moderated = p.moderated;
    publisher.streams.push_back(std::move(s));
  }
  published_[publisher.handle] = std::move(desc);
}

bool MediaFlows::configurePublisher(Room& room, Publisher& publisher, const json& body) {
  if (auto it = body.find("bitrate"); it != body.end()) {
    publisher.bitrate = it->get<std::uint64_t>();
    if (mediaUp())
      ctx_.media->setBitrateCap(publisher.handle, publisher.bitrate ? publisher.bitrate : room.options().bitrate);
  }
  bool described = false;
  if (const json* d = field(body, "descriptions"); d && d->is_array()) {
    for (const auto& e : *d) {
      if (!e.is_object() || !e.contains("mid") || !e.contains("description") || !e["description"].is_string()) continue;
      if (PublishedStream* s = publisher.streamByMid(text(e["mid"]))) {
        s->description = e["description"].get<std::string>();
        described = true;
      }
    }
  }
  if (!mediaUp()) return described;
  if (flag(body, "keyframe", false)) ctx_.media->requestKeyframe(publisher.handle, "");
  if (const json* streams = field(body, "streams"); streams && streams->is_array()) {
    for (const auto& s : *streams) {
      if (!s.is_object() || !s.contains("mid")) continue;
      const std::string mid = text(s["mid"]);
      if (flag(s, "keyframe", false)) ctx_.media->requestKeyframe(publisher.handle, mid);
    }
  }
  return described;
}

void MediaFlows::unpublish(Room&, Publisher& publisher) {
  if (ctx_.gateway) ctx_.gateway->closePeerConnection(publisher.handle);
}

void MediaFlows::feedGone(Room& room, Publisher& publisher) {
  for (auto& [handle, sub] : subs_) {
    if (sub.room != room.id()) continue;
    std::size_t removed = 0;
    for (auto& s : sub.streams) {
      if (!s.active || s.feedHandle != publisher.handle) continue;
      dropStream(s);
      ++removed;
    }
    if (removed == 0) continue;
    json event = {{"videoroom", "updated"}, {"room", room.roomJson()}};
    std::optional<json> jsep;
    try {
      jsep = reoffer(handle, sub);
      if (!jsep) event["videoroom"] = "updating";  // the offer follows the answer to the one outstanding
    } catch (const VideoRoomError& e) {
      PLOG(Warn, "videoroom") << "handle " << handle << ": re-offer after feed " << publisher.id
                              << " went: " << e.what();
    }
    if (!sub.offerPending) event["streams"] = streamsJson(sub);
    ctx_.push(handle, std::move(event), std::move(jsep));
  }
  if (ctx_.media) ctx_.media->disconnectHandle(publisher.handle);
  published_.erase(publisher.handle);
}

void MediaFlows::publisherGone(Room& room, Publisher& publisher) {
  // `leaving`/`kicked` already went out; the subscriptions follow.
  if (publisher.published || published_.count(publisher.handle)) feedGone(room, publisher);
  publisher.streams.clear();
  publisher.audioCodec.reset();
  publisher.videoCodec.reset();
}

void MediaFlows::streamModerated(Room&, Publisher& publisher, PublishedStream&) {
  for (auto& [handle, sub] : subs_) {
    for (const auto& s : sub.streams)
      if (s.active && s.feedHandle == publisher.handle) applyPause(sub, s);
  }
}

// ---- subscribers ----

void MediaFlows::checkAdditions(Room& room, const json& requested) const {
  for (const auto& e : requested) {
    if (!e.is_object() || !e.contains("feed")) throw VideoRoomError::missing("feed");
    validateParams(
        e, {idParam("feed", ctx_.stringIds(), true), {"mid", JsonType::String}, {"crossrefid", JsonType::String}});
    const std::string feed = idText(e["feed"]);
    auto p = room.participant(feed);
    if (!p || !p->published || !published_.count(p->handle))
      throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + feed + ")");
    // As addStreams picks them: the feed's received audio and video, the given mid only.
    const json* mid = field(e, "mid");
    const auto& sources = published_.at(p->handle);
    if (mid && std::none_of(sources.begin(), sources.end(), [&](const cp::StreamDescription& d) {
          return d.receiving && (d.kind == "audio" || d.kind == "video") && d.mid == mid->get<std::string>();
        }))
      throw VideoRoomError(ErrorCode::NoSuchFeed, "No such mid '" + text(*mid) + "' in feed (" + feed + ")");
  }
}

std::size_t MediaFlows::addStreams(Room& room, cp::HandleId handle, Subscription& sub, const json& requested,
                                   const json* legacy) {
  std::size_t added = 0;
  for (const auto& entry : requested) {
    const std::string feed = idText(entry["feed"]);
    auto p = room.participant(feed);
    if (!p || !p->published) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + feed + ")");
    auto desc = published_.find(p->handle);
    if (desc == published_.end()) throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + feed + ")");
    const json* mid = field(entry, "mid");
    bool found = false;
    for (const auto& d : desc->second) {
      if (!d.receiving || (d.kind != "audio" && d.kind != "video")) continue;
      if (mid && text(*mid) != d.mid) continue;
      if (legacy) {
        const bool audio = flag(*legacy, "audio", true) && flag(*legacy, "offer_audio", true);
        const bool video = flag(*legacy, "video", true) && flag(*legacy, "offer_video", true);
        if ((d.kind == "audio" && !audio) || (d.kind == "video" && !video)) continue;
      }
      found = true;
      SubStream s;
      s.type = d.kind;
      s.feedId = feed;
      s.feedHandle = p->handle;
      s.feedMid = d.mid;
      if (const json* x = field(entry, "crossrefid")) s.crossrefid = text(*x);
      s.offer.kind = d.kind;
      s.offer.codec = d.codec;
      s.offer.payloadType = d.payloadType;
      s.offer.fmtp = d.fmtp;
      s.offer.rtx = d.rtxPayloadType.has_value();
      s.offer.msidStream = "janus" + feed;
      s.offer.msidTrack = "janus" + feed + d.kind + d.mid;
      s.simulcast = d.simulcast;
      // A removed m-line of the same type is reused (as Janus does), else a new one is appended.
      auto slot = std::find_if(sub.streams.begin(), sub.streams.end(),
                               [&](const SubStream& x) { return !x.active && x.type == d.kind; });
      if (slot != sub.streams.end()) {
        s.mid = slot->mid;
      } else {
        s.mid = std::to_string(sub.nextMid++);
      }
      s.offer.mid = s.mid;
      cp::ConnectionSpec spec{p->handle, d.mid, handle, s.mid};
      spec.paused = routePaused(sub, s);
      spec.fallbackUs = s.fallbackUs;
      spec.onLayerChange = [this, handle, mid = s.mid](const cp::LayerChange& c) { layerChanged(handle, mid, c); };
      if (slot != sub.streams.end() && slot->connection) {
        // The m-line was given up in this same request (`update`): its route moves to the new source, so that the
        // subscriber's stream keeps its SSRC, sequence and timestamps running (a new route would restart them, and
        // the SRTP context of that SSRC would refuse the older packet indexes).
        s.connection = slot->connection;
        slot->connection = 0;
        ctx_.media->repoint(s.connection, p->handle, d.mid);
        ctx_.media->setPaused(s.connection, spec.paused);
      } else {
        s.connection = ctx_.media->connect(spec);
      }
      if (slot != sub.streams.end()) {
        *slot = std::move(s);
      } else {
        sub.streams.push_back(std::move(s));
      }
      ++added;
    }
    if (mid && !found)
      throw VideoRoomError(ErrorCode::NoSuchFeed, "No such mid '" + text(*mid) + "' in feed (" + feed + ")");
  }
  return added;
}

void MediaFlows::layerChanged(cp::HandleId handle, const std::string& mid, const cp::LayerChange& change) {
  std::lock_guard lock(ctx_.mutex);
  auto it = subs_.find(handle);
  if (it == subs_.end()) return;
  auto s = std::find_if(it->second.streams.begin(), it->second.streams.end(),
                        [&](const SubStream& x) { return x.active && x.mid == mid; });
  if (s == it->second.streams.end() || !s->simulcast) return;
  const bool substream = change.kind == cp::LayerChange::Kind::Substream;
  if (!substream && change.value >= 0xfe) return;  // every temporal layer: no single layer to name
  (substream ? s->substreamNow : s->temporalNow) = change.value;
  auto room = ctx_.findRoom(it->second.room);
  // janus_videoroom.c (relay_rtp_packet): {"videoroom":"event","room","mid","substream"|"temporal"}.
  ctx_.push(handle, {{"videoroom", "event"},
                     {"room", room ? room->roomJson() : json(it->second.room)},
                     {"mid", mid},
                     {substream ? "substream" : "temporal", change.value}});
}

void MediaFlows::dropStream(SubStream& s) {
  if (s.connection && ctx_.media) ctx_.media->disconnect(s.connection);
  s.connection = 0;
  s.active = false;
}

std::size_t MediaFlows::removeStreams(cp::HandleId, Subscription& sub, const json& entries) {
  for (const auto& e : entries) {
    if (!e.is_object()) throw VideoRoomError::badType("streams", "an array of objects");
    validateParams(
        e, {idParam("feed", ctx_.stringIds(), false), {"mid", JsonType::String}, {"sub_mid", JsonType::String}});
  }
  std::size_t removed = 0;
  for (const auto& e : entries) {
    const json* feed = field(e, "feed");
    const json* mid = field(e, "mid");
    const json* subMid = field(e, "sub_mid");
    for (auto& s : sub.streams) {
      if (!s.active) continue;
      if (feed && idText(*feed) != s.feedId) continue;
      if (mid && text(*mid) != s.feedMid) continue;
      if (subMid && text(*subMid) != s.mid) continue;
      if (!feed && !mid && !subMid) continue;
      s.active = false;  // its route stays until the request is done: an `update` may hand the m-line to another feed
      ++removed;
    }
  }
  return removed;
}

json MediaFlows::offer(cp::HandleId handle, Subscription& sub) {
  cp::OfferSpec spec;
  for (const auto& s : sub.streams) {
    cp::OfferStream o = s.offer;
    o.active = s.active;
    spec.streams.push_back(std::move(o));
  }
  if (spec.streams.empty()) throw VideoRoomError(ErrorCode::Unknown, "Can't offer an SDP with no stream");
  try {
    return ctx_.media->createOffer(handle, spec);
  } catch (const cp::MediaNegotiationError& e) {
    throw VideoRoomError(ErrorCode::Unknown, std::string("Error preparing the offer: ") + e.what());
  }
}

std::optional<json> MediaFlows::reoffer(cp::HandleId handle, Subscription& sub) {
  if (sub.awaitingAnswer) {
    sub.offerPending = true;
    return std::nullopt;
  }
  json jsep = offer(handle, sub);
  sub.awaitingAnswer = true;
  return jsep;
}

bool MediaFlows::routePaused(const Subscription& sub, const SubStream& s) const {
  if (!sub.started || sub.paused || !s.send) return true;
  if (auto room = ctx_.findRoom(sub.room)) {
    if (auto p = room->participant(s.feedId)) {
      if (const PublishedStream* ps = p->streamByMid(s.feedMid); ps && ps->moderated) return true;
    }
  }
  return false;
}

void MediaFlows::applyPause(const Subscription& sub, const SubStream& s) {
  if (s.connection && ctx_.media) ctx_.media->setPaused(s.connection, routePaused(sub, s));
}

json MediaFlows::streamsJson(const Subscription& sub) const {
  json out = json::array();
  auto room = ctx_.findRoom(sub.room);
  int mindex = 0;
  for (const auto& s : sub.streams) {
    json e = {{"mindex", mindex++}, {"mid", s.mid}, {"type", s.type}, {"active", s.active}};
    if (s.active) {
      e["ready"] = sub.started;
      e["send"] = s.send;
      e["feed_id"] = room ? room->idJson(s.feedId) : json(s.feedId);
      e["feed_mid"] = s.feedMid;
      if (room) {
        if (auto p = room->participant(s.feedId)) {
          if (p->display) e["feed_display"] = *p->display;
          if (const PublishedStream* ps = p->streamByMid(s.feedMid); ps && ps->description)
            e["feed_description"] = *ps->description;
        }
      }
      e["codec"] = lower(s.offer.codec);
      if (s.crossrefid) e["crossrefid"] = *s.crossrefid;
      if (s.simulcast) {
        e["simulcast"] = {{"substream-target", s.substream < 0 ? 2 : s.substream},
                          {"temporal-layer-target", s.temporal < 0 ? 2 : s.temporal},
                          {"fallback", s.fallbackUs}};
        if (s.substreamNow >= 0) e["simulcast"]["substream"] = s.substreamNow;
        if (s.temporalNow >= 0) e["simulcast"]["temporal-layer"] = s.temporalNow;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

json MediaFlows::subscribe(Session& session, Room& room, const json& body, const json& streams,
                           std::optional<json>& jsepOut) {
  if (!mediaUp()) throw VideoRoomError(ErrorCode::Unknown, "Can't offer the subscription: no WebRTC media layer");
  Subscription sub;
  sub.room = room.id();
  ctx_.media->setPlacement(session.handle, placementOf(room));
  const bool legacy = !body.contains("streams") || body["streams"].empty();
  try {
    if (addStreams(room, session.handle, sub, streams, legacy ? &body : nullptr) == 0)
      throw VideoRoomError(ErrorCode::Unknown, "Can't offer an SDP with no stream");
    jsepOut = offer(session.handle, sub);
    sub.awaitingAnswer = true;
  } catch (...) {
    for (auto& s : sub.streams)
      dropStream(s);
    throw;
  }
  auto subscriber = std::make_shared<Subscriber>();
  subscriber->handle = session.handle;
  subscriber->room = room.id();
  json event = {{"videoroom", "attached"}, {"room", room.roomJson()}, {"streams", streamsJson(sub)}};
  subscriber->streams = event["streams"];
  session.subscriber = std::move(subscriber);
  subs_[session.handle] = std::move(sub);
  return event;
}

json MediaFlows::subscriberRequest(Session& session, const std::string& request, const json& body,
                                   const std::optional<json>& jsep, std::optional<json>& jsepOut) {
  auto it = subs_.find(session.handle);
  auto room = session.subscriber ? ctx_.findRoom(session.subscriber->room) : nullptr;
  if (request == "join" || request == "joinandconfigure")
    throw VideoRoomError(ErrorCode::AlreadyJoined, "Already in as a subscriber on this handle");
  if (request == "leave") {
    if (it != subs_.end()) {
      for (auto& s : it->second.streams)
        dropStream(s);
      subs_.erase(it);
    }
    if (room) room->subscribers().erase(session.handle);
    if (ctx_.gateway) ctx_.gateway->closePeerConnection(session.handle);
    json event = {{"videoroom", "event"}, {"left", "ok"}};
    if (room) event["room"] = room->roomJson();
    session.leftRoom = event.contains("room") ? event["room"] : json(nullptr);
    session.role = Session::Role::None;
    session.subscriber.reset();
    return event;
  }
  if (!room || it == subs_.end()) throw VideoRoomError(ErrorCode::NoSuchRoom, "No such room");
  Subscription& sub = it->second;
  const json roomId = room->roomJson();
  auto finish = [&](json event) {
    session.subscriber->streams = streamsJson(sub);
    return event;
  };

  if (request == "start") {
    if (jsep) {
      if (jsep->value("type", "") != "answer")
        throw VideoRoomError(ErrorCode::InvalidSdpType, "Unsupported SDP type '" + jsep->value("type", "") + "'");
      try {
        ctx_.media->acceptAnswer(session.handle, *jsep);
      } catch (const cp::MediaNegotiationError& e) {
        throw VideoRoomError(ErrorCode::InvalidSdp, std::string("Error processing answer: ") + e.what());
      }
      sub.started = true;
      sub.awaitingAnswer = false;
      if (sub.offerPending) {
        // The m-lines changed while that offer was out (`updating`): the new offer now, as Janus 1.1.2 sends it.
        sub.offerPending = false;
        try {
          std::optional<json> next = reoffer(session.handle, sub);
          ctx_.push(session.handle, {{"videoroom", "updated"}, {"room", roomId}, {"streams", streamsJson(sub)}},
                    std::move(next));
        } catch (const VideoRoomError& e) {
          PLOG(Warn, "videoroom") << "handle " << session.handle << ": the offer held for this answer: " << e.what();
        }
      }
    }
    sub.paused = false;
    session.subscriber->paused = false;
    for (const auto& s : sub.streams)
      if (s.active) applyPause(sub, s);
    return finish({{"videoroom", "event"}, {"room", roomId}, {"started", "ok"}});
  }
  if (request == "pause") {
    sub.paused = true;
    session.subscriber->paused = true;
    for (const auto& s : sub.streams)
      if (s.active) applyPause(sub, s);
    return finish({{"videoroom", "event"}, {"room", roomId}, {"paused", "ok"}});
  }
  if (request == "configure") {
    auto configureStream = [&](SubStream& s, const json& c) {
      if (const json* v = field(c, "send"); v && v->is_boolean()) s.send = v->get<bool>();
      bool layers = false;
      if (const json* v = field(c, "substream"); v && v->is_number_integer()) {
        s.substream = std::clamp(v->get<int>(), 0, 2);
        layers = true;
      }
      if (const json* v = field(c, "temporal"); v && v->is_number_integer()) {
        s.temporal = std::clamp(v->get<int>(), 0, 2);
        layers = true;
      }
      if (const json* v = field(c, "fallback"); v && v->is_number_integer()) {
        s.fallbackUs = v->get<std::uint32_t>();
        layers = true;
      }
      if (layers && s.connection) ctx_.media->setLayers(s.connection, s.substream, s.temporal, s.fallbackUs);
      applyPause(sub, s);
    };
    if (const json* streams = field(body, "streams"); streams && streams->is_array()) {
      // Every mid named is one of the subscription's before anything changes (Janus 1.1.2: 428).
      for (const auto& c : *streams) {
        if (!c.is_object()) throw VideoRoomError::badType("streams", "an array of objects");
        const json* mid = field(c, "mid");
        if (mid && std::none_of(sub.streams.begin(), sub.streams.end(),
                                [&](const SubStream& s) { return s.mid == text(*mid); }))
          throw VideoRoomError(ErrorCode::NoSuchFeed, "No such mid '" + text(*mid) + "' in subscription");
      }
      for (const auto& c : *streams) {
        const json* mid = field(c, "mid");
        for (auto& s : sub.streams)
          if (s.active && (!mid || text(*mid) == s.mid)) configureStream(s, c);
      }
    } else {
      // Legacy: top-level fields apply to every stream (audio/video switch the kinds on and off).
      for (auto& s : sub.streams) {
        if (!s.active) continue;
        json c = body;
        if (const json* v = field(body, s.type.c_str()); v && v->is_boolean()) c["send"] = *v;
        if (s.type != "video") {
          c.erase("substream");
          c.erase("temporal");
          c.erase("fallback");
        }
        configureStream(s, c);
      }
    }
    return finish({{"videoroom", "event"}, {"room", roomId}, {"configured", "ok"}});
  }
  if (request == "switch") {
    const json* streams = field(body, "streams");
    if (!streams || !streams->is_array()) throw VideoRoomError::missing("streams");
    // Every entry is checked before any m-line moves (as Janus makes sure all the streams exist first).
    struct Move {
      std::string feed;
      std::string mid;
      std::shared_ptr<Publisher> publisher;
      const cp::StreamDescription* source;
      SubStream* target;
    };
    std::vector<Move> moves;
    for (const auto& c : *streams) {
      // In Janus 1.1.2's order: mid and sub_mid, then feed (a non-object has no mid).
      if (!c.is_object()) throw VideoRoomError::missing("mid");
      for (const char* key : {"mid", "sub_mid", "feed"})
        if (!c.contains(key)) throw VideoRoomError::missing(key);
      validateParams(c, {{"mid", JsonType::String, true},
                         {"sub_mid", JsonType::String, true},
                         idParam("feed", ctx_.stringIds(), true)});
      const std::string feed = idText(c["feed"]);
      const std::string mid = c["mid"].get<std::string>();
      const std::string subMid = c["sub_mid"].get<std::string>();
      auto p = room->participant(feed);
      auto desc = p ? published_.find(p->handle) : published_.end();
      if (!p || !p->published || desc == published_.end())
        throw VideoRoomError(ErrorCode::NoSuchFeed, "No such feed (" + feed + ")");
      auto d = std::find_if(desc->second.begin(), desc->second.end(),
                            [&](const cp::StreamDescription& x) { return x.mid == mid && x.receiving; });
      if (d == desc->second.end())
        throw VideoRoomError(ErrorCode::NoSuchFeed, "No such mid '" + mid + "' in feed (" + feed + ")");
      auto s = std::find_if(sub.streams.begin(), sub.streams.end(),
                            [&](const SubStream& x) { return x.active && x.mid == subMid; });
      if (s == sub.streams.end()) continue;  // no such m-line here: Janus 1.1.2 skips the entry (changes: 0)
      if (d->kind != s->type || lower(d->codec) != lower(s->offer.codec))
        throw VideoRoomError(ErrorCode::InvalidElement, "Can't switch: the new source has another codec");
      moves.push_back({feed, mid, p, &*d, &*s});
    }
    int changes = 0;
    for (const Move& m : moves) {
      SubStream& s = *m.target;
      if (s.feedHandle == m.publisher->handle && s.feedMid == m.mid) continue;
      s.feedId = m.feed;
      s.feedHandle = m.publisher->handle;
      s.feedMid = m.mid;
      s.simulcast = m.source->simulcast;
      ctx_.media->repoint(s.connection, m.publisher->handle, m.mid);
      applyPause(sub, s);
      ++changes;
    }
    return finish({{"videoroom", "event"},
                   {"room", roomId},
                   {"switched", "ok"},
                   {"changes", changes},
                   {"streams", streamsJson(sub)}});
  }
  if (request == "subscribe" || request == "unsubscribe" || request == "update") {
    const json* add = field(body, request == "update" ? "subscribe" : "streams");
    const json* drop = field(body, request == "update" ? "unsubscribe" : "streams");
    if (request == "subscribe") drop = nullptr;
    if (request == "unsubscribe") add = nullptr;
    if (request != "update" && !(request == "subscribe" ? add : drop)) throw VideoRoomError::missing("streams");
    if (request == "update" && !add && !drop)
      throw VideoRoomError(ErrorCode::MissingElement,
                           "At least one of either 'subscribe' or 'unsubscribe' must be present");
    std::size_t changed = 0;
    // The routes of the m-lines given up and not handed over go when the request is done, even if it fails.
    struct ReleaseUnused {
      MediaFlows& flows;
      Subscription& sub;
      ~ReleaseUnused() {
        for (auto& s : sub.streams)
          if (!s.active && s.connection) flows.dropStream(s);
      }
    } release{*this, sub};
    // Both lists are checked before anything changes.
    if (drop && !drop->is_array()) throw VideoRoomError::badType("streams", "an array");
    if (add && !add->is_array()) throw VideoRoomError::badType("streams", "an array");
    if (add) checkAdditions(*room, *add);
    if (drop) changed += removeStreams(session.handle, sub, *drop);
    if (add) changed += addStreams(*room, session.handle, sub, *add, nullptr);
    // Nothing changed (every entry named nothing subscribed): no offer and, as Janus, no streams.
    if (changed == 0) return finish({{"videoroom", "updated"}, {"room", roomId}});
    jsepOut = reoffer(session.handle, sub);
    if (!jsepOut) return finish({{"videoroom", "updating"}, {"room", roomId}});  // after the answer to ours
    return finish({{"videoroom", "updated"}, {"room", roomId}, {"streams", streamsJson(sub)}});
  }
  throw VideoRoomError(ErrorCode::InvalidRequest, "Unknown request '" + request + "'");
}

void MediaFlows::subscriberGone(Session& session) {
  auto it = subs_.find(session.handle);
  if (it == subs_.end()) return;
  for (auto& s : it->second.streams)
    dropStream(s);
  subs_.erase(it);
}

// ---- media callbacks ----

void MediaFlows::setupMedia(Session& session) {
  if (session.role != Session::Role::Publisher || !session.publisher) return;
  Publisher& p = *session.publisher;
  auto room = p.room.empty() ? nullptr : ctx_.findRoom(p.room);
  if (!room || p.published) return;
  // Janus announces a publisher once its PeerConnection is up, so that subscribers never wait for media.
  p.published = true;
  ctx_.notifyParticipants(
      *room,
      {{"videoroom", "event"}, {"room", room->roomJson()}, {"publishers", json::array({room->publisherJson(p)})}},
      p.id);
}

void MediaFlows::hangupMedia(Session& session) {
  if (session.role == Session::Role::Publisher && session.publisher) {
    Publisher& p = *session.publisher;
    auto room = p.room.empty() ? nullptr : ctx_.findRoom(p.room);
    if (!room) return;
    // PC death (or unpublish) = unpublish: the others hear `unpublished`, subscriptions lose the feed.
    if (p.published)
      ctx_.notifyParticipants(
          *room, {{"videoroom", "event"}, {"room", room->roomJson()}, {"unpublished", room->idJson(p.id)}}, p.id);
    if (p.published || published_.count(p.handle)) feedGone(*room, p);
    p.published = false;
    p.streams.clear();
    p.audioCodec.reset();
    p.videoCodec.reset();
    return;
  }
  if (session.role == Session::Role::Subscriber) {
    // The subscription's PeerConnection went: its routes went with it; Janus then ends the subscription too.
    auto it = subs_.find(session.handle);
    if (it == subs_.end()) return;
    it->second.started = false;
    for (auto& s : it->second.streams)
      if (s.active) applyPause(it->second, s);
  }
}

void MediaFlows::describe(const Session& session, json& info) const {
  if (session.role == Session::Role::Publisher && session.publisher) {
    info["streams"] = session.publisher->streamsJson();
    return;
  }
  if (session.role == Session::Role::Subscriber) {
    auto it = subs_.find(session.handle);
    if (it == subs_.end()) return;
    info["streams"] = streamsJson(it->second);
    info["started"] = it->second.started;
    info["paused"] = it->second.paused;
  }
}

}  // namespace portunus::plugins::videoroom
