#define BOOST_TEST_MODULE common_sdp
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpParser.hpp"
#include "tests/unit/common/sdp/SdpFixtures.hpp"

using namespace portunus::sdp;
using portunus::sdp::testing::readFixture;
namespace bdata = boost::unit_test::data;

namespace {

struct FixtureExpectation {
  const char* file;
  std::vector<std::string> kinds;
  std::vector<std::string> mids;
  std::vector<std::string> bundle;
  std::string ufrag;  // of m-line 0, after session fallback
  std::string fingerprintAlgorithm;
  SetupRole setup;
  std::size_t candidatesInFirstMedia;
  bool endOfCandidates;
};

std::ostream& operator<<(std::ostream& os, const FixtureExpectation& e) {
  return os << e.file;
}

const std::vector<FixtureExpectation> kFixtures = {
    {"chromium-offer-audio-video-data.sdp",
     {"audio", "video", "application"},
     {"0", "1", "2"},
     {"0", "1", "2"},
     "Ht6m",
     "sha-256",
     SetupRole::ActPass,
     0,
     false},
    {"chromium-offer-simulcast-rid.sdp",
     {"audio", "video"},
     {"0", "1"},
     {"0", "1"},
     "9ZkN",
     "sha-256",
     SetupRole::ActPass,
     4,
     false},
    {"chromium-offer-simulcast-ssrc.sdp", {"video"}, {"0"}, {"0"}, "Ht6m", "sha-256", SetupRole::ActPass, 0, false},
    {"firefox-offer-audio-video-data.sdp",
     {"audio", "video", "application"},
     {"0", "1", "2"},
     {"0", "1", "2"},
     "5a8ad4c2",
     "sha-256",
     SetupRole::ActPass,
     0,
     false},
    {"chromium-answer-subscriber.sdp",
     {"audio", "video"},
     {"0", "1"},
     {"0", "1"},
     "Qw3e",
     "sha-256",
     SetupRole::Active,
     0,
     false},
    {"janus-echotest-answer.sdp",
     {"audio", "video", "application"},
     {"0", "1", "2"},
     {"0", "1", "2"},
     "fLT6",
     "sha-256",
     SetupRole::Active,
     3,
     true},
    {"janus-videoroom-publisher-answer.sdp",
     {"audio", "video"},
     {"0", "1"},
     {"0", "1"},
     "Rh2A",
     "sha-256",
     SetupRole::Active,
     3,
     true},
    {"janus-videoroom-subscriber-offer.sdp",
     {"audio", "video"},
     {"0", "1"},
     {"0", "1"},
     "Jdn1",
     "sha-256",
     SetupRole::ActPass,
     3,
     true},
    {"janus-echotest-answer-to-portunus-offer.sdp",
     {"audio", "video"},
     {"0", "1"},
     {"0", "1"},
     "fu/E",
     "sha-256",
     SetupRole::Active,
     3,
     true},
    {"janus-videoroom-publisher-answer-to-portunus-offer.sdp",
     {"audio", "video"},
     {"0", "1"},
     {"0", "1"},
     "Dadj",
     "sha-256",
     SetupRole::Active,
     3,
     true},
};

std::string toLf(const std::string& crlf) {
  std::string out;
  for (char c : crlf) {
    if (c != '\r') out += c;
  }
  return out;
}

}  // namespace

