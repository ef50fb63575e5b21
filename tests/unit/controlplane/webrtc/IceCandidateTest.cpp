#define BOOST_TEST_MODULE controlplane_webrtc_ice_candidate
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <string_view>

#include "common/sdp/IceCandidate.hpp"
#include "controlplane/webrtc/IceCandidate.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

using portunus::cp::IceCandidate;
using portunus::cp::WebRtcError;

namespace {

struct Good {
  const char* text;       // as received
  const char* canonical;  // what toString() gives back
  const char* address;
  unsigned port;
  IceCandidate::Type type;
  bool usable_ip;
};
std::ostream& operator<<(std::ostream& os, const Good& g) {
  return os << g.text;
}

const Good kGood[] = {
    {"candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
     "127.0.0.1", 40000, IceCandidate::Type::Host, true},
    // libnice writes UDP in upper case and the a= prefix; both are accepted.
    {"a=candidate:1 1 UDP 2015363327 198.18.0.1 50123 typ host\r\n",
     "candidate:1 1 udp 2015363327 198.18.0.1 50123 typ host", "198.18.0.1", 50123, IceCandidate::Type::Host, true},
    // Chromium's trickle form with extensions, kept in order.
    {"candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 198.18.0.2 rport 61234 generation 0 "
     "ufrag EsAw network-cost 999",
     "candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 198.18.0.2 rport 61234 generation 0 "
     "ufrag EsAw network-cost 999",
     "203.0.113.7", 61234, IceCandidate::Type::ServerReflexive, true},
    {"candidate:3 1 udp 41885439 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0",
     "candidate:3 1 udp 41885439 198.51.100.9 3478 typ relay raddr 0.0.0.0 rport 0", "198.51.100.9", 3478,
     IceCandidate::Type::Relay, true},
    {"candidate:4 1 udp 1845501695 2001:db8::1 9 typ prflx", "candidate:4 1 udp 1845501695 2001:db8::1 9 typ prflx",
     "2001:db8::1", 9, IceCandidate::Type::PeerReflexive, true},
    {"candidate:5 1 TCP 1518280447 198.18.0.2 9 typ host tcptype active",
     "candidate:5 1 tcp 1518280447 198.18.0.2 9 typ host tcptype active", "198.18.0.2", 9, IceCandidate::Type::Host,
     true},
    // mDNS: syntactically fine, but not an address the agent can use.
    {"candidate:6 1 udp 2122260223 3b1e7d4a-8c2b-4a55-b1a7-54f1c0a3f0de.local 54321 typ host generation 0",
     "candidate:6 1 udp 2122260223 3b1e7d4a-8c2b-4a55-b1a7-54f1c0a3f0de.local 54321 typ host generation 0",
     "3b1e7d4a-8c2b-4a55-b1a7-54f1c0a3f0de.local", 54321, IceCandidate::Type::Host, false},
};

const char* const kBad[] = {
    "",
    "candidate:",
    "a=cand:1 1 udp 1 127.0.0.1 1 typ host",
    "candidate:1 1 udp 1 127.0.0.1 1 typ",
    "candidate:1 1 udp 1 127.0.0.1 1 type host",
    "candidate:1 1 udp 1 127.0.0.1 1 typ bogus",
    "candidate:1 1 sctp 1 127.0.0.1 1 typ host",
    "candidate:1 0 udp 1 127.0.0.1 1 typ host",
    "candidate:1 x udp 1 127.0.0.1 1 typ host",
    "candidate:1 1 udp 4294967296 127.0.0.1 1 typ host",
    "candidate:1 1 udp 1 127.0.0.1 65536 typ host",
    "candidate:1 1 udp 1 127.0.0.1 -1 typ host",
    "candidate:1 1 udp 1 127.0.0.1 1 typ srflx raddr",
    "candidate:1 1 udp 1 127.0.0.1 1 typ srflx raddr 1.2.3.4 rport 99999",
    "candidate:123456789012345678901234567890123 1 udp 1 127.0.0.1 1 typ host",
    // control characters inside the line (found by tests/fuzz/stun): they would split it wherever it is written
    "candidate:1 1 udp 1 127.0.0.1 1 typ host ufrag ab\r\na=x y",
    "candidate:1 1 udp 1 127.0.0.1 1 typ host ufrag a\001b",
    "candidate:1\t1 udp 1 127.0.0.1 1 typ host",
    // what the SDP grammar refuses is refused when trickled too
    "candidate:1 1 tcp 1 127.0.0.1 9 typ host",
    "candidate:1 1 tcp 1 127.0.0.1 9 typ host tcptype sideways",
    "candidate:1 1 udp 1 127.0.0.1 1 typ srflx raddr 1.2.3.4",
    "candidate:1 1 udp 1 127.0.0.1 1 typ srflx rport 9",
    "candidate:a:b 1 udp 1 127.0.0.1 1 typ host",
    "candidate:candidate:1 1 udp 1 127.0.0.1 1 typ host",
    "candidate:a=candidate:1 1 udp 1 127.0.0.1 1 typ host",
    "candidate:1 1 udp 1 127.0.0.1 1 typ host generation x",
};

}  // namespace

