#include "lab/peer/LocalDescription.hpp"

#include <strings.h>

#include <random>

#include "common/sdp/FmtpParameters.hpp"
#include "common/sdp/IceCandidate.hpp"

namespace portunus::lab {

std::vector<LocalMedia> defaultOfferMedia(bool audio, bool video, std::uint32_t audioSsrc, std::uint32_t videoSsrc) {
  std::vector<LocalMedia> media;
  if (audio) {
    media.push_back(LocalMedia{MediaKind::Audio, "0", 111, "opus", 48000, 2, "minptime=10;useinbandfec=1", audioSsrc});
  }
  if (video) {
    media.push_back(LocalMedia{MediaKind::Video, audio ? "1" : "0", 96, "VP8", 90000, std::nullopt, "", videoSsrc});
  }
  return media;
}

namespace {

std::optional<std::uint8_t> pickPayloadType(const sdp::MediaDescription& m, const std::string& preferred) {
  for (const auto& map : m.rtpMaps) {
    if (strcasecmp(map.encoding.c_str(), preferred.c_str()) == 0) return map.payloadType;
  }
  if (!m.rtpMaps.empty()) return m.rtpMaps.front().payloadType;
  return std::nullopt;
}

std::vector<std::uint8_t> decodeFingerprint(const std::string& hex) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 3) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return bytes;
}

}  // namespace

std::vector<LocalMedia> answerMedia(const sdp::SessionDescription& offer, bool audio, bool video,
                                    std::uint32_t audioSsrc, std::uint32_t videoSsrc) {
  std::vector<LocalMedia> media;
  for (const auto& m : offer.media) {
    const bool isAudio = m.kind == "audio", isVideo = m.kind == "video";
    std::optional<std::uint8_t> pt;
    if (m.isRtp() && m.port != 0 && ((isAudio && audio) || (isVideo && video))) {
      pt = pickPayloadType(m, isAudio ? "opus" : "VP8");
    }
    LocalMedia local;
    local.mid = m.mid.value_or(std::to_string(media.size()));
    if (!pt) {
      local.rejected = true;
      local.rejected_kind = m.kind;
      local.rejected_protocol = m.protocol;
      local.rejected_formats = m.formats;
      media.push_back(local);
      continue;
    }
    const sdp::RtpMap* map = m.rtpMap(*pt);
    local.kind = isAudio ? MediaKind::Audio : MediaKind::Video;
    local.payload_type = *pt;
    local.codec = map->encoding;
    local.clock_rate = map->clockRate;
    local.channels = map->channels;
    local.fmtp = std::string(m.fmtp(*pt));
    local.ssrc = isAudio ? audioSsrc : videoSsrc;
    // We answer what the offerer allows: if it only sends, we only receive.
    local.direction = sdp::reversed(m.effectiveDirection());
    media.push_back(local);
  }
  return media;
}

void addRtx(LocalMedia& local, const sdp::MediaDescription* offered, std::uint8_t offerPayloadType,
            std::uint32_t rtxSsrc) {
  if (local.rejected || local.kind != MediaKind::Video) return;
  if (offered == nullptr) {
    local.rtx_payload_type = offerPayloadType;
  } else {
    for (const auto& map : offered->rtpMaps) {
      if (strcasecmp(map.encoding.c_str(), "rtx") != 0) continue;
      const auto apt = sdp::fmtpParameter(offered->fmtp(map.payloadType), "apt");
      if (apt && *apt == std::to_string(local.payload_type)) local.rtx_payload_type = map.payloadType;
    }
  }
  if (local.rtx_payload_type) local.rtx_ssrc = rtxSsrc;
}

std::uint32_t remoteRtxSsrc(const sdp::MediaDescription& m, std::uint32_t ssrc) {
  for (const auto& g : m.ssrcGroups)
    if (g.semantics == "FID" && g.ssrcs.size() == 2 && g.ssrcs[0] == ssrc) return g.ssrcs[1];
  return 0;
}

