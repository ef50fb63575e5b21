#define BOOST_TEST_MODULE controlplane_webrtc_jsep
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <regex>

#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpWriter.hpp"
#include "controlplane/webrtc/JsepNegotiator.hpp"
#include "tests/unit/common/sdp/SdpFixtures.hpp"

using namespace portunus::cp;
using portunus::sdp::Direction;
using portunus::sdp::SetupRole;
using portunus::sdp::testing::readFixture;
namespace sdp = portunus::sdp;
namespace bdata = boost::unit_test::data;

namespace {

JsepLocalTransport localTransport() {
  JsepLocalTransport t;
  t.iceUfrag = "pUfr";
  t.icePwd = "portunusportunusportunus";
  t.fingerprint.algorithm = "sha-256";
  for (int i = 0; i < 32; ++i) {
    t.fingerprint.bytes.push_back(static_cast<std::uint8_t>(0xa0 + i));
  }
  sdp::IceCandidate host;
  host.foundation = "1";
  host.transport = "udp";
  host.priority = 2130706431;
  host.address = "198.18.0.1";
  host.port = 40000;
  host.type = "host";
  t.candidates.push_back(host);
  t.sessionId = "7";
  return t;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

std::string withoutLines(const std::string& text, const std::string& prefix) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    end = end == std::string::npos ? text.size() : end + 2;
    const std::string line = text.substr(pos, end - pos);
    if (!line.starts_with(prefix)) out += line;
    pos = end;
  }
  return out;
}

JsepError expectError(const std::function<void()>& f) {
  try {
    f();
  } catch (const JsepError& e) {
    return e;
  }
  BOOST_FAIL("expected JsepError");
  throw std::logic_error("unreachable");
}

