#include "controlplane/webrtc/JsepNegotiator.hpp"

#include <algorithm>
#include <map>

#include "common/sdp/FmtpParameters.hpp"
#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpText.hpp"
#include "common/sdp/SdpWriter.hpp"

namespace portunus::cp {

namespace {

using sdp::Direction;
using sdp::MediaDescription;
using sdp::SessionDescription;
using sdp::SetupRole;

sdp::SessionDescription parseOrThrow(std::string_view text, std::string_view what) {
  try {
    return sdp::parseSdp(text);
  } catch (const sdp::SdpError& e) {
    throw JsepError(JsepErrorKind::InvalidSdp, "invalid SDP in " + std::string(what) + ": " + e.what());
  }
}

std::string where(std::size_t index, const MediaDescription& m) {
  return "m-line " + std::to_string(index) + (m.mid ? " (mid " + *m.mid + ")" : std::string());
}

/** Digest lengths of the hash functions RFC 8122 lists; browsers send sha-256. */
std::optional<std::size_t> digestLength(std::string_view algorithm) {
  if (algorithm == "sha-1") return 20;
  if (algorithm == "sha-224") return 28;
  if (algorithm == "sha-256") return 32;
  if (algorithm == "sha-384") return 48;
  if (algorithm == "sha-512") return 64;
  return std::nullopt;
}

/** The remote ICE/DTLS parameters, checked: credentials present, a usable fingerprint. */
void takeRemoteTransport(const sdp::TransportAttributes& t, NegotiatedSession& session, std::string_view what) {
  if (!t.iceUfrag || !t.icePwd) {
    throw JsepError(JsepErrorKind::MissingIceCredentials,
                    std::string(what) + " has no ICE credentials (a=ice-ufrag and a=ice-pwd are required)");
  }
  if (t.fingerprints.empty()) {
    throw JsepError(JsepErrorKind::MissingFingerprint,
                    std::string(what) + " has no a=fingerprint: DTLS-SRTP cannot be verified");
  }
  const sdp::Fingerprint* usable = nullptr;
  for (const auto& f : t.fingerprints) {
    const auto length = digestLength(f.algorithm);
    if (length && *length == f.bytes.size() && (usable == nullptr || f.algorithm == "sha-256")) usable = &f;
  }
  if (usable == nullptr) {
    throw JsepError(JsepErrorKind::MissingFingerprint, std::string(what) +
                                                           " has no usable a=fingerprint (unknown hash '" +
                                                           t.fingerprints[0].algorithm + "' or wrong digest length)");
  }
  session.remoteIceUfrag = *t.iceUfrag;
  session.remoteIcePwd = *t.icePwd;
  session.remoteFingerprint = *usable;
}

std::vector<RemoteStream> remoteStreamsOf(const MediaDescription& m) {
  std::map<std::uint32_t, std::uint32_t> rtxOf;
  std::vector<std::uint32_t> repairs;
  const sdp::SsrcGroup* sim = nullptr;
  for (const auto& g : m.ssrcGroups) {
    if (g.semantics == "FID" && g.ssrcs.size() >= 2) {
      rtxOf.emplace(g.ssrcs[0], g.ssrcs[1]);
      repairs.push_back(g.ssrcs[1]);
    } else if (g.semantics == "FEC-FR" && g.ssrcs.size() >= 2) {
      repairs.push_back(g.ssrcs[1]);
    } else if (g.semantics == "SIM" && sim == nullptr) {
      sim = &g;
    }
  }
  const auto stream = [&](std::uint32_t ssrc) {
    RemoteStream s{ssrc, std::nullopt};
    if (const auto it = rtxOf.find(ssrc); it != rtxOf.end()) s.rtxSsrc = it->second;
    return s;
  };
  std::vector<RemoteStream> out;
  const auto listed = [&](std::uint32_t ssrc) {
    return std::any_of(out.begin(), out.end(), [&](const RemoteStream& s) { return s.ssrc == ssrc; });
  };
  if (sim != nullptr) {
    for (auto ssrc : sim->ssrcs) {
      if (!listed(ssrc)) out.push_back(stream(ssrc));
    }
    return out;
  }
  for (const auto& a : m.ssrcs) {
    if (std::find(repairs.begin(), repairs.end(), a.ssrc) != repairs.end() || listed(a.ssrc)) continue;
    out.push_back(stream(a.ssrc));
  }
  return out;
}

/** The rids the remote sends in a=simulcast order (first alternative of each stream); Janus reads that order as
 *  highest layer first (its default rid_order "hml"), see PeerConnection. */
std::vector<std::string> remoteRidsOf(const MediaDescription& m) {
  std::vector<std::string> out;
  if (m.simulcast && !m.simulcast->send.empty()) {
    for (const auto& alternatives : m.simulcast->send) {
      for (const auto& r : alternatives) {
        const bool defined =
            std::any_of(m.rids.begin(), m.rids.end(), [&](const sdp::Rid& rid) { return rid.send && rid.id == r.rid; });
        if (defined) {
          out.push_back(r.rid);
          break;
        }
      }
    }
    return out;
  }
  for (const auto& rid : m.rids) {
    if (rid.send) out.push_back(rid.id);
  }
  return out;
}

void fillRemoteSender(const MediaDescription& m, NegotiatedMedia& nm) {
  nm.remoteStreams = remoteStreamsOf(m);
  nm.remoteRids = remoteRidsOf(m);
  const bool simGroup = std::any_of(m.ssrcGroups.begin(), m.ssrcGroups.end(),
                                    [](const sdp::SsrcGroup& g) { return g.semantics == "SIM" && g.ssrcs.size() > 1; });
  nm.remoteSimulcast = simGroup || nm.remoteRids.size() > 1;
  if (!m.msids.empty()) nm.remoteMsid = m.msids.front();
  for (const auto& a : m.ssrcs) {
    if (!nm.remoteStreams.empty() && a.ssrc != nm.remoteStreams.front().ssrc) continue;
    if (a.attribute == "cname" && a.value && nm.remoteCname.empty()) nm.remoteCname = *a.value;
    if (a.attribute == "msid" && a.value && !nm.remoteMsid) {
      const auto tok = sdp::text::tokens(*a.value);
      if (!tok.empty()) nm.remoteMsid = sdp::Msid{std::string(tok[0]), tok.size() > 1 ? std::string(tok[1]) : ""};
    }
  }
}

SessionDescription baseDescription(const JsepLocalTransport& local) {
  SessionDescription d;
  d.origin = sdp::Origin{"-", local.sessionId, local.sessionVersion, "IN", "IP4", "127.0.0.1"};
  d.sessionName = "-";
  d.iceLite = local.iceLite;
  d.msidSemantic = " WMS *";
  return d;
}

void addLocalTransport(MediaDescription& m, const JsepLocalTransport& local, SetupRole setup) {
  m.transport.iceUfrag = local.iceUfrag;
  m.transport.icePwd = local.icePwd;
  if (!local.iceLite) m.transport.iceOptions = {"trickle"};
  m.transport.fingerprints = {local.fingerprint};
  m.transport.setup = setup;
  m.port = 9;
  m.connection = sdp::Connection{};
  if (local.fullTrickle) return;
  m.candidates = local.candidates;
  m.endOfCandidates = true;
  for (const auto& c : local.candidates) {
    if (c.component != 1) continue;
    m.port = c.port;
    const bool v6 = c.address.find(':') != std::string::npos;
    m.connection = sdp::Connection{"IN", v6 ? "IP6" : "IP4", c.address};
    break;
  }
}

void addLocalSender(MediaDescription& m, NegotiatedMedia& nm, const JsepLocalTransport& local,
                    const std::optional<sdp::Msid>& msid) {
  const sdp::Msid id = msid.value_or(sdp::Msid{local.msidStream, local.msidStream + nm.mid});
  m.msids = {id};
  const std::string msidValue = id.streamId + (id.trackId.empty() ? "" : " " + id.trackId);
  if (nm.localRtxSsrc) m.ssrcGroups.push_back(sdp::SsrcGroup{"FID", {*nm.localSsrc, *nm.localRtxSsrc}});
  for (auto ssrc : {nm.localSsrc, nm.localRtxSsrc}) {
    if (!ssrc) continue;
    m.ssrcs.push_back(sdp::SsrcAttribute{*ssrc, "cname", local.cname});
    m.ssrcs.push_back(sdp::SsrcAttribute{*ssrc, "msid", msidValue});
  }
}

void addCodec(MediaDescription& m, const NegotiatedCodec& codec, const std::vector<FeedbackCapability>& feedback) {
  m.formats.push_back(std::to_string(codec.payloadType));
  sdp::RtpMap map{codec.payloadType, codec.name, codec.clockRate, std::nullopt};
  if (codec.channels > 1) map.channels = codec.channels;
  m.rtpMaps.push_back(map);
  for (const auto& f : feedback) {
    m.rtcpFeedback.push_back(sdp::RtcpFeedback{codec.payloadType, f.type, f.parameter});
  }
  if (!codec.fmtp.empty()) m.fmtps.push_back(sdp::Fmtp{codec.payloadType, codec.fmtp});
  if (codec.rtxPayloadType) {
    m.formats.push_back(std::to_string(*codec.rtxPayloadType));
    m.rtpMaps.push_back(sdp::RtpMap{*codec.rtxPayloadType, "rtx", codec.clockRate, std::nullopt});
    m.fmtps.push_back(sdp::Fmtp{*codec.rtxPayloadType, "apt=" + std::to_string(codec.payloadType)});
  }
}

void reject(MediaDescription& answer, const MediaDescription& offered) {
  // RFC 8829 §5.3.1: a rejected m-section keeps its kind, protocol and mid, with port 0.
  answer.port = 0;
  answer.formats = {offered.formats.front()};
  answer.connection = sdp::Connection{};
  answer.direction = Direction::Inactive;
}

std::string supportedCodecList(const JsepCapabilities& caps) {
  std::string out;
  for (const auto& c : caps.codecs) {
    if (!out.empty()) out += ", ";
    out += c.name;
    if (c.requiresPacketizationMode1) out += " (packetization-mode=1)";
  }
  return out;
}

}  // namespace

JsepNegotiator::JsepNegotiator(JsepCapabilities capabilities, std::optional<std::uint32_t> ssrcSeed)
    : capabilities_(std::move(capabilities)), rng_(ssrcSeed ? *ssrcSeed : std::random_device{}()) {}

std::uint32_t JsepNegotiator::newSsrc(std::set<std::uint32_t>& taken) {
  std::uniform_int_distribution<std::uint32_t> dist(1, 0xffffffffu);
  for (;;) {
    const std::uint32_t ssrc = dist(rng_);
    if (taken.insert(ssrc).second) return ssrc;
  }
}

namespace {

struct CodecChoice {
  NegotiatedCodec codec;
  const CodecCapability* capability = nullptr;
};

bool profileMatches(const CodecChoice& c, std::string_view profile) {
  if (profile.empty()) return true;
  if (sdp::text::iequals(c.capability->name, "H264")) {
    const auto id = sdp::fmtpParameter(c.codec.fmtp, "profile-level-id");
    return id && sdp::text::iequals(*id, profile);
  }
  if (sdp::text::iequals(c.capability->name, "VP9")) {
    return sdp::fmtpParameter(c.codec.fmtp, "profile-id").value_or("0") == profile;
  }
  return true;
}

std::optional<CodecChoice> chooseCodec(const JsepCapabilities& caps, const MediaDescription& m, MediaKind kind,
                                       const std::vector<std::string>& preferred, std::string_view profile,
                                       bool restrictToPreferred) {
  std::vector<CodecChoice> supported;
  std::vector<std::uint8_t> seen;
  for (const auto& format : m.formats) {
    const auto pt = sdp::text::number<std::uint8_t>(format, 127);
    if (!pt || std::find(seen.begin(), seen.end(), *pt) != seen.end()) continue;
    seen.push_back(*pt);
    std::optional<sdp::RtpMap> map;
    if (const sdp::RtpMap* listed = m.rtpMap(*pt)) {
      map = *listed;
    } else {
      map = staticRtpMap(*pt);
    }
    if (!map) continue;
    const std::string_view fmtp = m.fmtp(*pt);
    const CodecCapability* cap = caps.matchCodec(kind, *map, fmtp);
    if (cap == nullptr) continue;
    supported.push_back(CodecChoice{
        NegotiatedCodec{*pt, map->encoding, map->clockRate, map->channels.value_or(1), std::string(fmtp), std::nullopt},
        cap});
  }
  if (supported.empty()) return std::nullopt;

  std::optional<CodecChoice> choice;
  for (const auto& name : preferred) {
    for (const auto& c : supported) {
      if (sdp::text::iequals(c.capability->name, name) && profileMatches(c, profile)) {
        choice = c;
        break;
      }
    }
    if (!choice) {
      for (const auto& c : supported) {
        if (sdp::text::iequals(c.capability->name, name)) {
          choice = c;
          break;
        }
      }
    }
    if (choice) break;
  }
  if (!choice && restrictToPreferred && !preferred.empty()) return std::nullopt;
  if (!choice) {
    for (const auto& c : supported) {
      if (profileMatches(c, profile)) {
        choice = c;
        break;
      }
    }
  }
  if (!choice) choice = supported.front();

  // RTX (RFC 4588): the rtx payload type whose apt names the chosen one.
  if (caps.rtx && kind == MediaKind::Video) {
    for (const auto& map : m.rtpMaps) {
      if (!sdp::text::iequals(map.encoding, "rtx") || map.clockRate != choice->codec.clockRate) continue;
      if (std::find(m.formats.begin(), m.formats.end(), std::to_string(map.payloadType)) == m.formats.end()) continue;
      const auto apt = sdp::fmtpParameter(m.fmtp(map.payloadType), "apt");
      if (apt && *apt == std::to_string(choice->codec.payloadType)) {
        choice->codec.rtxPayloadType = map.payloadType;
        break;
      }
    }
  }
  return choice;
}

}  // namespace

JsepAnswer JsepNegotiator::answer(std::string_view offerSdp, const JsepLocalTransport& local,
                                  const JsepAnswerOptions& options) {
  const SessionDescription offer = parseOrThrow(offerSdp, "offer");
  if (offer.media.empty()) throw JsepError(JsepErrorKind::NoSupportedCodec, "offer has no m-line");
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (!offer.media[i].mid) {
      throw JsepError(JsepErrorKind::MissingMid, where(i, offer.media[i]) + " has no a=mid (unified plan needs one)");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (*offer.media[j].mid == *offer.media[i].mid) {
        throw JsepError(JsepErrorKind::InvalidSdp, "m-lines " + std::to_string(j) + " and " + std::to_string(i) +
                                                       " share mid " + *offer.media[i].mid);
      }
    }
  }
  const sdp::Group* bundle = offer.bundleGroup();
  if (bundle == nullptr) {
    throw JsepError(JsepErrorKind::MissingBundle, "offer has no a=group:BUNDLE (one transport per PeerConnection)");
  }

