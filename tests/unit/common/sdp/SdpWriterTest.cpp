#include <algorithm>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/sdp/SdpParser.hpp"
#include "common/sdp/SdpWriter.hpp"
#include "tests/unit/common/sdp/SdpFixtures.hpp"

using namespace portunus::sdp;
using portunus::sdp::testing::readFixture;
namespace bdata = boost::unit_test::data;

namespace {

const char* const kFixtureFiles[] = {
    "chromium-offer-audio-video-data.sdp",
    "chromium-offer-simulcast-rid.sdp",
    "chromium-offer-simulcast-ssrc.sdp",
    "firefox-offer-audio-video-data.sdp",
    "chromium-answer-subscriber.sdp",
    "janus-echotest-answer.sdp",
    "janus-videoroom-publisher-answer.sdp",
    "janus-videoroom-subscriber-offer.sdp",
    "janus-echotest-answer-to-portunus-offer.sdp",
    "janus-videoroom-publisher-answer-to-portunus-offer.sdp",
};

std::vector<std::string> sortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace

BOOST_DATA_TEST_CASE(round_trip_is_stable_and_loses_no_line, bdata::make(kFixtureFiles), file) {
  const std::string original = readFixture(file);
  const SessionDescription parsed = parseSdp(original);
  const std::string written = writeSdp(parsed);
  BOOST_TEST(written.ends_with("\r\n"));
  BOOST_TEST(written.find("\n") == written.find("\r\n") + 1);  // CRLF only
  // Same lines as the capture (attribute order may differ: Firefox writes them alphabetically).
  BOOST_TEST(sortedLines(written) == sortedLines(original), boost::test_tools::per_element());
  // Parsing what was written gives the same model, and writing again the same text.
  const SessionDescription reparsed = parseSdp(written);
  BOOST_TEST((reparsed == parsed));
  BOOST_TEST(writeSdp(reparsed) == written);
}

BOOST_AUTO_TEST_CASE(browser_order_is_kept_for_chromium) {
  // Chromium already writes the canonical order: the text comes back byte for byte.
  const std::string original = readFixture("chromium-offer-audio-video-data.sdp");
  const std::string written = writeSdp(parseSdp(original));
  // Only the session-level block order differs for Chromium (extmap-allow-mixed is written after group).
  BOOST_TEST(written.substr(written.find("m=audio")) == original.substr(original.find("m=audio")));
}

BOOST_AUTO_TEST_CASE(model_built_in_code_is_written_in_canonical_order) {
  SessionDescription sdp;
  sdp.origin.sessionId = "42";
  sdp.origin.sessionVersion = "1";
  sdp.groups.push_back(Group{"BUNDLE", {"0"}});
  MediaDescription m;
  m.kind = "audio";
  m.protocol = "UDP/TLS/RTP/SAVPF";
  m.formats = {"111"};
  m.connection = Connection{};
  m.mid = "0";
  m.direction = Direction::SendRecv;
  m.rtcpMux = true;
  m.transport.iceUfrag = "abcd";
  m.transport.icePwd = "0123456789abcdefghijkl";
  m.transport.fingerprints.push_back(Fingerprint{"sha-256", {0x01, 0xab, 0xff}});
  m.transport.setup = SetupRole::Active;
  m.rtpMaps.push_back(RtpMap{111, "opus", 48000, 2});
  m.fmtps.push_back(Fmtp{111, "minptime=10;useinbandfec=1"});
  m.extMaps.push_back(ExtMap{1, Direction::SendOnly, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", ""});
  m.ssrcs.push_back(SsrcAttribute{1234, "cname", std::string("portunus")});
  IceCandidate c;
  c.foundation = "1";
  c.transport = "udp";
  c.priority = 2130706431;
  c.address = "198.18.0.1";
  c.port = 40000;
  c.type = "host";
  m.candidates.push_back(c);
  m.endOfCandidates = true;
  sdp.media.push_back(m);
  const std::string expected =
      "v=0\r\no=- 42 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\n"
      "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789abcdefghijkl\r\na=fingerprint:sha-256 01:AB:FF\r\na=setup:active\r\n"
      "a=mid:0\r\na=extmap:1/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendrecv\r\na=rtcp-mux\r\n"
      "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=ssrc:1234 cname:portunus\r\n"
      "a=candidate:1 1 udp 2130706431 198.18.0.1 40000 typ host\r\na=end-of-candidates\r\n";
  BOOST_TEST(writeSdp(sdp) == expected);
  BOOST_TEST((parseSdp(expected) == sdp));
}

BOOST_AUTO_TEST_CASE(verbatim_lines_take_their_rfc_place) {
  // Found by the fuzzer: an unknown line type before i= in a media section must still round-trip exactly.
  const std::string text =
      "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\ns=\r\nq=x\r\ni=session\r\nt=0 0\r\n"
      "m=application 9/2 UDP/DTLS/SCTP webrtc-datachannel\r\nq=max\r\nb=AS:30\r\ni=info\r\n";
  const SessionDescription parsed = parseSdp(text);
  const std::string written = writeSdp(parsed);
  BOOST_TEST((parseSdp(written) == parsed));
  BOOST_TEST(written.find("i=info\r\nb=AS:30\r\nq=max\r\n") != std::string::npos);
  BOOST_TEST(written.find("s=\r\ni=session\r\nt=0 0\r\nq=x\r\n") != std::string::npos);
  BOOST_TEST(*parsed.media[0].portCount == 2);
}