BOOST_DATA_TEST_CASE(every_fixture_parses_with_its_fields, bdata::make(kFixtures), e) {
  const SessionDescription sdp = parseSdp(readFixture(e.file));
  BOOST_TEST(sdp.version == 0);
  BOOST_REQUIRE_EQUAL(sdp.media.size(), e.kinds.size());
  for (std::size_t i = 0; i < e.kinds.size(); ++i) {
    BOOST_TEST(sdp.media[i].kind == e.kinds[i]);
    BOOST_REQUIRE(sdp.media[i].mid.has_value());
    BOOST_TEST(*sdp.media[i].mid == e.mids[i]);
    const TransportAttributes t = sdp.effectiveTransport(i);
    BOOST_REQUIRE(t.iceUfrag.has_value());
    BOOST_REQUIRE(t.icePwd.has_value());
    BOOST_REQUIRE_EQUAL(t.fingerprints.size(), 1u);
    BOOST_TEST(t.fingerprints[0].algorithm == e.fingerprintAlgorithm);
    BOOST_TEST(t.fingerprints[0].bytes.size() == 32u);
    if (sdp.media[i].isRtp()) BOOST_TEST(sdp.media[i].rtcpMux);
  }
  BOOST_REQUIRE(sdp.bundleGroup() != nullptr);
  BOOST_TEST(sdp.bundleGroup()->mids == e.bundle, boost::test_tools::per_element());
  const TransportAttributes t0 = sdp.effectiveTransport(0);
  BOOST_TEST(*t0.iceUfrag == e.ufrag);
  BOOST_TEST((t0.setup == e.setup));
  BOOST_TEST(sdp.media[0].candidates.size() == e.candidatesInFirstMedia);
  BOOST_TEST(sdp.media[0].endOfCandidates == e.endOfCandidates);
}

BOOST_DATA_TEST_CASE(lf_line_ends_parse_like_crlf, bdata::make(kFixtures), e) {
  const std::string crlf = readFixture(e.file);
  BOOST_TEST((parseSdp(toLf(crlf)) == parseSdp(crlf)));
}