  std::set<std::uint32_t> taken;
  for (const auto& m : offer.media) {
    for (const auto& a : m.ssrcs) {
      taken.insert(a.ssrc);
    }
  }

  JsepAnswer result;
  SessionDescription& answer = result.description;
  NegotiatedSession& session = result.session;
  answer = baseDescription(local);
  answer.extmapAllowMixed = offer.extmapAllowMixed;
  std::optional<std::size_t> transportIndex;

  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& om = offer.media[i];
    MediaDescription am;
    am.kind = om.kind;
    am.protocol = om.protocol;
    am.mid = om.mid;
    NegotiatedMedia nm;
    nm.index = i;
    nm.mid = *om.mid;
    nm.kind = om.kind;

    const auto kind = parseMediaKind(om.kind);
    const bool inBundle = std::find(bundle->mids.begin(), bundle->mids.end(), *om.mid) != bundle->mids.end();
    // An RTP profile with SRTP and feedback (UDP/TLS/RTP/SAVPF, RTP/SAVPF): anything else ("UDP/TLS/RyP/SAVPF") is
    // not RTP to the SDP layer either (no rtpmap/fmtp parsed), so it is rejected rather than read by payload type.
    const bool srtp = om.isRtp() && om.protocol.find("SAVPF") != std::string::npos;
    std::optional<CodecChoice> choice;
    // Port 0 with a=bundle-only is a live m-line of a max-bundle offer (RFC 9143 §6), not a rejected one.
    const bool bundleOnly = std::any_of(om.otherAttributes.begin(), om.otherAttributes.end(),
                                        [](const sdp::Attribute& a) { return a.name == "bundle-only"; });
    if (kind && (om.port != 0 || bundleOnly) && inBundle && srtp) {
      const bool audio = *kind == MediaKind::Audio;
      choice =
          chooseCodec(capabilities_, om, *kind, audio ? options.preferredAudioCodecs : options.preferredVideoCodecs,
                      audio ? std::string_view() : std::string_view(options.videoProfile), options.restrictToPreferred);
    }
    if (!choice) {
      // m=application (DataChannels come later), unknown kinds, disabled or unbundled m-lines, no codec we forward.
      reject(am, om);
      answer.media.push_back(std::move(am));
      session.media.push_back(std::move(nm));
      continue;
    }
    if (!om.rtcpMux) {
      throw JsepError(JsepErrorKind::MissingRtcpMux, where(i, om) + " has no a=rtcp-mux: rtcp-mux is required");
    }
    // The bundled transport is the offerer-tagged m-line's (RFC 9143 §7.2.1), else the first accepted one.
    if (!transportIndex || *om.mid == bundle->mids.front()) transportIndex = i;