BOOST_DATA_TEST_CASE(parses_and_writes_back, boost::unit_test::data::make(kGood), g) {
  const IceCandidate c = IceCandidate::parse(g.text);
  BOOST_TEST(c.address == g.address);
  BOOST_TEST(c.port == g.port);
  BOOST_TEST(static_cast<int>(c.type) == static_cast<int>(g.type));
  BOOST_TEST(c.hasIpAddress() == g.usable_ip);
  BOOST_TEST(c.toString() == g.canonical);
  // Round trip: what we write parses to the same value.
  BOOST_TEST((IceCandidate::parse(c.toString()) == c));
  BOOST_TEST((IceCandidate::parse("a=" + c.toString()) == c));
}

BOOST_AUTO_TEST_CASE(fields_are_decoded) {
  const IceCandidate c = IceCandidate::parse(
      "candidate:842163049 1 udp 1677729535 203.0.113.7 61234 typ srflx raddr 198.18.0.2 rport "
      "61235 generation 0 tcptype passive");
  BOOST_TEST(c.foundation == "842163049");
  BOOST_TEST(c.component == 1);
  BOOST_TEST(c.priority == 1677729535u);
  BOOST_TEST(c.related_address == "198.18.0.2");
  BOOST_TEST(c.related_port == 61235);
  BOOST_TEST(c.has_related_port);
  // The known extensions in their fixed order (tcptype first), the others after them as received.
  BOOST_REQUIRE(c.extensions.size() == 2u);
  BOOST_TEST(c.extensions[0].first == "tcptype");
  BOOST_TEST(c.extensions[0].second == "passive");
  BOOST_TEST(c.extensions[1].first == "generation");
  BOOST_TEST(!c.isIpv6());
  BOOST_TEST(IceCandidate::parse("candidate:1 1 udp 1 ::1 5 typ host").isIpv6());
}

BOOST_AUTO_TEST_CASE(unknown_extensions_follow_the_known_ones_in_their_order) {
  const IceCandidate c =
      IceCandidate::parse("candidate:1 1 udp 1 198.18.0.1 9 typ host zeta 1 network-id 2 alpha 3 generation 4");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"generation", "4"}, {"network-id", "2"}, {"zeta", "1"}, {"alpha", "3"}};
  BOOST_TEST((c.extensions == want));
  BOOST_TEST(c.toString() == "candidate:1 1 udp 1 198.18.0.1 9 typ host generation 4 network-id 2 zeta 1 alpha 3");
}

// A candidate from an SDP (already parsed there) and the same line trickled give the same candidate.
BOOST_DATA_TEST_CASE(an_sdp_candidate_converts_as_its_line_parses, boost::unit_test::data::make(kGood), g) {
  std::string_view line = g.text;
  while (line.ends_with('\n') || line.ends_with('\r'))
    line.remove_suffix(1);
  BOOST_TEST((IceCandidate::fromSdp(portunus::sdp::parseIceCandidate(line)) == IceCandidate::parse(g.text)));
}

BOOST_DATA_TEST_CASE(rejects_malformed, boost::unit_test::data::make(kBad), text) {
  BOOST_CHECK_THROW(IceCandidate::parse(text), WebRtcError);
}
