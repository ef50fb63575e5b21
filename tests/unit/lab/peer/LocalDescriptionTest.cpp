#define BOOST_TEST_MODULE lab_peer
#include <boost/test/unit_test.hpp>

#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpWriter.hpp"
#include "lab/peer/LocalDescription.hpp"

using namespace portunus;
using namespace portunus::lab;

namespace {

const char* kFingerprint =
    "C1:3A:D5:6A:D7:4E:51:2E:F7:D4:0E:B5:E5:53:51:53:A2:5D:D0:BB:49:BB:88:5F:A9:0E:53:69:4B:72:F1:7F";

LocalTransport transport(sdp::SetupRole setup, bool candidates) {
  LocalTransport t;
  t.ufrag = "abcd";
  t.pwd = "0123456789abcdefghijkl";
  t.fingerprint_sha256 = kFingerprint;
  t.setup = setup;
  if (candidates) {
    t.candidates = {"candidate:1 1 udp 2015363327 198.18.30.2 40000 typ host"};
    t.end_of_candidates = true;
    t.trickle = false;
  }
  return t;
}

// A Janus VideoRoom subscriber offer (sendonly audio + video with RTX), plus a DataChannel m-line.
const char* kServerOffer =
    "v=0\r\no=- 1795698673499065 1 IN IP4 198.18.30.1\r\ns=VideoRoom 1234\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\n"
    "a=fingerprint:sha-256 C1:3A:D5:6A:D7:4E:51:2E:F7:D4:0E:B5:E5:53:51:53:A2:5D:D0:BB:49:BB:88:5F:A9:0E:53:69:4B:"
    "72:F1:7F\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 198.18.30.1\r\na=sendonly\r\na=mid:0\r\na=rtcp-mux\r\n"
    "a=ice-ufrag:Jdn1\r\na=ice-pwd:QNansA7D5yd/3bFAxFE6n9\r\na=setup:actpass\r\na=rtpmap:111 opus/48000/2\r\n"
    "a=ssrc:3130694747 cname:janus\r\na=candidate:1 1 udp 2015363327 198.18.30.1 37554 typ host\r\n"
    "a=end-of-candidates\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 97 96\r\nc=IN IP4 198.18.30.1\r\na=sendonly\r\na=mid:1\r\na=rtcp-mux\r\n"
    "a=ice-ufrag:Jdn1\r\na=ice-pwd:QNansA7D5yd/3bFAxFE6n9\r\na=setup:actpass\r\na=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\na=rtpmap:96 VP8/90000\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 198.18.30.1\r\na=mid:2\r\na=sctp-port:5000\r\n";

}  // namespace

BOOST_AUTO_TEST_CASE(offer_is_a_bundled_rtcp_mux_actpass_description) {
  struct Row {
    bool audio, video, candidates;
    std::vector<std::string> kinds, mids;
  };
  const Row rows[] = {
      {true, true, false, {"audio", "video"}, {"0", "1"}},
      {true, false, true, {"audio"}, {"0"}},
      {false, true, false, {"video"}, {"0"}},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT("audio " << row.audio << " video " << row.video) {
      const auto media = defaultOfferMedia(row.audio, row.video, 1111, 2222);
      const std::string text =
          sdp::writeSdp(buildDescription(media, transport(sdp::SetupRole::ActPass, row.candidates), "lab"));
      const sdp::SessionDescription d = sdp::parseSdp(text);  // our own output must parse
      BOOST_REQUIRE(d.bundleGroup() != nullptr);
      BOOST_TEST(d.bundleGroup()->mids == row.mids, boost::test_tools::per_element());
      BOOST_REQUIRE(d.media.size() == row.kinds.size());
      for (std::size_t i = 0; i < d.media.size(); ++i) {
        const auto& m = d.media[i];
        BOOST_TEST(m.kind == row.kinds[i]);
        BOOST_TEST(m.protocol == "UDP/TLS/RTP/SAVPF");
        BOOST_TEST(m.rtcpMux);
        BOOST_TEST((m.effectiveDirection() == sdp::Direction::SendRecv));
        const auto t = d.effectiveTransport(i);
        BOOST_TEST(t.iceUfrag.value_or("") == "abcd");
        BOOST_TEST((t.setup == sdp::SetupRole::ActPass));
        BOOST_REQUIRE(t.fingerprints.size() == 1u);
        BOOST_TEST(t.fingerprints[0].hex() == kFingerprint);
        BOOST_REQUIRE(!m.ssrcs.empty());
        BOOST_TEST(m.ssrcs[0].ssrc == (m.kind == "audio" ? 1111u : 2222u));
        BOOST_REQUIRE(m.rtpMaps.size() == 1u);
        BOOST_TEST(m.rtpMaps[0].encoding == (m.kind == "audio" ? "opus" : "VP8"));
      }
      BOOST_TEST(d.media[0].candidates.size() == (row.candidates ? 1u : 0u));
      BOOST_TEST(d.media[0].endOfCandidates == row.candidates);
    }
  }
}