    const Direction policy = *kind == MediaKind::Audio ? options.audio : options.video;
    nm.accepted = true;
    nm.direction = sdp::intersect(sdp::reversed(om.effectiveDirection()), policy);
    nm.codec = choice->codec;
    for (const auto& fb : om.feedbackFor(choice->codec.payloadType)) {
      FeedbackCapability f{fb.type, fb.parameter};
      if (capabilities_.supportsFeedback(*kind, fb) &&
          std::find(nm.rtcpFeedback.begin(), nm.rtcpFeedback.end(), f) == nm.rtcpFeedback.end()) {
        nm.rtcpFeedback.push_back(f);
      }
    }
    nm.rtcpReducedSize = om.rtcpRsize;
    for (const auto& e : om.extMaps) {
      // An id mapped twice would make the header ambiguous: the first mapping wins.
      if (capabilities_.extension(*kind, e.uri) == nullptr || nm.extensionId(e.uri) ||
          std::any_of(nm.extensions.begin(), nm.extensions.end(),
                      [&](const NegotiatedExtension& n) { return n.id == e.id; })) {
        continue;
      }
      // RFC 8285 §7: the answer keeps the offered id; a directional mapping is mirrored.
      sdp::ExtMap mapped{e.id, std::nullopt, e.uri, ""};
      if (e.direction) mapped.direction = sdp::reversed(*e.direction);
      am.extMaps.push_back(mapped);
      nm.extensions.push_back(NegotiatedExtension{e.id, e.uri});
    }

