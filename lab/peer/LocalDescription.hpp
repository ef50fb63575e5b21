// Builds the lab peer's own SDP the way a browser does for a unified-plan, BUNDLEd, rtcp-mux PeerConnection:
// an offer with one audio (opus) and/or one video (VP8) m-line, or an answer that mirrors a server's offer
// (its mids and payload types, our direction reversed, anything that is not audio/video rejected with port 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/sdp/SessionDescription.hpp"
#include "lab/media/RtpSender.hpp"

namespace portunus::lab {

struct LocalMedia {
  MediaKind kind = MediaKind::Audio;
  std::string mid;
  std::uint8_t payload_type = 111;
  std::string codec = "opus";
  std::uint32_t clock_rate = 48000;
  std::optional<std::uint32_t> channels = 2;
  std::string fmtp;  // empty: no a=fmtp
  std::uint32_t ssrc = 0;
  std::optional<std::uint8_t> rtx_payload_type;  // RFC 4588 rtx codec with apt = payload_type
  std::uint32_t rtx_ssrc = 0;                    // our RTX SSRC (a=ssrc-group:FID) when we send with RTX
  sdp::Direction direction = sdp::Direction::SendRecv;
  bool rejected = false;      // answer only: port 0 (an m-line we cannot take)
  std::string rejected_kind;  // its kind and protocol as offered
  std::string rejected_protocol;
  std::vector<std::string> rejected_formats;
  /** Simulcast by rid (offer only): `a=rid:<rid> send` each and `a=simulcast:send` in this order (Chromium and
   *  janus.js: highest first, "h;m;l"), no a=ssrc lines; the mid and rid header extensions under these ids. */
  std::vector<std::string> rids;
  std::uint8_t mid_ext_id = 0;  // 0: no a=extmap
  std::uint8_t rid_ext_id = 0;
  /** Simulcast by SSRC group instead (offer only, lowest layer first): `a=ssrc` cname/msid for each and
   *  `a=ssrc-group:SIM` in this order, as janus.js munges it for browsers without rid support. */
  std::vector<std::uint32_t> sim_ssrcs;
};

struct LocalTransport {
  std::string ufrag;
  std::string pwd;
  std::string fingerprint_sha256;  // "AB:CD:..."
  sdp::SetupRole setup = sdp::SetupRole::ActPass;
  std::vector<std::string> candidates;  // "candidate:..." values, put on the first m-line
  bool end_of_candidates = false;
  bool trickle = true;  // a=ice-options:trickle
};

/** The default media of an offer: audio mid "0" opus/48000/2 PT 111, video mid "1" VP8/90000 PT 96. */
std::vector<LocalMedia> defaultOfferMedia(bool audio, bool video, std::uint32_t audioSsrc, std::uint32_t videoSsrc);

/** Our answer's media for a remote offer: audio → opus if offered (else the first PT), video → VP8 if offered. */
std::vector<LocalMedia> answerMedia(const sdp::SessionDescription& offer, bool audio, bool video,
                                    std::uint32_t audioSsrc, std::uint32_t videoSsrc);

/** RFC 4588 for a video m-line: in an offer (`offered` null) rtx PT `offerPayloadType`, in an answer the offer's
 *  rtx PT whose apt names our codec (none offered: no RTX). `rtxSsrc` is used when we send. */
void addRtx(LocalMedia& local, const sdp::MediaDescription* offered, std::uint8_t offerPayloadType,
            std::uint32_t rtxSsrc);

/** The RTX SSRC of `ssrc` in a remote m-line's a=ssrc-group:FID (0 if none). */
std::uint32_t remoteRtxSsrc(const sdp::MediaDescription& m, std::uint32_t ssrc);

sdp::SessionDescription buildDescription(const std::vector<LocalMedia>& media, const LocalTransport& transport,
                                         const std::string& cname);

}  // namespace portunus::lab