BOOST_AUTO_TEST_CASE(answer_mirrors_a_server_offer) {
  const sdp::SessionDescription offer = sdp::parseSdp(kServerOffer);
  const auto media = answerMedia(offer, true, true, 5, 6);
  BOOST_REQUIRE(media.size() == 3u);
  BOOST_TEST(media[0].mid == "0");
  BOOST_TEST(media[0].payload_type == 111);
  BOOST_TEST((media[0].direction == sdp::Direction::RecvOnly));  // the server only sends
  BOOST_TEST(media[1].payload_type == 96);                       // VP8 preferred over the RTX PT listed first
  BOOST_TEST(media[1].codec == "VP8");
  BOOST_TEST(media[2].rejected);
  const sdp::SessionDescription answer =
      sdp::parseSdp(sdp::writeSdp(buildDescription(media, transport(sdp::SetupRole::Active, false), "lab")));
  BOOST_REQUIRE(answer.media.size() == 3u);
  BOOST_TEST(answer.media[2].port == 0u);
  BOOST_TEST(answer.media[2].kind == "application");
  BOOST_TEST(answer.bundleGroup()->mids == (std::vector<std::string>{"0", "1"}), boost::test_tools::per_element());
  BOOST_TEST((answer.effectiveTransport(0).setup == sdp::SetupRole::Active));
  BOOST_TEST(answer.media[0].ssrcs.empty());  // recvonly: we announce no SSRC
  // With audio switched off, the audio m-line is rejected too.
  const auto noAudio = answerMedia(offer, false, true, 5, 6);
  BOOST_TEST(noAudio[0].rejected);
  BOOST_TEST(!noAudio[1].rejected);
}