    am.direction = nm.direction;
    am.rtcpMux = true;
    am.rtcpRsize = om.rtcpRsize;
    addCodec(am, *nm.codec, nm.rtcpFeedback);

    if (sdp::receives(nm.direction)) {
      fillRemoteSender(om, nm);
      // Simulcast by rid: receive what is sent (RFC 8853 §5.3), restrictions not echoed.
      for (const auto& rid : om.rids) {
        if (rid.send) am.rids.push_back(sdp::Rid{rid.id, false, ""});
      }
      if (om.simulcast && !om.simulcast->send.empty() && !am.rids.empty()) {
        sdp::Simulcast simulcast;
        for (const auto& alternatives : om.simulcast->send) {
          std::vector<sdp::SimulcastRid> known;
          for (const auto& r : alternatives) {
            const bool defined =
                std::any_of(am.rids.begin(), am.rids.end(), [&](const sdp::Rid& rid) { return rid.id == r.rid; });
            if (defined) known.push_back(r);
          }
          if (!known.empty()) simulcast.recv.push_back(std::move(known));
        }
        if (!simulcast.recv.empty()) am.simulcast = std::move(simulcast);
      }
    }
    if (sdp::sends(nm.direction)) {
      // A renegotiation keeps the SSRCs a mid already sends with, so the dataplane's streams stay valid.
      const NegotiatedMedia* before = options.previous != nullptr ? options.previous->findMid(nm.mid) : nullptr;
      const auto keepOrNew = [&](const std::optional<std::uint32_t>& kept) {
        return kept && taken.insert(*kept).second ? *kept : newSsrc(taken);
      };
      nm.localSsrc = keepOrNew(before != nullptr ? before->localSsrc : std::nullopt);
      if (nm.codec->rtxPayloadType) {
        nm.localRtxSsrc = keepOrNew(before != nullptr ? before->localRtxSsrc : std::nullopt);
      }
      addLocalSender(am, nm, local, std::nullopt);
    }
    answer.media.push_back(std::move(am));
    session.media.push_back(std::move(nm));
  }

  if (!transportIndex) {
    throw JsepError(JsepErrorKind::NoSupportedCodec,
                    "no audio or video m-line with a supported codec (Portunus forwards " +
                        supportedCodecList(capabilities_) + ")");
  }

  const sdp::TransportAttributes remote = offer.effectiveTransport(*transportIndex);
  takeRemoteTransport(remote, session, "offer");
  session.remoteSetup = remote.setup.value_or(SetupRole::ActPass);
  // Answering an actpass offer, Portunus is the DTLS client (a=setup:active), like Janus.
  switch (session.remoteSetup) {
    case SetupRole::ActPass:
    case SetupRole::Passive:
      session.localSetup = SetupRole::Active;
      break;
    case SetupRole::Active:
      session.localSetup = SetupRole::Passive;
      break;
    case SetupRole::HoldConn:
      throw JsepError(JsepErrorKind::BadSetup, "offer has a=setup:holdconn: no DTLS association can be set up");
  }
  session.remoteIceLite = offer.iceLite;
  session.remoteIceRestart =
      options.previous != nullptr && (options.previous->remoteIceUfrag != session.remoteIceUfrag ||
                                      options.previous->remoteIcePwd != session.remoteIcePwd);
  session.remoteCandidates = offer.media[*transportIndex].candidates;
  session.remoteEndOfCandidates = offer.media[*transportIndex].endOfCandidates;

  sdp::Group group{"BUNDLE", {}};
  for (std::size_t i = 0; i < answer.media.size(); ++i) {
    if (!session.media[i].accepted) continue;
    addLocalTransport(answer.media[i], local, session.localSetup);
    group.mids.push_back(session.media[i].mid);
  }
  session.bundleMids = group.mids;
  answer.groups.push_back(std::move(group));
  result.sdp = sdp::writeSdp(answer);
  return result;
}