BOOST_AUTO_TEST_CASE(chromium_offer_fields) {
  const SessionDescription sdp = parseSdp(readFixture("chromium-offer-audio-video-data.sdp"));
  BOOST_TEST(sdp.origin.sessionId == "4611731400430051336");
  BOOST_TEST(sdp.extmapAllowMixed);
  BOOST_TEST(*sdp.msidSemantic == " WMS 5a12081a-b085-4f2b-beed-840a200bc59b");
  const MediaDescription& audio = sdp.media[0];
  BOOST_TEST(audio.port == 9);
  BOOST_TEST(audio.protocol == "UDP/TLS/RTP/SAVPF");
  BOOST_TEST(audio.formats.size() == 8u);
  BOOST_TEST((audio.effectiveDirection() == Direction::SendRecv));
  BOOST_TEST(*audio.rtcp == "9 IN IP4 0.0.0.0");
  BOOST_REQUIRE(audio.rtpMap(111) != nullptr);
  BOOST_TEST(audio.rtpMap(111)->encoding == "opus");
  BOOST_TEST(audio.rtpMap(111)->clockRate == 48000u);
  BOOST_TEST(*audio.rtpMap(111)->channels == 2u);
  BOOST_TEST(!audio.rtpMap(9)->channels.has_value());
  BOOST_TEST(audio.fmtp(111) == "minptime=10;useinbandfec=1");
  BOOST_TEST(audio.fmtp(63) == "111/111");
  BOOST_TEST(audio.feedbackFor(111).size() == 1u);
  BOOST_REQUIRE_EQUAL(audio.extMaps.size(), 4u);
  BOOST_TEST(audio.extMaps[0].id == 1);
  BOOST_TEST(audio.extMaps[0].uri == "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  BOOST_REQUIRE_EQUAL(audio.msids.size(), 1u);
  BOOST_TEST(audio.msids[0].streamId == "5a12081a-b085-4f2b-beed-840a200bc59b");
  BOOST_TEST(audio.msids[0].trackId == "9a62a566-d735-4219-9d08-f4c5c6b5fb01");
  BOOST_REQUIRE_EQUAL(audio.ssrcs.size(), 2u);
  BOOST_TEST(audio.ssrcs[0].ssrc == 3735928559u);
  BOOST_TEST(audio.ssrcs[0].attribute == "cname");
  BOOST_TEST(*audio.ssrcs[0].value == "Lx7mRHX1r7QWgJvM");
  BOOST_TEST(audio.transport.iceOptions == std::vector<std::string>{"trickle"}, boost::test_tools::per_element());
  BOOST_TEST(audio.transport.fingerprints[0].hex().starts_with("65:0E:2A:47"));

  const MediaDescription& video = sdp.media[1];
  BOOST_TEST(video.rtcpRsize);
  BOOST_TEST(video.fmtp(97) == "apt=96");
  BOOST_TEST(video.feedbackFor(96).size() == 5u);
  BOOST_TEST(video.feedbackFor(96)[3].type == "nack");
  BOOST_TEST(video.feedbackFor(96)[4].parameter == "pli");
  BOOST_REQUIRE_EQUAL(video.ssrcGroups.size(), 1u);
  BOOST_TEST(video.ssrcGroups[0].semantics == "FID");
  BOOST_TEST(video.ssrcGroups[0].ssrcs == (std::vector<std::uint32_t>{2241813186u, 1606347306u}),
             boost::test_tools::per_element());
  BOOST_TEST(video.rtpMap(39)->encoding == "AV1");

  const MediaDescription& data = sdp.media[2];
  BOOST_TEST(!data.isRtp());
  BOOST_TEST(data.protocol == "UDP/DTLS/SCTP");
  BOOST_TEST(data.formats == std::vector<std::string>{"webrtc-datachannel"}, boost::test_tools::per_element());
  BOOST_TEST(*data.sctpPort == 5000);
  BOOST_TEST(*data.maxMessageSize == 262144u);
}

BOOST_AUTO_TEST_CASE(chromium_simulcast_rid_and_candidates) {
  const SessionDescription sdp = parseSdp(readFixture("chromium-offer-simulcast-rid.sdp"));
  const MediaDescription& video = sdp.media[1];
  BOOST_TEST((video.direction == Direction::SendOnly));
  BOOST_TEST(video.port == 50614);
  BOOST_TEST(video.connection->address == "198.18.0.2");
  BOOST_REQUIRE_EQUAL(video.rids.size(), 3u);
  BOOST_TEST(video.rids[0].id == "h");
  BOOST_TEST(video.rids[0].send);
  BOOST_REQUIRE(video.simulcast.has_value());
  BOOST_REQUIRE_EQUAL(video.simulcast->send.size(), 3u);
  BOOST_TEST(video.simulcast->send[2][0].rid == "l");
  BOOST_TEST(video.simulcast->recv.empty());
  BOOST_REQUIRE_EQUAL(video.candidates.size(), 4u);
  const IceCandidate& host = video.candidates[0];
  BOOST_TEST(host.foundation == "2386437219");
  BOOST_TEST(host.component == 1);
  BOOST_TEST(host.transport == "udp");
  BOOST_TEST(host.priority == 2122260223u);
  BOOST_TEST(host.address == "198.18.0.2");
  BOOST_TEST(host.port == 50614);
  BOOST_TEST(host.type == "host");
  BOOST_TEST(*host.generation == 0u);
  BOOST_TEST(*host.networkId == 1u);
  BOOST_TEST(*video.candidates[1].tcpType == "active");
  const IceCandidate& srflx = video.candidates[2];
  BOOST_TEST(srflx.type == "srflx");
  BOOST_TEST(*srflx.relatedAddress == "198.18.0.2");
  BOOST_TEST(*srflx.relatedPort == 50614);
  BOOST_TEST(*srflx.networkCost == 10u);
  BOOST_TEST(video.candidates[3].type == "relay");
}

BOOST_AUTO_TEST_CASE(legacy_sim_and_fid_groups) {
  const SessionDescription sdp = parseSdp(readFixture("chromium-offer-simulcast-ssrc.sdp"));
  const MediaDescription& video = sdp.media[0];
  BOOST_REQUIRE_EQUAL(video.ssrcGroups.size(), 4u);
  BOOST_TEST(video.ssrcGroups[0].semantics == "SIM");
  BOOST_TEST(video.ssrcGroups[0].ssrcs == (std::vector<std::uint32_t>{100, 200, 300}),
             boost::test_tools::per_element());
  BOOST_TEST(video.ssrcs.size() == 12u);
  BOOST_TEST(*video.ssrcs[1].value == "stream0 track0");
}

BOOST_AUTO_TEST_CASE(firefox_offer_fields) {
  const SessionDescription sdp = parseSdp(readFixture("firefox-offer-audio-video-data.sdp"));
  BOOST_TEST(sdp.origin.username == "mozilla...THIS_IS_SDPARTA-99.0");
  BOOST_TEST(sdp.transport.fingerprints.size() == 1u);  // session level
  BOOST_TEST(sdp.media[0].transport.fingerprints.empty());
  BOOST_TEST(sdp.transport.iceOptions == std::vector<std::string>{"trickle"}, boost::test_tools::per_element());
  const MediaDescription& audio = sdp.media[0];
  BOOST_TEST(*audio.rtpMap(9)->channels == 1u);  // "G722/8000/1"
  BOOST_TEST(audio.fmtp(109) == "maxplaybackrate=48000;stereo=1;useinbandfec=1");
  BOOST_REQUIRE_EQUAL(audio.extMaps.size(), 3u);
  BOOST_TEST((audio.extMaps[1].direction == Direction::RecvOnly));
  BOOST_TEST(audio.extMaps[1].uri == "urn:ietf:params:rtp-hdrext:csrc-audio-level");
  // Firefox writes fmtp/rtpmap alphabetically; the model puts them in m= order.
  const MediaDescription& video = sdp.media[1];
  BOOST_TEST(video.fmtps.front().payloadType == 120);
  BOOST_TEST(video.rtpMaps.front().payloadType == 120);
  BOOST_TEST(video.fmtp(126) == "profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1");
  BOOST_TEST(video.ssrcGroups[0].ssrcs[1] == 1818201917u);
  BOOST_TEST(*sdp.media[2].maxMessageSize == 1073741823u);
}

BOOST_AUTO_TEST_CASE(janus_answer_fields) {
  const SessionDescription sdp = parseSdp(readFixture("janus-echotest-answer.sdp"));
  BOOST_TEST(sdp.transport.fingerprints.size() == 1u);
  BOOST_TEST(*sdp.msidSemantic == " WMS *");
  const MediaDescription& audio = sdp.media[0];
  BOOST_TEST((audio.direction == Direction::SendRecv));
  BOOST_TEST(audio.formats == std::vector<std::string>{"111"}, boost::test_tools::per_element());
  BOOST_TEST(audio.msids[0].streamId == "janus");
  BOOST_TEST(audio.msids[0].trackId == "janus0");
  BOOST_TEST(audio.candidates[1].address == "fd00::2");
  BOOST_TEST(audio.candidates[2].address == "fe80::fc:ff:fe00:1");
  const MediaDescription& video = sdp.media[1];
  BOOST_TEST(video.formats == (std::vector<std::string>{"96", "97"}), boost::test_tools::per_element());
  BOOST_TEST(video.ssrcGroups[0].semantics == "FID");
  const SessionDescription publisher = parseSdp(readFixture("janus-videoroom-publisher-answer.sdp"));
  const MediaDescription& pv = publisher.media[1];
  BOOST_TEST((pv.direction == Direction::RecvOnly));
  BOOST_REQUIRE_EQUAL(pv.rids.size(), 3u);
  BOOST_TEST(!pv.rids[0].send);
  BOOST_TEST(pv.simulcast->recv.size() == 3u);
}

namespace {

struct ErrorCase {
  const char* name;
  std::string sdp;
  std::size_t line;
  const char* reason;  // substring of the reason
};

std::ostream& operator<<(std::ostream& os, const ErrorCase& e) {
  return os << e.name;
}

const std::string kHead = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";  // 4 lines

const std::vector<ErrorCase> kErrors = {
    {"empty", "", 0, "no v= line"},
    {"garbage", "hello world\r\n", 1, "expected '<type>=<value>'"},
    {"not v first", "o=- 1 2 IN IP4 127.0.0.1\r\n", 1, "first line must be v=0"},
    {"version 1", "v=1\r\n", 1, "unsupported SDP version"},
    {"missing origin", "v=0\r\ns=-\r\nt=0 0\r\n", 0, "missing o= line"},
    {"missing timing", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n", 0, "missing t= line"},
    {"short origin", "v=0\r\no=- 1 2 IN IP4\r\n", 2, "o= needs 6 fields"},
    {"origin id not a number", "v=0\r\no=- abc 2 IN IP4 127.0.0.1\r\n", 2, "session id"},
    {"duplicate origin", kHead + "o=- 1 2 IN IP4 127.0.0.1\r\n", 5, "duplicate o= line"},
    {"short m-line", kHead + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "m= needs"},
    {"bad port", kHead + "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n", 5, "m= bad port"},
    {"bad payload type", kHead + "m=audio 9 UDP/TLS/RTP/SAVPF 111 opus\r\n", 5, "m= bad payload type 'opus'"},
    {"payload type over 127", kHead + "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n", 5, "m= bad payload type '128'"},
    {"rtpmap no clock", kHead + "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus\r\n", 6, "missing clock rate"},
    {"rtpmap bad clock", kHead + "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus/48k/2\r\n", 6, "bad clock rate"},
    {"rtpmap bad channels", kHead + "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/x\r\n", 6, "bad channel"},
    {"rtpmap bad pt", kHead + "m=audio 9 RTP/SAVPF 111\r\na=rtpmap:-1 opus/48000\r\n", 6, "bad payload type"},
    {"fmtp bad pt", kHead + "m=audio 9 RTP/SAVPF 111\r\na=fmtp:x apt=1\r\n", 6, "a=fmtp: bad payload type"},
    {"rtcp-fb no type", kHead + "m=video 9 RTP/SAVPF 96\r\na=rtcp-fb:96\r\n", 6, "a=rtcp-fb needs"},
    {"extmap id 0", kHead + "m=audio 9 RTP/SAVPF 111\r\na=extmap:0 urn:x\r\n", 6, "is not in 1..255"},
    {"extmap id 256", kHead + "m=audio 9 RTP/SAVPF 111\r\na=extmap:256 urn:x\r\n", 6, "is not in 1..255"},
    {"extmap bad direction", kHead + "m=audio 9 RTP/SAVPF 111\r\na=extmap:1/both urn:x\r\n", 6, "bad direction"},
    {"extmap no uri", kHead + "m=audio 9 RTP/SAVPF 111\r\na=extmap:1\r\n", 6, "a=extmap needs"},
    {"ssrc overflow", kHead + "m=audio 9 RTP/SAVPF 111\r\na=ssrc:4294967296 cname:x\r\n", 6, "bad ssrc"},
    {"ssrc without attribute", kHead + "m=audio 9 RTP/SAVPF 111\r\na=ssrc:1\r\n", 6, "a=ssrc needs"},
    {"ssrc-group bad ssrc", kHead + "m=video 9 RTP/SAVPF 96\r\na=ssrc-group:FID 1 x\r\n", 6, "bad ssrc 'x'"},
    {"fingerprint bad hex", kHead + "a=fingerprint:sha-256 AB:CD:XY\r\n", 5, "bad hex"},
    {"fingerprint no digest", kHead + "a=fingerprint:sha-256\r\n", 5, "needs <algorithm> <digest>"},
    {"fingerprint trailing colon", kHead + "a=fingerprint:sha-256 AB:CD:\r\n", 5, "ends with ':'"},
    {"setup unknown", kHead + "a=setup:both\r\n", 5, "unknown role 'both'"},
    {"ice-ufrag empty", kHead + "a=ice-ufrag:\r\n", 5, "a=ice-ufrag needs a value"},
    {"candidate short", kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5 1.2.3.4 9 typ\r\n", 6,
     "expected at least 8 fields"},
    {"candidate bad port", kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5 1.2.3.4 99999 typ host\r\n", 6,
     "bad port"},
    {"candidate bad priority",
     kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5000000000 1.2.3.4 9 typ host\r\n", 6, "bad priority"},
    {"candidate bad type", kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5 1.2.3.4 9 typ mdns\r\n", 6,
     "unknown type 'mdns'"},
    {"candidate bad transport", kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 sctp 5 1.2.3.4 9 typ host\r\n", 6,
     "unknown transport"},
    {"candidate no typ", kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5 1.2.3.4 9 type host\r\n", 6,
     "expected 'typ'"},
    {"candidate dangling attribute",
     kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5 1.2.3.4 9 typ host generation\r\n", 6, "has no value"},
    {"candidate foundation with colon",
     kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:x:1 1 udp 5 1.2.3.4 9 typ host\r\n", 6, "bad foundation"},
    {"candidate raddr without rport",
     kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 udp 5 1.2.3.4 9 typ srflx raddr 1.1.1.1\r\n", 6,
     "raddr and rport"},
    {"tcp candidate without tcptype", kHead + "m=audio 9 RTP/SAVPF 111\r\na=candidate:1 1 tcp 5 1.2.3.4 9 typ host\r\n",
     6, "without tcptype"},
    {"rid bad direction", kHead + "m=video 9 RTP/SAVPF 96\r\na=rid:h both\r\n", 6, "send or recv"},
    {"simulcast odd", kHead + "m=video 9 RTP/SAVPF 96\r\na=simulcast:send\r\n", 6, "pairs"},
    {"simulcast empty rid", kHead + "m=video 9 RTP/SAVPF 96\r\na=simulcast:send h;;l\r\n", 6, "empty or malformed"},
    {"sctp-port bad", kHead + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=sctp-port:x\r\n", 6,
     "a=sctp-port: bad port"},
    {"stray CR", kHead + "a=foo\rbar\r\n", 5, "stray carriage return"},
    {"bandwidth not a number", kHead + "b=AS:fast\r\n", 5, "b= value"},
    {"t in media", kHead + "m=audio 9 RTP/SAVPF 111\r\nt=0 0\r\n", 6, "t= inside a media section"},
    {"mid with space", kHead + "m=audio 9 RTP/SAVPF 111\r\na=mid:a b\r\n", 6, "one token"},
    {"too large", std::string(kMaxSdpBytes + 1, 'a'), 0, "larger than"},
};

}  // namespace

BOOST_DATA_TEST_CASE(invalid_sdp_reports_line_and_reason, bdata::make(kErrors), e) {
  try {
    (void)parseSdp(e.sdp);
    BOOST_FAIL("expected SdpError");
  } catch (const SdpError& error) {
    BOOST_TEST(error.line() == e.line);
    BOOST_TEST(error.reason().find(e.reason) != std::string::npos, "reason '" << error.reason() << "'");
    if (e.line != 0) BOOST_TEST(std::string(error.what()).starts_with("line " + std::to_string(e.line) + ": "));
  }
}

BOOST_AUTO_TEST_CASE(lenient_on_unknown_attributes_and_lines) {
  const std::string sdp = kHead +
                          "i=session info\r\n"
                          "a=x-custom:value with spaces\r\n"
                          "a=flag-only\r\n"
                          "\r\n"
                          "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
                          "a=rtcp-mux\r\n"
                          "a=x-google-flag:conference\r\n"
                          "a=rtcp-fb:* nack\r\n"
                          "a=ssrc:5 label:foo\r\n"
                          "k=prompt\r\n";
  const SessionDescription parsed = parseSdp(sdp);
  BOOST_REQUIRE_EQUAL(parsed.otherAttributes.size(), 2u);
  BOOST_TEST(parsed.otherAttributes[0].name == "x-custom");
  BOOST_TEST(*parsed.otherAttributes[0].value == "value with spaces");
  BOOST_TEST(!parsed.otherAttributes[1].value.has_value());
  BOOST_TEST(parsed.otherLines[0].type == 'i');
  const MediaDescription& m = parsed.media[0];
  BOOST_TEST(m.otherAttributes[0].name == "x-google-flag");
  BOOST_TEST(!m.rtcpFeedback[0].payloadType.has_value());
  BOOST_TEST(m.feedbackFor(111).size() == 1u);
  BOOST_TEST(m.otherLines[0].type == 'k');
  BOOST_TEST(m.ssrcs[0].attribute == "label");
}

BOOST_AUTO_TEST_CASE(trailing_blanks_are_ignored) {
  const SessionDescription parsed =
      parseSdp(kHead + "m=audio 9 UDP/TLS/RTP/SAVPF 111 \r\na=rtcp-mux \r\na=mid:0\t\r\na=x-kept:v  \r\n");
  BOOST_TEST(parsed.media[0].rtcpMux);
  BOOST_TEST(*parsed.media[0].mid == "0");
  BOOST_TEST(*parsed.media[0].otherAttributes[0].value == "v");
}