std::vector<std::uint16_t> ids(const NegotiatedMedia& m) {
  std::vector<std::uint16_t> out;
  for (const auto& e : m.extensions) {
    out.push_back(e.id);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(chromium_offer_with_data_channel_gets_data_rejected) {
  JsepNegotiator negotiator(JsepCapabilities::portunusDefaults(), 1234);
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-audio-video-data.sdp"), localTransport());
  const NegotiatedSession& s = a.session;
  BOOST_REQUIRE_EQUAL(s.media.size(), 3u);
  BOOST_TEST(s.bundleMids == (std::vector<std::string>{"0", "1"}), boost::test_tools::per_element());

  const NegotiatedMedia& audio = s.media[0];
  BOOST_TEST(audio.accepted);
  BOOST_TEST((audio.direction == Direction::SendRecv));
  BOOST_TEST(audio.codec->name == "opus");
  BOOST_TEST(audio.codec->payloadType == 111);
  BOOST_TEST(audio.codec->clockRate == 48000u);
  BOOST_TEST(audio.codec->channels == 2u);
  BOOST_TEST(audio.codec->fmtp == "minptime=10;useinbandfec=1");
  BOOST_TEST(!audio.codec->rtxPayloadType.has_value());
  BOOST_TEST(ids(audio) == (std::vector<std::uint16_t>{1, 2, 4}), boost::test_tools::per_element());
  BOOST_TEST(audio.rtcpFeedback.empty());  // transport-cc is not offered back
  BOOST_REQUIRE_EQUAL(audio.remoteStreams.size(), 1u);
  BOOST_TEST(audio.remoteStreams[0].ssrc == 3735928559u);
  BOOST_TEST(audio.remoteCname == "Lx7mRHX1r7QWgJvM");
  BOOST_TEST(audio.localSsrc.has_value());
  BOOST_TEST(!audio.localRtxSsrc.has_value());

  const NegotiatedMedia& video = s.media[1];
  BOOST_TEST(video.codec->name == "VP8");
  BOOST_TEST(video.codec->payloadType == 96);
  BOOST_TEST(video.codec->clockRate == 90000u);
  BOOST_TEST(*video.codec->rtxPayloadType == 97);
  // toffset (14), transport-cc (3), video-content-type, video-timing, color-space are not ours.
  BOOST_TEST(ids(video) == (std::vector<std::uint16_t>{2, 13, 5, 4, 10, 11}), boost::test_tools::per_element());
  BOOST_TEST(*video.extensionId(ext::kMid) == 4);
  BOOST_TEST(*video.extensionId(ext::kRid) == 10);
  BOOST_TEST(!video.extensionId(ext::kTransportCc).has_value());
  BOOST_TEST(video.hasFeedback("nack"));
  BOOST_TEST(video.hasFeedback("nack", "pli"));
  BOOST_TEST(video.hasFeedback("ccm", "fir"));
  BOOST_TEST(video.hasFeedback("goog-remb"));
  BOOST_TEST(!video.hasFeedback("transport-cc"));
  BOOST_TEST(video.rtcpReducedSize);
  BOOST_REQUIRE_EQUAL(video.remoteStreams.size(), 1u);
  BOOST_TEST(video.remoteStreams[0].ssrc == 2241813186u);
  BOOST_TEST(*video.remoteStreams[0].rtxSsrc == 1606347306u);
  BOOST_TEST(video.remoteMsid->trackId == "af2af9a1-bf47-4f45-84c8-4f79c22a6815");
  BOOST_REQUIRE(video.localSsrc && video.localRtxSsrc);
  BOOST_TEST(*video.localSsrc != *video.localRtxSsrc);

  BOOST_TEST(!s.media[2].accepted);
  BOOST_TEST(s.media[2].kind == "application");

  BOOST_TEST(s.remoteIceUfrag == "Ht6m");
  BOOST_TEST(s.remoteIcePwd == "C11GoFVXe7xVzbuz3IkOcvYL");
  BOOST_TEST(s.remoteFingerprint.algorithm == "sha-256");
  BOOST_TEST(s.remoteFingerprint.hex().starts_with("65:0E:2A"));
  BOOST_TEST((s.remoteSetup == SetupRole::ActPass));
  BOOST_TEST((s.localSetup == SetupRole::Active));

  // The answer text as the browser will read it.
  const sdp::SessionDescription answer = sdp::parseSdp(a.sdp);
  BOOST_TEST((answer == a.description));
  BOOST_TEST(a.sdp.find("transport-cc") == std::string::npos);
  BOOST_TEST(a.sdp.find("a=group:BUNDLE 0 1\r\n") != std::string::npos);
  BOOST_TEST(a.sdp.find("m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n") != std::string::npos);
  BOOST_TEST(a.sdp.find("m=audio 40000 UDP/TLS/RTP/SAVPF 111\r\n") != std::string::npos);
  BOOST_TEST(a.sdp.find("m=video 40000 UDP/TLS/RTP/SAVPF 96 97\r\n") != std::string::npos);
  BOOST_TEST(a.sdp.find("a=fmtp:97 apt=96\r\n") != std::string::npos);
  BOOST_TEST(a.sdp.find("a=ssrc-group:FID " + std::to_string(*video.localSsrc) + " " +
                        std::to_string(*video.localRtxSsrc) + "\r\n") != std::string::npos);
  for (std::size_t i = 0; i < 2; ++i) {
    const sdp::MediaDescription& m = answer.media[i];
    BOOST_TEST((m.transport.setup == SetupRole::Active));
    BOOST_TEST(*m.transport.iceUfrag == "pUfr");
    BOOST_TEST(m.rtcpMux);
    BOOST_TEST(m.candidates.size() == 1u);
    BOOST_TEST(m.endOfCandidates);
    BOOST_TEST(m.connection->address == "198.18.0.1");
  }
  BOOST_TEST(answer.media[2].port == 0);
  BOOST_TEST(*answer.media[2].mid == "2");
}

BOOST_AUTO_TEST_CASE(firefox_offer) {
  JsepNegotiator negotiator;
  const JsepAnswer a = negotiator.answer(readFixture("firefox-offer-audio-video-data.sdp"), localTransport());
  const NegotiatedSession& s = a.session;
  BOOST_TEST(s.media[0].codec->payloadType == 109);
  BOOST_TEST(s.media[0].codec->fmtp == "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  BOOST_TEST(ids(s.media[0]) == (std::vector<std::uint16_t>{1, 3}), boost::test_tools::per_element());
  BOOST_TEST(s.media[1].codec->name == "VP8");
  BOOST_TEST(s.media[1].codec->payloadType == 120);
  BOOST_TEST(*s.media[1].codec->rtxPayloadType == 124);
  BOOST_TEST(ids(s.media[1]) == (std::vector<std::uint16_t>{3, 4, 6}), boost::test_tools::per_element());
  BOOST_TEST(s.media[1].remoteStreams[0].ssrc == 3264421234u);
  BOOST_TEST(*s.media[1].remoteStreams[0].rtxSsrc == 1818201917u);
  BOOST_TEST(!s.media[2].accepted);
  BOOST_TEST(s.remoteIceUfrag == "5a8ad4c2");
  BOOST_TEST(s.remoteFingerprint.hex().starts_with("D8:C7"));  // from session level
  // Firefox's playout-delay mapping is recvonly: the answer mirrors it as sendonly.
  const sdp::SessionDescription answer = sdp::parseSdp(a.sdp);
  const auto& exts = answer.media[1].extMaps;
  const auto playout = std::find_if(exts.begin(), exts.end(), [](const sdp::ExtMap& e) { return e.id == 6; });
  BOOST_REQUIRE(playout != exts.end());
  BOOST_TEST((playout->direction == Direction::SendOnly));
}

BOOST_AUTO_TEST_CASE(simulcast_publisher_with_rids) {
  JsepNegotiator negotiator;
  JsepAnswerOptions publisher;
  publisher.audio = Direction::RecvOnly;
  publisher.video = Direction::RecvOnly;
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-simulcast-rid.sdp"), localTransport(), publisher);
  const NegotiatedMedia& video = a.session.media[1];
  BOOST_TEST((video.direction == Direction::RecvOnly));
  BOOST_TEST(video.remoteSimulcast);
  BOOST_TEST(video.remoteRids == (std::vector<std::string>{"h", "m", "l"}), boost::test_tools::per_element());
  BOOST_TEST(video.remoteStreams.empty());  // learned from the rid extension at run time
  BOOST_TEST(!video.localSsrc.has_value());
  BOOST_TEST(*video.extensionId(ext::kRid) == 10);
  BOOST_TEST(*video.extensionId(ext::kRepairedRid) == 11);
  BOOST_TEST(a.session.remoteCandidates.size() == 4u);
  BOOST_TEST(a.session.remoteCandidates[2].type == "srflx");
  const sdp::SessionDescription answer = sdp::parseSdp(a.sdp);
  const sdp::MediaDescription& m = answer.media[1];
  BOOST_TEST((m.direction == Direction::RecvOnly));
  BOOST_REQUIRE_EQUAL(m.rids.size(), 3u);
  BOOST_TEST(!m.rids[0].send);
  BOOST_TEST(m.simulcast->recv.size() == 3u);
  BOOST_TEST(m.ssrcs.empty());
  BOOST_TEST(m.msids.empty());
  BOOST_TEST(a.sdp.find("a=simulcast:recv h;m;l\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(legacy_ssrc_simulcast_maps_rtx_per_layer) {
  JsepNegotiator negotiator;
  JsepAnswerOptions publisher;
  publisher.video = Direction::RecvOnly;
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-simulcast-ssrc.sdp"), localTransport(), publisher);
  const NegotiatedMedia& video = a.session.media[0];
  BOOST_TEST(video.remoteSimulcast);
  const std::vector<RemoteStream> expected = {{100, 101}, {200, 201}, {300, 301}};
  BOOST_TEST((video.remoteStreams == expected));
  BOOST_TEST(video.remoteCname == "legacycname");
}

BOOST_AUTO_TEST_CASE(janus_subscriber_offer_is_answered_like_a_browser_would) {
  // The lab peer answers Janus's (and Portunus's) subscriber offers with the same negotiator.
  JsepNegotiator negotiator;
  const JsepAnswer a = negotiator.answer(readFixture("janus-videoroom-subscriber-offer.sdp"), localTransport());
  const NegotiatedSession& s = a.session;
  BOOST_TEST((s.media[0].direction == Direction::RecvOnly));
  BOOST_TEST((s.media[1].direction == Direction::RecvOnly));
  BOOST_TEST(s.media[1].remoteStreams[0].ssrc == 3777212545u);
  BOOST_TEST(*s.media[1].remoteStreams[0].rtxSsrc == 2172377309u);
  BOOST_TEST(s.remoteCandidates.size() == 3u);
  BOOST_TEST(s.remoteEndOfCandidates);
  BOOST_TEST(s.remoteFingerprint.hex().starts_with("C1:3A:D5"));
  BOOST_TEST(!s.media[1].localSsrc.has_value());
}

namespace {

struct PreferenceCase {
  const char* name;
  std::vector<std::string> preferredVideo;
  std::string profile;
  std::uint8_t expectedPt;
  std::optional<std::uint8_t> expectedRtx;
};
std::ostream& operator<<(std::ostream& os, const PreferenceCase& c) {
  return os << c.name;
}

const std::vector<PreferenceCase> kPreferences = {
    {"offer order", {}, "", 96, 97},
    {"vp9", {"vp9"}, "", 98, 99},
    {"vp9 profile 2", {"VP9"}, "2", 100, 101},
    {"h264 first packetization-mode=1", {"h264"}, "", 102, 103},
    {"h264 42e01f skips packetization-mode=0", {"h264"}, "42e01f", 106, 107},
    {"h264 main profile", {"h264"}, "4d001f", 127, 125},
    {"av1", {"av1"}, "", 39, 40},
    {"unknown first, then vp9", {"h265", "vp9"}, "", 98, 99},
    {"profile without a matching codec falls back to the name", {"vp8"}, "42e01f", 96, 97},
};

}  // namespace

BOOST_DATA_TEST_CASE(preferred_video_codec, bdata::make(kPreferences), c) {
  JsepNegotiator negotiator;
  JsepAnswerOptions options;
  options.preferredVideoCodecs = c.preferredVideo;
  options.videoProfile = c.profile;
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-audio-video-data.sdp"), localTransport(), options);
  const NegotiatedMedia& video = a.session.media[1];
  BOOST_TEST(video.codec->payloadType == c.expectedPt);
  BOOST_TEST((video.codec->rtxPayloadType == c.expectedRtx));
  const sdp::SessionDescription answer = sdp::parseSdp(a.sdp);
  BOOST_TEST(answer.media[1].formats.front() == std::to_string(c.expectedPt));
  BOOST_TEST(answer.media[1].fmtp(*c.expectedRtx) == "apt=" + std::to_string(c.expectedPt));
}

BOOST_AUTO_TEST_CASE(preferred_audio_codec_and_static_payload_types) {
  JsepNegotiator negotiator;
  JsepAnswerOptions options;
  options.preferredAudioCodecs = {"pcma"};
  BOOST_TEST(negotiator.answer(readFixture("chromium-offer-audio-video-data.sdp"), localTransport(), options)
                 .session.media[0]
                 .codec->payloadType == 8);
  options.preferredAudioCodecs = {"g722"};
  BOOST_TEST(negotiator.answer(readFixture("firefox-offer-audio-video-data.sdp"), localTransport(), options)
                 .session.media[0]
                 .codec->payloadType == 9);
  // PCMU without an rtpmap line: static payload type 0 (RFC 3551).
  std::string offer = readFixture("chromium-offer-audio-video-data.sdp");
  offer = replaceAll(offer, "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "m=audio 9 UDP/TLS/RTP/SAVPF 0 13");
  offer = withoutLines(offer, "a=rtpmap:0 ");
  const JsepAnswer a = negotiator.answer(offer, localTransport());
  BOOST_TEST(a.session.media[0].codec->name == "PCMU");
  BOOST_TEST(a.sdp.find("a=rtpmap:0 PCMU/8000\r\n") != std::string::npos);
}

namespace {

struct DirectionCase {
  const char* offered;
  Direction policy;
  Direction expected;
};
std::ostream& operator<<(std::ostream& os, const DirectionCase& c) {
  return os << c.offered << " under " << sdp::directionName(c.policy);
}

const std::vector<DirectionCase> kDirections = {
    {"sendrecv", Direction::SendRecv, Direction::SendRecv},  // EchoTest mirror
    {"sendonly", Direction::SendRecv, Direction::RecvOnly},
    {"recvonly", Direction::SendRecv, Direction::SendOnly},
    {"inactive", Direction::SendRecv, Direction::Inactive},
    {"sendrecv", Direction::RecvOnly, Direction::RecvOnly},  // VideoRoom publisher
    {"sendonly", Direction::RecvOnly, Direction::RecvOnly},
    {"recvonly", Direction::RecvOnly, Direction::Inactive},
    {"sendrecv", Direction::SendOnly, Direction::SendOnly},
};

}  // namespace

BOOST_DATA_TEST_CASE(answer_direction_follows_offer_and_plugin, bdata::make(kDirections), c) {
  JsepNegotiator negotiator;
  JsepAnswerOptions options;
  options.audio = c.policy;
  options.video = c.policy;
  const std::string offer =
      replaceAll(readFixture("chromium-offer-audio-video-data.sdp"), "a=sendrecv", std::string("a=") + c.offered);
  const JsepAnswer a = negotiator.answer(offer, localTransport(), options);
  for (std::size_t i = 0; i < 2; ++i) {
    const NegotiatedMedia& m = a.session.media[i];
    BOOST_TEST((m.direction == c.expected));
    BOOST_TEST(m.localSsrc.has_value() == sdp::sends(c.expected));
    BOOST_TEST(m.remoteStreams.empty() == !sdp::receives(c.expected));
    BOOST_TEST((*a.description.media[i].direction == c.expected));
    BOOST_TEST(a.description.media[i].ssrcs.empty() == !sdp::sends(c.expected));
  }
}

BOOST_AUTO_TEST_CASE(full_trickle_leaves_candidates_out) {
  JsepNegotiator negotiator;
  JsepLocalTransport local = localTransport();
  local.fullTrickle = true;
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-audio-video-data.sdp"), local);
  BOOST_TEST(a.sdp.find("a=candidate") == std::string::npos);
  BOOST_TEST(a.sdp.find("a=end-of-candidates") == std::string::npos);
  BOOST_TEST(a.description.media[0].port == 9);
  BOOST_TEST(a.description.media[0].connection->address == "0.0.0.0");
}

BOOST_AUTO_TEST_CASE(dtls_role_follows_the_offer) {
  JsepNegotiator negotiator;
  const std::string offer = readFixture("chromium-offer-audio-video-data.sdp");
  const JsepAnswer passive =
      negotiator.answer(replaceAll(offer, "a=setup:actpass", "a=setup:active"), localTransport());
  BOOST_TEST((passive.session.localSetup == SetupRole::Passive));
  BOOST_TEST(passive.sdp.find("a=setup:passive") != std::string::npos);
  const JsepAnswer active =
      negotiator.answer(replaceAll(offer, "a=setup:actpass", "a=setup:passive"), localTransport());
  BOOST_TEST((active.session.localSetup == SetupRole::Active));
  const JsepAnswer absent = negotiator.answer(withoutLines(offer, "a=setup:"), localTransport());
  BOOST_TEST((absent.session.localSetup == SetupRole::Active));
}

namespace {

struct OfferErrorCase {
  const char* name;
  std::function<std::string(std::string)> mutate;
  JsepErrorKind kind;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const OfferErrorCase& c) {
  return os << c.name;
}

const std::vector<OfferErrorCase> kOfferErrors = {
    {"garbage", [](std::string) { return std::string("this is not SDP"); }, JsepErrorKind::InvalidSdp,
     "invalid SDP in offer: line 1: expected '<type>=<value>'"},
    {"bad rtpmap", [](std::string s) { return replaceAll(s, "a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus"); },
     JsepErrorKind::InvalidSdp, "missing clock rate"},
    {"no fingerprint", [](std::string s) { return withoutLines(s, "a=fingerprint:"); },
     JsepErrorKind::MissingFingerprint, "no a=fingerprint"},
    {"unknown fingerprint hash",
     [](std::string s) { return replaceAll(s, "a=fingerprint:sha-256", "a=fingerprint:md5"); },
     JsepErrorKind::MissingFingerprint, "no usable a=fingerprint"},
    {"no ice-ufrag", [](std::string s) { return withoutLines(s, "a=ice-ufrag:"); },
     JsepErrorKind::MissingIceCredentials, "no ICE credentials"},
    {"no ice-pwd", [](std::string s) { return withoutLines(s, "a=ice-pwd:"); }, JsepErrorKind::MissingIceCredentials,
     "a=ice-pwd"},
    {"no rtcp-mux", [](std::string s) { return withoutLines(s, "a=rtcp-mux"); }, JsepErrorKind::MissingRtcpMux,
     "m-line 0 (mid 0) has no a=rtcp-mux"},
    {"no bundle", [](std::string s) { return withoutLines(s, "a=group:BUNDLE"); }, JsepErrorKind::MissingBundle,
     "BUNDLE"},
    {"no mid", [](std::string s) { return withoutLines(s, "a=mid:1"); }, JsepErrorKind::MissingMid,
     "m-line 1 has no a=mid"},
    {"holdconn", [](std::string s) { return replaceAll(s, "a=setup:actpass", "a=setup:holdconn"); },
     JsepErrorKind::BadSetup, "holdconn"},
    {"only unsupported codecs",
     [](std::string s) {
       // audio: comfort noise and DTMF only; video: H264 packetization-mode=0 and red/ulpfec only.
       s = replaceAll(s, "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "m=audio 9 UDP/TLS/RTP/SAVPF 13 110");
       return replaceAll(
           s, "UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 104 105 106 107 108 109 127 125 39 40 112 113 114",
           "UDP/TLS/RTP/SAVPF 104 105 108 109 112 114");
     },
     JsepErrorKind::NoSupportedCodec, "no audio or video m-line with a supported codec"},
    {"data channel only",
     [](std::string s) {
       return "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 2\r\n" +
              s.substr(s.find("m=application"));
     },
     JsepErrorKind::NoSupportedCodec, "no audio or video m-line"},
};

}  // namespace

BOOST_DATA_TEST_CASE(bad_offers_are_typed_errors, bdata::make(kOfferErrors), c) {
  JsepNegotiator negotiator;
  const std::string offer = c.mutate(readFixture("chromium-offer-audio-video-data.sdp"));
  const JsepError e = expectError([&] { negotiator.answer(offer, localTransport()); });
  BOOST_TEST(jsepErrorKindName(e.kind()) == jsepErrorKindName(c.kind));
  BOOST_TEST(e.janusCode() == 465);
  const JanusError& asJanus = e;  // what the API edge catches
  BOOST_TEST((asJanus.code() == ErrorCode::JsepInvalidSdp));
  BOOST_TEST(std::string(e.what()).find(c.reason) != std::string::npos, "reason: " << e.what());
}

namespace {

std::vector<JsepOfferStream> subscriberStreams() {
  JsepOfferStream audio;
  audio.kind = MediaKind::Audio;
  audio.codec = "opus";
  JsepOfferStream video;
  video.kind = MediaKind::Video;
  video.codec = "vp8";
  return {audio, video};
}

}  // namespace

BOOST_AUTO_TEST_CASE(subscriber_offer_and_browser_answer) {
  JsepNegotiator negotiator(JsepCapabilities::portunusDefaults(), 99);
  const JsepOffer offer = negotiator.offer(subscriberStreams(), localTransport());
  const sdp::SessionDescription parsed = sdp::parseSdp(offer.sdp);
  BOOST_TEST((parsed == offer.description));
  BOOST_REQUIRE_EQUAL(parsed.media.size(), 2u);
  BOOST_TEST(parsed.bundleGroup()->mids == (std::vector<std::string>{"0", "1"}), boost::test_tools::per_element());
  for (const auto& m : parsed.media) {
    BOOST_TEST((m.transport.setup == SetupRole::ActPass));
    BOOST_TEST((m.direction == Direction::SendOnly));
    BOOST_TEST(m.rtcpMux);
    BOOST_TEST(m.msids.size() == 1u);
    BOOST_TEST(m.endOfCandidates);
  }
  BOOST_TEST(parsed.media[0].formats == std::vector<std::string>{"111"}, boost::test_tools::per_element());
  BOOST_TEST(parsed.media[1].formats == (std::vector<std::string>{"96", "97"}), boost::test_tools::per_element());
  BOOST_TEST(parsed.media[1].ssrcGroups[0].semantics == "FID");
  BOOST_TEST(offer.sdp.find("transport-cc") == std::string::npos);

  const NegotiatedSession s = negotiator.processAnswer(offer, readFixture("chromium-answer-subscriber.sdp"));
  BOOST_TEST((s.localSetup == SetupRole::Passive));  // the browser answered active
  BOOST_TEST((s.remoteSetup == SetupRole::Active));
  BOOST_TEST(s.remoteIceUfrag == "Qw3e");
  BOOST_TEST(s.remoteFingerprint.hex().starts_with("55:B5:7E"));
  BOOST_TEST(s.bundleMids == (std::vector<std::string>{"0", "1"}), boost::test_tools::per_element());
  const NegotiatedMedia& audio = s.media[0];
  BOOST_TEST((audio.direction == Direction::SendOnly));
  BOOST_TEST(audio.codec->payloadType == 111);
  BOOST_TEST(ids(audio) == (std::vector<std::uint16_t>{1, 4}), boost::test_tools::per_element());
  BOOST_TEST(audio.localSsrc.has_value());
  const NegotiatedMedia& video = s.media[1];
  BOOST_TEST(*video.codec->rtxPayloadType == 97);
  BOOST_TEST(ids(video) == (std::vector<std::uint16_t>{2, 13, 5, 4}), boost::test_tools::per_element());
  BOOST_TEST(video.hasFeedback("nack", "pli"));
  BOOST_TEST(video.hasFeedback("goog-remb"));
  BOOST_TEST((video.localSsrc == offer.pending.media[1].localSsrc));
  BOOST_TEST((video.localRtxSsrc == offer.pending.media[1].localRtxSsrc));
  BOOST_TEST(video.rtcpReducedSize);
}

BOOST_AUTO_TEST_CASE(portunus_offer_answered_by_portunus_negotiator) {
  // What the lab peer does against a Portunus subscriber offer: answer it, and the offerer accepts the answer.
  JsepNegotiator server;
  JsepNegotiator peer;
  std::vector<JsepOfferStream> streams = subscriberStreams();
  streams[1].codec = "H264";
  const JsepOffer offer = server.offer(streams, localTransport());
  JsepLocalTransport peerTransport = localTransport();
  peerTransport.iceUfrag = "peer";
  const JsepAnswer answer = peer.answer(offer.sdp, peerTransport);
  BOOST_TEST((answer.session.media[1].direction == Direction::RecvOnly));
  BOOST_TEST(answer.session.media[1].codec->name == "H264");
  BOOST_TEST(answer.session.media[1].remoteStreams[0].ssrc == *offer.pending.media[1].localSsrc);
  BOOST_TEST(*answer.session.media[1].remoteStreams[0].rtxSsrc == *offer.pending.media[1].localRtxSsrc);
  const NegotiatedSession s = server.processAnswer(offer, answer.sdp);
  BOOST_TEST((s.localSetup == SetupRole::Passive));
  BOOST_TEST(s.remoteIceUfrag == "peer");
  BOOST_TEST((s.media[1].direction == Direction::SendOnly));
  BOOST_TEST(s.media[1].codec->fmtp == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
}

BOOST_AUTO_TEST_CASE(inactive_subscriber_stream_stays_a_live_inactive_mline) {
  // As Janus offers a removed subscriber stream: a port (not 0), a=inactive, in the BUNDLE group, no sender.
  JsepNegotiator negotiator;
  std::vector<JsepOfferStream> streams = subscriberStreams();
  streams[0].active = false;
  const JsepOffer offer = negotiator.offer(streams, localTransport());
  const sdp::SessionDescription parsed = sdp::parseSdp(offer.sdp);
  BOOST_TEST(parsed.media[0].port != 0);
  BOOST_TEST((parsed.media[0].effectiveDirection() == Direction::Inactive));
  BOOST_TEST(parsed.media[0].ssrcs.empty());
  BOOST_TEST(parsed.media[0].msids.empty());
  BOOST_TEST(parsed.media[0].transport.iceUfrag.has_value());
  BOOST_TEST(parsed.media[0].rtcpMux);
  BOOST_TEST(parsed.bundleGroup()->mids == (std::vector<std::string>{"0", "1"}), boost::test_tools::per_element());
  BOOST_TEST(offer.pending.media[0].accepted);
  BOOST_TEST((offer.pending.media[0].direction == Direction::Inactive));
  BOOST_TEST(!offer.pending.media[0].localSsrc.has_value());
  BOOST_TEST((parsed.media[1].effectiveDirection() == Direction::SendOnly));
}

namespace {

struct AnswerErrorCase {
  const char* name;
  std::function<std::string(std::string)> mutate;
  JsepErrorKind kind;
  const char* reason;
};
std::ostream& operator<<(std::ostream& os, const AnswerErrorCase& c) {
  return os << c.name;
}

const std::vector<AnswerErrorCase> kAnswerErrors = {
    {"garbage", [](std::string) { return std::string("v=0\r\nm=audio\r\n"); }, JsepErrorKind::InvalidSdp,
     "invalid SDP in answer: line 2"},
    {"actpass in an answer", [](std::string s) { return replaceAll(s, "a=setup:active", "a=setup:actpass"); },
     JsepErrorKind::BadSetup, "a=setup:active or a=setup:passive"},
    {"sendrecv to sendonly", [](std::string s) { return replaceAll(s, "a=recvonly", "a=sendrecv"); },
     JsepErrorKind::AnswerMismatch, "answers sendrecv to a sendonly offer"},
    {"m-line missing", [](std::string s) { return s.substr(0, s.find("m=video")); }, JsepErrorKind::AnswerMismatch,
     "answer has 1 m-lines, the offer had 2"},
    {"other payload type",
     [](std::string s) {
       s = replaceAll(s, "UDP/TLS/RTP/SAVPF 111", "UDP/TLS/RTP/SAVPF 109");
       return replaceAll(s, "a=rtpmap:111 opus/48000/2", "a=rtpmap:109 opus/48000/2");
     },
     JsepErrorKind::AnswerMismatch, "does not accept the offered payload type 111"},
    {"moved extension id",
     [](std::string s) {
       return replaceAll(s, "a=extmap:13 urn:3gpp:video-orientation", "a=extmap:12 urn:3gpp:video-orientation");
     },
     JsepErrorKind::AnswerMismatch, "from id 13 to 12"},
    {"extension not offered",
     [](std::string s) {
       return replaceAll(s, "a=extmap:13 urn:3gpp:video-orientation", "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset");
     },
     JsepErrorKind::AnswerMismatch, "not offered"},
    {"mid changed", [](std::string s) { return replaceAll(s, "a=mid:1", "a=mid:video"); },
     JsepErrorKind::AnswerMismatch, "does not match the offered mid 1"},
    {"no fingerprint", [](std::string s) { return withoutLines(s, "a=fingerprint:"); },
     JsepErrorKind::MissingFingerprint, "answer has no a=fingerprint"},
    {"no rtcp-mux", [](std::string s) { return withoutLines(s, "a=rtcp-mux"); }, JsepErrorKind::MissingRtcpMux,
     "rtcp-mux is required"},
};

}  // namespace

BOOST_DATA_TEST_CASE(bad_answers_are_typed_errors, bdata::make(kAnswerErrors), c) {
  JsepNegotiator negotiator;
  const JsepOffer offer = negotiator.offer(subscriberStreams(), localTransport());
  const std::string answer = c.mutate(readFixture("chromium-answer-subscriber.sdp"));
  const JsepError e = expectError([&] { negotiator.processAnswer(offer, answer); });
  BOOST_TEST(jsepErrorKindName(e.kind()) == jsepErrorKindName(c.kind));
  BOOST_TEST(std::string(e.what()).find(c.reason) != std::string::npos, "reason: " << e.what());
}

BOOST_AUTO_TEST_CASE(rejected_m_line_in_answer) {
  JsepNegotiator negotiator;
  const JsepOffer offer = negotiator.offer(subscriberStreams(), localTransport());
  const std::string answer = replaceAll(readFixture("chromium-answer-subscriber.sdp"), "m=audio 9 UDP/TLS/RTP/SAVPF",
                                        "m=audio 0 UDP/TLS/RTP/SAVPF");
  const NegotiatedSession s = negotiator.processAnswer(offer, answer);
  BOOST_TEST(!s.media[0].accepted);
  BOOST_TEST(!s.media[0].localSsrc.has_value());
  BOOST_TEST(s.media[1].accepted);
  BOOST_TEST(s.bundleMids == std::vector<std::string>{"1"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(local_ssrcs_are_unique_and_avoid_remote_ones) {
  JsepNegotiator negotiator(JsepCapabilities::portunusDefaults(), 5);
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-audio-video-data.sdp"), localTransport());
  std::set<std::uint32_t> seen = {3735928559u, 2241813186u, 1606347306u};
  for (const auto& m : a.session.media) {
    for (auto ssrc : {m.localSsrc, m.localRtxSsrc}) {
      if (ssrc) BOOST_TEST(seen.insert(*ssrc).second);
    }
  }
  BOOST_TEST(seen.size() == 6u);
}

BOOST_AUTO_TEST_CASE(renegotiation_keeps_local_ssrcs_and_detects_ice_restart) {
  JsepNegotiator negotiator;
  const std::string offer = readFixture("chromium-offer-audio-video-data.sdp");
  const JsepAnswer first = negotiator.answer(offer, localTransport());
  JsepAnswerOptions again;
  again.previous = &first.session;
  const JsepAnswer second = negotiator.answer(offer, localTransport(), again);
  for (std::size_t i = 0; i < 2; ++i) {
    BOOST_TEST((second.session.media[i].localSsrc == first.session.media[i].localSsrc));
    BOOST_TEST((second.session.media[i].localRtxSsrc == first.session.media[i].localRtxSsrc));
  }
  BOOST_TEST(!second.session.remoteIceRestart);
  const JsepAnswer restarted =
      negotiator.answer(replaceAll(offer, "a=ice-ufrag:Ht6m", "a=ice-ufrag:Nw9x"), localTransport(), again);
  BOOST_TEST(restarted.session.remoteIceRestart);
  BOOST_TEST(restarted.session.remoteIceUfrag == "Nw9x");
}

BOOST_AUTO_TEST_CASE(room_codec_list_restricts_the_choice) {
  JsepNegotiator negotiator;
  JsepAnswerOptions room;
  room.restrictToPreferred = true;
  room.preferredAudioCodecs = {"opus"};
  room.preferredVideoCodecs = {"h265"};  // not offered: the video m-line is rejected, audio goes on
  const JsepAnswer a = negotiator.answer(readFixture("chromium-offer-audio-video-data.sdp"), localTransport(), room);
  BOOST_TEST(a.session.media[0].accepted);
  BOOST_TEST(!a.session.media[1].accepted);
  BOOST_TEST(a.description.media[1].port == 0);
  BOOST_TEST(a.session.bundleMids == std::vector<std::string>{"0"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bundle_only_m_line_is_live) {
  JsepNegotiator negotiator;
  std::string offer = readFixture("chromium-offer-audio-video-data.sdp");
  offer = replaceAll(offer, "m=video 9 ", "m=video 0 ");
  offer = replaceAll(offer, "a=mid:1\r\n", "a=mid:1\r\na=bundle-only\r\n");
  const JsepAnswer a = negotiator.answer(offer, localTransport());
  BOOST_TEST(a.session.media[1].accepted);
  BOOST_TEST(a.description.media[1].port == 40000);
}

BOOST_AUTO_TEST_CASE(duplicate_mids_are_invalid) {
  JsepNegotiator negotiator;
  const std::string offer = replaceAll(readFixture("chromium-offer-audio-video-data.sdp"), "a=mid:1", "a=mid:0");
  const JsepError e = expectError([&] { negotiator.answer(offer, localTransport()); });
  BOOST_TEST(jsepErrorKindName(e.kind()) == "invalid-sdp");
  BOOST_TEST(std::string(e.what()) == "m-lines 0 and 1 share mid 0");
}

namespace {

// The offers the lab peer makes as a browser; Debian's Janus 1.1.2 answered exactly these (tests/data/sdp/janus-*-
// answer-to-portunus-offer.sdp were captured by sending them to its EchoTest and VideoRoom plugins).
JsepOffer labOffer(JsepNegotiator& negotiator, bool publisher) {
  JsepLocalTransport t = localTransport();
  t.fullTrickle = true;
  JsepOfferStream audio;
  audio.kind = MediaKind::Audio;
  audio.codec = "opus";
  audio.direction = publisher ? Direction::SendOnly : Direction::SendRecv;
  JsepOfferStream video;
  video.codec = "VP8";
  video.direction = audio.direction;
  if (publisher) video.sendRids = {"h", "m", "l"};
  return negotiator.offer({audio, video}, t);
}

}  // namespace

BOOST_AUTO_TEST_CASE(lab_offer_sendrecv_and_janus_echotest_answer) {
  JsepNegotiator negotiator;
  const JsepOffer offer = labOffer(negotiator, false);
  BOOST_TEST(offer.sdp.find("a=candidate") == std::string::npos);  // full trickle
  BOOST_TEST((offer.description.media[0].direction == Direction::SendRecv));
  const NegotiatedSession s =
      negotiator.processAnswer(offer, readFixture("janus-echotest-answer-to-portunus-offer.sdp"));
  BOOST_TEST((s.localSetup == SetupRole::Passive));  // Janus is the DTLS client
  BOOST_TEST(s.remoteIceUfrag == "fu/E");
  BOOST_TEST(s.remoteCandidates.size() == 3u);
  BOOST_TEST(s.remoteEndOfCandidates);
  for (const auto& m : s.media) {
    BOOST_TEST((m.direction == Direction::SendRecv));
    BOOST_TEST(m.localSsrc.has_value());
    BOOST_REQUIRE_EQUAL(m.remoteStreams.size(), 1u);  // Janus's echo SSRCs
    BOOST_TEST(m.remoteCname == "janus");
  }
  BOOST_TEST(*s.media[1].remoteStreams[0].rtxSsrc != 0u);
  BOOST_TEST(*s.media[1].codec->rtxPayloadType == 97);
  BOOST_TEST(!s.media[1].hasFeedback("transport-cc"));  // Janus adds it unasked; not offered, not taken
  BOOST_TEST(s.media[1].hasFeedback("nack", "pli"));
}

BOOST_AUTO_TEST_CASE(lab_simulcast_publisher_and_janus_videoroom_answer) {
  JsepNegotiator negotiator;
  const JsepOffer offer = labOffer(negotiator, true);
  const sdp::MediaDescription& video = offer.description.media[1];
  BOOST_TEST(video.rids.size() == 3u);
  BOOST_TEST(video.ssrcs.empty());  // layers are identified by rid, like Chromium
  BOOST_TEST(offer.sdp.find("a=simulcast:send h;m;l\r\n") != std::string::npos);
  BOOST_TEST(offer.sdp.find(std::string(ext::kRid)) != std::string::npos);
  const NegotiatedSession s =
      negotiator.processAnswer(offer, readFixture("janus-videoroom-publisher-answer-to-portunus-offer.sdp"));
  BOOST_TEST((s.media[1].direction == Direction::SendOnly));
  BOOST_TEST(s.media[1].localRids == (std::vector<std::string>{"h", "m", "l"}), boost::test_tools::per_element());
  BOOST_TEST(*s.media[1].extensionId(ext::kRid) == 10);
  BOOST_TEST(s.media[1].remoteStreams.empty());
  // A plain answer without rids turns simulcast off.
  const std::string plain = withoutLines(
      withoutLines(readFixture("janus-videoroom-publisher-answer-to-portunus-offer.sdp"), "a=rid:"), "a=simulcast:");
  BOOST_TEST(negotiator.processAnswer(offer, plain).media[1].localRids.empty());
}

BOOST_AUTO_TEST_CASE(m_line_without_an_rtp_profile_is_rejected) {
  // "RyP" instead of "RTP": the SDP layer does not read the m-line's rtpmaps, so its static payload types (9 G722, 0
  // PCMU) must not make it an audio stream either; the answer rejects it and still parses to what was written.
  JsepNegotiator negotiator;
  const std::string offer = replaceAll(readFixture("firefox-offer-audio-video-data.sdp"), "m=audio 9 UDP/TLS/RTP/SAVPF",
                                       "m=audio 9 UDP/TLS/RyP/SAVPF");
  const JsepAnswer a = negotiator.answer(offer, localTransport());
  BOOST_TEST(!a.session.media[0].accepted);
  BOOST_TEST(a.description.media[0].port == 0);
  BOOST_TEST(a.session.media[1].accepted);
  BOOST_TEST((sdp::parseSdp(a.sdp) == a.description));
}

BOOST_AUTO_TEST_CASE(hostile_mappings_are_narrowed) {
  JsepNegotiator negotiator;
  JsepAnswerOptions publisher;
  publisher.video = Direction::RecvOnly;
  std::string offer = readFixture("chromium-offer-simulcast-rid.sdp");
  // id 4 mapped twice (the first mapping wins) and a simulcast list naming a rid that no a=rid defines.
  offer = replaceAll(offer, "a=extmap:13 urn:3gpp:video-orientation", "a=extmap:4 urn:3gpp:video-orientation");
  offer = replaceAll(offer, "a=simulcast:send h;m;l", "a=simulcast:send h;x;l");
  const JsepAnswer a = negotiator.answer(offer, localTransport(), publisher);
  const NegotiatedMedia& video = a.session.media[1];
  BOOST_TEST(*video.extensionId(ext::kVideoOrientation) == 4);  // listed before mid
  BOOST_TEST(!video.extensionId(ext::kMid).has_value());
  BOOST_TEST(video.remoteRids == (std::vector<std::string>{"h", "l"}), boost::test_tools::per_element());
  BOOST_TEST(a.sdp.find("a=simulcast:recv h;l\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(server_renegotiation_keeps_mids_and_ssrcs) {
  // A subscriber's second offer: audio removed (inactive, mid kept), video kept, a new video m-line added.
  JsepNegotiator server(JsepCapabilities::portunusDefaults(), 17);
  JsepNegotiator browser;
  JsepLocalTransport browserTransport = localTransport();
  browserTransport.iceUfrag = "brws";
  std::vector<JsepOfferStream> streams = subscriberStreams();
  const JsepOffer first = server.offer(streams, localTransport());
  const JsepAnswer firstAnswer = browser.answer(first.sdp, browserTransport);
  const NegotiatedSession before = server.processAnswer(first, firstAnswer.sdp);

  streams[0].active = false;
  JsepOfferStream extra;
  extra.kind = MediaKind::Video;
  extra.codec = "VP8";
  extra.payloadType = 100;
  extra.mid = "2";
  streams.push_back(extra);
  JsepLocalTransport again = localTransport();
  again.sessionVersion = "2";
  const JsepOffer second = server.offer(streams, again, &before);
  const sdp::SessionDescription parsed = sdp::parseSdp(second.sdp);
  BOOST_REQUIRE_EQUAL(parsed.media.size(), 3u);
  BOOST_TEST(parsed.origin.sessionVersion == "2");
  BOOST_TEST(parsed.media[0].port != 0);
  BOOST_TEST((parsed.media[0].effectiveDirection() == Direction::Inactive));
  BOOST_TEST(*parsed.media[0].mid == "0");
  BOOST_TEST(*parsed.media[1].mid == "1");
  BOOST_TEST(*parsed.media[2].mid == "2");
  BOOST_TEST(parsed.bundleGroup()->mids == (std::vector<std::string>{"0", "1", "2"}), boost::test_tools::per_element());
  BOOST_TEST(!second.pending.media[0].localSsrc.has_value());
  BOOST_TEST((second.pending.media[1].localSsrc == before.media[1].localSsrc));
  BOOST_TEST((second.pending.media[1].localRtxSsrc == before.media[1].localRtxSsrc));
  BOOST_TEST(second.pending.media[2].localSsrc.has_value());
  for (auto ssrc : {before.media[0].localSsrc, before.media[1].localSsrc, before.media[1].localRtxSsrc}) {
    BOOST_TEST((second.pending.media[2].localSsrc != ssrc));  // a new stream never takes an SSRC already used
  }
  // The publisher's payload type is offered as is, its RTX one next to it.
  BOOST_TEST(parsed.media[2].formats == (std::vector<std::string>{"100", "101"}), boost::test_tools::per_element());

  JsepAnswerOptions reanswer;
  reanswer.previous = &firstAnswer.session;
  const JsepAnswer secondAnswer = browser.answer(second.sdp, browserTransport, reanswer);
  BOOST_TEST((secondAnswer.session.media[0].direction == Direction::Inactive));
  const NegotiatedSession after = server.processAnswer(second, secondAnswer.sdp);
  BOOST_TEST((after.media[0].direction == Direction::Inactive));
  BOOST_TEST(!after.media[0].localSsrc.has_value());
  BOOST_TEST(after.media[2].accepted);
  BOOST_TEST((after.media[2].direction == Direction::SendOnly));
  BOOST_TEST(after.bundleMids == (std::vector<std::string>{"0", "1", "2"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(server_renegotiation_removing_every_mline_is_a_valid_round) {
  // A subscriber whose last feed left: every m-line offered inactive (the bundle transport stays, as with Janus);
  // answered inactive as a browser does, or with every m-line rejected by a peer that drops them.
  JsepNegotiator server(JsepCapabilities::portunusDefaults(), 17);
  JsepNegotiator browser;
  std::vector<JsepOfferStream> streams = subscriberStreams();
  const JsepOffer first = server.offer(streams, localTransport());
  const JsepAnswer firstAnswer = browser.answer(first.sdp, localTransport());
  const NegotiatedSession before = server.processAnswer(first, firstAnswer.sdp);

  for (auto& s : streams)
    s.active = false;
  JsepLocalTransport again = localTransport();
  again.sessionVersion = "2";
  const JsepOffer second = server.offer(streams, again, &before);
  for (const auto& m : sdp::parseSdp(second.sdp).media) {
    BOOST_TEST(m.port != 0);
    BOOST_TEST((m.effectiveDirection() == Direction::Inactive));
  }
  JsepAnswerOptions reanswer;
  reanswer.previous = &firstAnswer.session;
  const JsepAnswer inactive = browser.answer(second.sdp, localTransport(), reanswer);
  const NegotiatedSession kept = server.processAnswer(second, inactive.sdp);
  for (const auto& m : kept.media) {
    BOOST_TEST(m.accepted);
    BOOST_TEST((m.direction == Direction::Inactive));
  }
  BOOST_TEST(kept.bundleMids.size() == kept.media.size());
  // Nothing flows on an inactive m-line: an answer listing other formats there is not a mismatch.
  const std::string otherFormats =
      std::regex_replace(inactive.sdp, std::regex("m=audio ([0-9]+) (\\S+) [0-9 ]+"), "m=audio $1 $2 0");
  BOOST_REQUIRE(otherFormats != inactive.sdp);
  BOOST_TEST(server.processAnswer(second, otherFormats).media[0].accepted);

  // Every m-line rejected (port 0): valid too, nothing flows.
  const std::string rejected = std::regex_replace(firstAnswer.sdp, std::regex("m=(audio|video) [0-9]+ "), "m=$1 0 ");
  const NegotiatedSession after = server.processAnswer(second, rejected);
  for (const auto& m : after.media)
    BOOST_TEST(!m.accepted);
  BOOST_TEST(after.bundleMids.empty());

  // With an m-line still offered, an answer rejecting all of them stays an error.
  const JsepOffer third = server.offer(subscriberStreams(), again, &before);
  BOOST_CHECK_THROW(server.processAnswer(third, rejected), JsepError);
}