JsepOffer JsepNegotiator::offer(const std::vector<JsepOfferStream>& streams, const JsepLocalTransport& local,
                                const NegotiatedSession* previous) {
  if (streams.empty()) throw JsepError(JsepErrorKind::NoSupportedCodec, "nothing to offer: no stream");
  JsepOffer result;
  SessionDescription& offer = result.description;
  NegotiatedSession& session = result.pending;
  offer = baseDescription(local);
  session.localSetup = SetupRole::ActPass;
  std::set<std::uint32_t> taken;
  // SSRCs that keep their mid are reserved first, so that no new stream can draw one of them.
  std::set<std::uint32_t> kept;
  if (previous != nullptr) {
    for (const auto& m : previous->media) {
      for (auto ssrc : {m.localSsrc, m.localRtxSsrc}) {
        if (ssrc) kept.insert(*ssrc);
      }
    }
    taken = kept;
  }
  const auto keepOrNew = [&](const std::optional<std::uint32_t>& before) {
    if (before && kept.erase(*before) == 1) return *before;  // each kept SSRC serves one stream only
    return newSsrc(taken);
  };
  sdp::Group group{"BUNDLE", {}};

  for (std::size_t i = 0; i < streams.size(); ++i) {
    const JsepOfferStream& s = streams[i];
    const CodecCapability* cap = capabilities_.codecByName(s.kind, s.codec);
    if (cap == nullptr) {
      throw JsepError(JsepErrorKind::NoSupportedCodec,
                      "cannot offer " + std::string(mediaKindName(s.kind)) + " codec '" + s.codec + "'");
    }
    NegotiatedMedia nm;
    nm.index = i;
    nm.mid = s.mid.value_or(std::to_string(i));
    nm.kind = std::string(mediaKindName(s.kind));
    // A removed stream stays a live, inactive m-line of the BUNDLE group (a port, transport attributes, no sender),
    // as Janus offers it: were every m-line offered with port 0, the browser would close the bundle transport.
    nm.accepted = true;
    nm.direction = s.active ? s.direction : Direction::Inactive;
    NegotiatedCodec codec{s.payloadType.value_or(cap->offerPayloadType),
                          cap->name,
                          cap->clockRate,
                          cap->channels.value_or(1),
                          s.fmtp.value_or(cap->offerFmtp),
                          std::nullopt};
    if (s.kind == MediaKind::Video && s.rtx && capabilities_.rtx && cap->offerRtxPayloadType) {
      std::uint8_t rtx = *cap->offerRtxPayloadType;
      if (s.payloadType) rtx = static_cast<std::uint8_t>(*s.payloadType < 127 ? *s.payloadType + 1 : 96);
      if (rtx != codec.payloadType) codec.rtxPayloadType = rtx;
    }
    nm.codec = codec;
    if (s.kind == MediaKind::Video) nm.rtcpFeedback = capabilities_.feedback;
    nm.rtcpReducedSize = s.kind == MediaKind::Video;

    MediaDescription m;
    m.kind = nm.kind;
    m.protocol = "UDP/TLS/RTP/SAVPF";
    m.mid = nm.mid;
    const bool ridSimulcast = s.kind == MediaKind::Video && sdp::sends(nm.direction) && !s.sendRids.empty();
    for (const auto& e : capabilities_.extensions) {
      const bool ridExtension = e.uri == ext::kRid || e.uri == ext::kRepairedRid;
      if (!(e.inOffers || (ridSimulcast && ridExtension)) || !(s.kind == MediaKind::Audio ? e.audio : e.video)) {
        continue;
      }
      m.extMaps.push_back(sdp::ExtMap{e.offerId, std::nullopt, e.uri, ""});
      nm.extensions.push_back(NegotiatedExtension{e.offerId, e.uri});
    }
    m.direction = nm.direction;
    m.rtcpMux = true;
    m.rtcpRsize = nm.rtcpReducedSize;
    addCodec(m, codec, nm.rtcpFeedback);
    if (ridSimulcast) {
      sdp::Simulcast simulcast;
      for (const auto& rid : s.sendRids) {
        m.rids.push_back(sdp::Rid{rid, true, ""});
        simulcast.send.push_back({sdp::SimulcastRid{rid, false}});
      }
      m.simulcast = std::move(simulcast);
      m.msids = {s.msid.value_or(sdp::Msid{local.msidStream, local.msidStream + nm.mid})};
      nm.localRids = s.sendRids;
    } else if (sdp::sends(nm.direction)) {
      const NegotiatedMedia* before = previous != nullptr ? previous->findMid(nm.mid) : nullptr;
      nm.localSsrc = keepOrNew(before != nullptr ? before->localSsrc : std::nullopt);
      if (codec.rtxPayloadType) nm.localRtxSsrc = keepOrNew(before != nullptr ? before->localRtxSsrc : std::nullopt);
      addLocalSender(m, nm, local, s.msid);
    }
    addLocalTransport(m, local, SetupRole::ActPass);
    group.mids.push_back(nm.mid);
    offer.media.push_back(std::move(m));
    session.media.push_back(std::move(nm));
  }
  session.bundleMids = group.mids;
  offer.groups.push_back(std::move(group));
  result.sdp = sdp::writeSdp(offer);
  return result;
}