BOOST_AUTO_TEST_CASE(rtx_in_offer_and_answer) {
  // Offer: video gets rtx 97 apt=96 and, as we send, a=ssrc-group:FID video rtx; audio gets none.
  auto offerMedia = defaultOfferMedia(true, true, 5, 6);
  for (auto& m : offerMedia)
    addRtx(m, nullptr, 97, 7);
  BOOST_TEST(!offerMedia[0].rtx_payload_type.has_value());
  const sdp::SessionDescription offer =
      sdp::parseSdp(sdp::writeSdp(buildDescription(offerMedia, transport(sdp::SetupRole::ActPass, false), "lab")));
  const sdp::MediaDescription& v = offer.media[1];
  BOOST_TEST(v.formats == (std::vector<std::string>{"96", "97"}), boost::test_tools::per_element());
  BOOST_REQUIRE(v.rtpMap(97) != nullptr);
  BOOST_TEST(v.rtpMap(97)->encoding == "rtx");
  BOOST_TEST(v.fmtp(97) == "apt=96");
  BOOST_REQUIRE(v.ssrcGroups.size() == 1u);
  BOOST_TEST(v.ssrcGroups[0].semantics == "FID");
  BOOST_TEST(v.ssrcGroups[0].ssrcs == (std::vector<std::uint32_t>{6, 7}), boost::test_tools::per_element());
  BOOST_TEST(remoteRtxSsrc(v, 6) == 7u);
  BOOST_TEST(remoteRtxSsrc(v, 7) == 0u);
  BOOST_TEST(offer.media[0].ssrcGroups.empty());

  // Answer to an offer with rtx apt=96: the same rtx PT, no FID (recvonly); without rtx offered: none.
  const sdp::SessionDescription serverOffer = sdp::parseSdp(kServerOffer);
  auto media = answerMedia(serverOffer, true, true, 5, 6);
  for (std::size_t i = 0; i < media.size(); ++i)
    addRtx(media[i], &serverOffer.media[i], 0, 9);
  BOOST_TEST(media[1].rtx_payload_type.value_or(0) == 97);
  const sdp::SessionDescription answer =
      sdp::parseSdp(sdp::writeSdp(buildDescription(media, transport(sdp::SetupRole::Active, false), "lab")));
  BOOST_TEST(answer.media[1].fmtp(97) == "apt=96");
  BOOST_TEST(answer.media[1].ssrcGroups.empty());
  sdp::MediaDescription noRtx = serverOffer.media[1];
  noRtx.rtpMaps.erase(noRtx.rtpMaps.begin());
  LocalMedia plain = media[1];
  plain.rtx_payload_type.reset();
  addRtx(plain, &noRtx, 0, 9);
  BOOST_TEST(!plain.rtx_payload_type.has_value());
}

BOOST_AUTO_TEST_CASE(simulcast_offer_by_rid_or_by_ssrc_group) {
  struct Row {
    const char* name;
    bool byRid;
  };
  for (const Row row : {Row{"rid", true}, Row{"ssrc-group:SIM", false}}) {
    BOOST_TEST_CONTEXT(row.name) {
      auto media = defaultOfferMedia(false, true, 0, 2222);
      if (row.byRid) {
        media[0].rids = {"h", "m", "l"};
        media[0].mid_ext_id = 4;
        media[0].rid_ext_id = 10;
      } else {
        media[0].sim_ssrcs = {11, 22, 33};
      }
      const auto d =
          sdp::parseSdp(sdp::writeSdp(buildDescription(media, transport(sdp::SetupRole::ActPass, false), "lab")));
      BOOST_REQUIRE_EQUAL(d.media.size(), 1u);
      const auto& m = d.media[0];
      if (row.byRid) {
        // Chromium's form: rids highest first, the mid/rid extensions, no a=ssrc.
        BOOST_REQUIRE_EQUAL(m.rids.size(), 3u);
        BOOST_TEST(m.rids[0].id == "h");
        BOOST_TEST(m.rids[2].id == "l");
        BOOST_TEST(m.rids[0].send);
        BOOST_REQUIRE(m.simulcast.has_value());
        BOOST_REQUIRE_EQUAL(m.simulcast->send.size(), 3u);
        BOOST_TEST(m.simulcast->send[0][0].rid == "h");
        BOOST_REQUIRE_EQUAL(m.extMaps.size(), 2u);
        BOOST_TEST(m.extMaps[0].uri == "urn:ietf:params:rtp-hdrext:sdes:mid");
        BOOST_TEST(m.extMaps[1].id == 10);
        BOOST_TEST(m.extMaps[1].uri == "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id");
        BOOST_TEST(m.ssrcs.empty());
        BOOST_TEST(m.ssrcGroups.empty());
      } else {
        // janus.js's munged form: the layers' SSRCs lowest first in a SIM group, each with cname and msid.
        BOOST_REQUIRE_EQUAL(m.ssrcGroups.size(), 1u);
        BOOST_TEST(m.ssrcGroups[0].semantics == "SIM");
        BOOST_TEST(m.ssrcGroups[0].ssrcs == (std::vector<std::uint32_t>{11, 22, 33}), boost::test_tools::per_element());
        BOOST_TEST(m.ssrcs.size() == 6u);
        BOOST_TEST(m.rids.empty());
        BOOST_TEST(!m.simulcast.has_value());
      }
    }
  }
}