sdp::SessionDescription buildDescription(const std::vector<LocalMedia>& media, const LocalTransport& transport,
                                         const std::string& cname) {
  sdp::SessionDescription d;
  std::random_device rd;
  d.origin.username = "-";
  d.origin.sessionId = std::to_string((static_cast<std::uint64_t>(rd()) << 20) ^ rd());
  d.origin.sessionVersion = "2";
  d.origin.address = "127.0.0.1";
  d.sessionName = "-";
  d.msidSemantic = " WMS portunus-lab";
  sdp::Group bundle{"BUNDLE", {}};
  for (const auto& local : media) {
    if (!local.rejected) bundle.mids.push_back(local.mid);
  }
  d.groups.push_back(bundle);
  bool first = true;
  for (const auto& local : media) {
    sdp::MediaDescription m;
    m.mid = local.mid;
    if (local.rejected) {
      m.kind = local.rejected_kind;
      m.port = 0;
      m.protocol = local.rejected_protocol;
      m.formats = local.rejected_formats;
      m.connection = sdp::Connection{};
      d.media.push_back(std::move(m));
      continue;
    }
    m.kind = std::string(mediaKindName(local.kind));
    m.port = 9;
    m.protocol = "UDP/TLS/RTP/SAVPF";
    m.formats = {std::to_string(local.payload_type)};
    m.connection = sdp::Connection{};
    m.rtcp = "9 IN IP4 0.0.0.0";
    m.transport.iceUfrag = transport.ufrag;
    m.transport.icePwd = transport.pwd;
    if (transport.trickle) m.transport.iceOptions = {"trickle"};
    m.transport.fingerprints.push_back(sdp::Fingerprint{"sha-256", decodeFingerprint(transport.fingerprint_sha256)});
    m.transport.setup = transport.setup;
    m.direction = local.direction;
    m.msids.push_back(sdp::Msid{"portunus-lab", std::string(mediaKindName(local.kind)) + "-" + local.mid});
    m.rtcpMux = true;
    m.rtcpRsize = true;
    m.rtpMaps.push_back(sdp::RtpMap{local.payload_type, local.codec, local.clock_rate, local.channels});
    if (local.kind == MediaKind::Video) {
      for (const char* fb : {"nack", "ccm", "goog-remb"}) {
        sdp::RtcpFeedback feedback{local.payload_type, fb, std::string(fb) == "ccm" ? "fir" : ""};
        m.rtcpFeedback.push_back(feedback);
      }
      m.rtcpFeedback.push_back(sdp::RtcpFeedback{local.payload_type, "nack", "pli"});
    }
    if (!local.fmtp.empty()) m.fmtps.push_back(sdp::Fmtp{local.payload_type, local.fmtp});
    if (local.rtx_payload_type) {
      m.formats.push_back(std::to_string(*local.rtx_payload_type));
      m.rtpMaps.push_back(sdp::RtpMap{*local.rtx_payload_type, "rtx", local.clock_rate, std::nullopt});
      m.fmtps.push_back(sdp::Fmtp{*local.rtx_payload_type, "apt=" + std::to_string(local.payload_type)});
    }
    if (local.mid_ext_id)
      m.extMaps.push_back(sdp::ExtMap{local.mid_ext_id, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", ""});
    if (local.rid_ext_id)
      m.extMaps.push_back(
          sdp::ExtMap{local.rid_ext_id, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", ""});
    if (!local.rids.empty()) {
      sdp::Simulcast simulcast;
      for (const auto& rid : local.rids) {
        m.rids.push_back(sdp::Rid{rid, true, ""});
        simulcast.send.push_back({sdp::SimulcastRid{rid, false}});
      }
      m.simulcast = simulcast;
    }
    if (sdp::sends(local.direction) && !local.sim_ssrcs.empty()) {
      const std::string msid = "portunus-lab " + std::string(mediaKindName(local.kind)) + "-" + local.mid;
      for (auto ssrc : local.sim_ssrcs) {
        m.ssrcs.push_back(sdp::SsrcAttribute{ssrc, "cname", cname});
        m.ssrcs.push_back(sdp::SsrcAttribute{ssrc, "msid", msid});
      }
      m.ssrcGroups.push_back(sdp::SsrcGroup{"SIM", local.sim_ssrcs});
    } else if (sdp::sends(local.direction) && local.rids.empty()) {
      const bool rtx = local.rtx_payload_type && local.rtx_ssrc;
      if (rtx) m.ssrcGroups.push_back(sdp::SsrcGroup{"FID", {local.ssrc, local.rtx_ssrc}});
      for (std::uint32_t ssrc : {local.ssrc, rtx ? local.rtx_ssrc : 0u}) {
        if (ssrc == 0) continue;
        m.ssrcs.push_back(sdp::SsrcAttribute{ssrc, "cname", cname});
        m.ssrcs.push_back(sdp::SsrcAttribute{
            ssrc, "msid", "portunus-lab " + std::string(mediaKindName(local.kind)) + "-" + local.mid});
      }
    }
    if (first) {
      for (const auto& text : transport.candidates)
        m.candidates.push_back(sdp::parseIceCandidate(text));
      m.endOfCandidates = transport.end_of_candidates;
      first = false;
    }
    d.media.push_back(std::move(m));
  }
  return d;
}

}  // namespace portunus::lab