NegotiatedSession JsepNegotiator::processAnswer(const JsepOffer& offer, std::string_view answerSdp) {
  const SessionDescription answer = parseOrThrow(answerSdp, "answer");
  const auto& offered = offer.description.media;
  if (answer.media.size() != offered.size()) {
    throw JsepError(JsepErrorKind::AnswerMismatch, "answer has " + std::to_string(answer.media.size()) +
                                                       " m-lines, the offer had " + std::to_string(offered.size()));
  }
  NegotiatedSession session = offer.pending;
  std::optional<std::size_t> transportIndex;

  for (std::size_t i = 0; i < offered.size(); ++i) {
    const MediaDescription& om = offered[i];
    const MediaDescription& am = answer.media[i];
    NegotiatedMedia& nm = session.media[i];
    if (am.kind != om.kind) {
      throw JsepError(JsepErrorKind::AnswerMismatch,
                      where(i, am) + " is " + am.kind + " in the answer but " + om.kind + " in the offer");
    }
    if (!am.mid) throw JsepError(JsepErrorKind::MissingMid, where(i, am) + " has no a=mid");
    if (*am.mid != *om.mid) {
      throw JsepError(JsepErrorKind::AnswerMismatch, where(i, am) + " does not match the offered mid " + *om.mid);
    }
    if (om.port == 0 || !nm.accepted) continue;
    if (am.port == 0) {
      // The remote rejected this m-line.
      nm.accepted = false;
      nm.direction = Direction::Inactive;
      nm.codec.reset();
      nm.localSsrc.reset();
      nm.localRtxSsrc.reset();
      nm.extensions.clear();
      nm.rtcpFeedback.clear();
      continue;
    }
    if (!am.rtcpMux) {
      throw JsepError(JsepErrorKind::MissingRtcpMux, where(i, am) + " has no a=rtcp-mux: rtcp-mux is required");
    }
    const Direction answered = am.effectiveDirection();
    if (sdp::sends(answered) && !sdp::receives(om.effectiveDirection())) {
      throw JsepError(JsepErrorKind::AnswerMismatch,
                      where(i, am) + " answers " + std::string(sdp::directionName(answered)) + " to a " +
                          std::string(sdp::directionName(om.effectiveDirection())) + " offer");
    }
    nm.direction = sdp::intersect(om.effectiveDirection(), sdp::reversed(answered));
    // Every m-line that is not rejected ends here: no sender when we do not send, the first carries the transport.
    const auto settle = [&] {
      if (!sdp::sends(nm.direction)) {
        nm.localSsrc.reset();
        nm.localRtxSsrc.reset();
        nm.localRids.clear();
      }
      if (!transportIndex) transportIndex = i;
    };
    if (om.effectiveDirection() == Direction::Inactive) {
      // A removed stream kept in the bundle: nothing flows on it, so its codec and extensions are not checked
      // again (whatever formats the answer lists); it still carries the transport.
      settle();
      continue;
    }

    const std::string pt = std::to_string(nm.codec->payloadType);
    if (std::find(am.formats.begin(), am.formats.end(), pt) == am.formats.end()) {
      throw JsepError(JsepErrorKind::AnswerMismatch,
                      where(i, am) + " does not accept the offered payload type " + pt + " (" + nm.codec->name + ")");
    }
    if (const sdp::RtpMap* map = am.rtpMap(nm.codec->payloadType);
        map != nullptr && !sdp::text::iequals(map->encoding, nm.codec->name)) {
      throw JsepError(JsepErrorKind::AnswerMismatch,
                      where(i, am) + " maps payload type " + pt + " to " + map->encoding + ", not " + nm.codec->name);
    }
    if (nm.codec->rtxPayloadType) {
      const std::string rtx = std::to_string(*nm.codec->rtxPayloadType);
      if (std::find(am.formats.begin(), am.formats.end(), rtx) == am.formats.end()) {
        nm.codec->rtxPayloadType.reset();
        nm.localRtxSsrc.reset();
      }
    }
    std::vector<NegotiatedExtension> extensions;
    for (const auto& e : am.extMaps) {
      const auto offeredId = nm.extensionId(e.uri);
      if (!offeredId) {
        throw JsepError(JsepErrorKind::AnswerMismatch, where(i, am) + " answers extension " + e.uri + " not offered");
      }
      if (*offeredId != e.id) {
        throw JsepError(JsepErrorKind::AnswerMismatch, where(i, am) + " moves extension " + e.uri + " from id " +
                                                           std::to_string(*offeredId) + " to " + std::to_string(e.id));
      }
      extensions.push_back(NegotiatedExtension{e.id, e.uri});
    }
    nm.extensions = std::move(extensions);
    std::vector<FeedbackCapability> feedback;
    for (const auto& fb : am.feedbackFor(nm.codec->payloadType)) {
      FeedbackCapability f{fb.type, fb.parameter};
      const bool offeredFb = std::find(nm.rtcpFeedback.begin(), nm.rtcpFeedback.end(), f) != nm.rtcpFeedback.end();
      if (offeredFb && std::find(feedback.begin(), feedback.end(), f) == feedback.end()) feedback.push_back(f);
    }
    nm.rtcpFeedback = std::move(feedback);
    nm.rtcpReducedSize = nm.rtcpReducedSize && am.rtcpRsize;
    if (!nm.localRids.empty()) {
      // Simulcast goes on only for the rids the answer receives (RFC 8853 §5.3); none: one plain stream.
      std::vector<std::string> accepted;
      for (const auto& rid : nm.localRids) {
        const bool received =
            std::any_of(am.rids.begin(), am.rids.end(), [&](const sdp::Rid& r) { return !r.send && r.id == rid; });
        if (received) accepted.push_back(rid);
      }
      nm.localRids = std::move(accepted);
    }
    if (sdp::receives(nm.direction)) fillRemoteSender(am, nm);
    settle();
  }
  if (!transportIndex) {
    // A renegotiation that took every stream away (a VideoRoom subscriber whose last feed left: every m-line
    // inactive) answered with every m-line rejected: valid, nothing flows and the transport stays as it was (the
    // caller keeps its remote parameters). Anything else with no m-line left is a failed negotiation.
    const bool nothingOffered = std::all_of(offered.begin(), offered.end(), [](const MediaDescription& m) {
      return m.port == 0 || m.effectiveDirection() == Direction::Inactive;
    });
    if (!nothingOffered) throw JsepError(JsepErrorKind::NoSupportedCodec, "the answer rejects every m-line");
    session.bundleMids.clear();
    return session;
  }

  const sdp::Group* bundle = answer.bundleGroup();
  std::vector<std::string> accepted;
  for (const auto& nm : session.media) {
    if (nm.accepted) accepted.push_back(nm.mid);
  }
  if (accepted.size() > 1) {
    if (bundle == nullptr) throw JsepError(JsepErrorKind::MissingBundle, "answer has no a=group:BUNDLE");
    for (const auto& mid : accepted) {
      if (std::find(bundle->mids.begin(), bundle->mids.end(), mid) == bundle->mids.end()) {
        throw JsepError(JsepErrorKind::MissingBundle, "answer leaves mid " + mid + " out of its BUNDLE group");
      }
    }
  }
  session.bundleMids = accepted;

  const sdp::TransportAttributes remote = answer.effectiveTransport(*transportIndex);
  takeRemoteTransport(remote, session, "answer");
  if (!remote.setup || (*remote.setup != SetupRole::Active && *remote.setup != SetupRole::Passive)) {
    throw JsepError(JsepErrorKind::BadSetup, "answer must carry a=setup:active or a=setup:passive");
  }
  session.remoteSetup = *remote.setup;
  session.localSetup = *remote.setup == SetupRole::Active ? SetupRole::Passive : SetupRole::Active;
  session.remoteIceLite = answer.iceLite;
  session.remoteCandidates = answer.media[*transportIndex].candidates;
  session.remoteEndOfCandidates = answer.media[*transportIndex].endOfCandidates;
  return session;
}

}  // namespace portunus::cp
