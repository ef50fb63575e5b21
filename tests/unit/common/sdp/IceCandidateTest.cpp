#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SdpError.hpp"

using namespace portunus::sdp;
namespace bdata = boost::unit_test::data;

namespace {
// Candidate lines as Chromium, Firefox, Janus and libnice write them; each must come back unchanged.
const char* const kCandidates[] = {
    "2386437219 1 udp 2122260223 198.18.0.2 50614 typ host generation 0 network-id 1",
    "3620301267 1 tcp 1518280447 198.18.0.2 9 typ host tcptype active generation 0 network-id 1",
    "1418722466 1 udp 1686052607 203.0.113.7 50614 typ srflx raddr 198.18.0.2 rport 50614 generation 0 ufrag 9ZkN "
    "network-id 1 network-cost 10",
    "0 1 UDP 2122252543 3f8b2a1e-5c7d-4e9f-8a6b-1c2d3e4f5a6b.local 53412 typ host",
    "1 1 udp 2015363327 fe80::fc:ff:fe00:1 58799 typ host",
    "4 1 udp 41885439 203.0.113.9 61234 typ relay raddr 203.0.113.7 rport 50614",
    "5 2 tcp 1015021823 198.18.0.2 9 typ host tcptype passive",
    "6 1 udp 2122260223 198.18.0.2 50614 typ host x-future-attribute 42",
};
}  // namespace

BOOST_DATA_TEST_CASE(candidates_round_trip, bdata::make(kCandidates), line) {
  const IceCandidate c = parseIceCandidate(line, 7);
  BOOST_TEST(formatIceCandidate(c) == line);
  BOOST_TEST((parseIceCandidate(std::string("candidate:") + line) == c));    // trickle form
  BOOST_TEST((parseIceCandidate(std::string("a=candidate:") + line) == c));  // as some clients trickle it
}

BOOST_AUTO_TEST_CASE(candidate_fields) {
  const IceCandidate c = parseIceCandidate(kCandidates[2]);
  BOOST_TEST(c.foundation == "1418722466");
  BOOST_TEST(c.priority == 1686052607u);
  BOOST_TEST(*c.relatedAddress == "198.18.0.2");
  BOOST_TEST(*c.relatedPort == 50614);
  BOOST_TEST(*c.ufrag == "9ZkN");
  BOOST_TEST(*c.networkCost == 10u);
  const IceCandidate future = parseIceCandidate(kCandidates[7]);
  BOOST_REQUIRE_EQUAL(future.extensions.size(), 1u);
  BOOST_TEST(future.extensions[0].first == "x-future-attribute");
}

BOOST_AUTO_TEST_CASE(extension_attributes_come_known_first_then_as_received) {
  const IceCandidate c = parseIceCandidate(
      "1 1 tcp 1 198.18.0.2 9 typ host x-b 2 network-cost 10 ufrag u x-a 1 network-id 3 generation 0 tcptype so");
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"tcptype", "so"},      {"generation", "0"}, {"ufrag", "u"}, {"network-id", "3"},
      {"network-cost", "10"}, {"x-b", "2"},        {"x-a", "1"}};
  BOOST_TEST((extensionAttributes(c) == expected));
  BOOST_TEST(
      formatIceCandidate(c) ==
      "1 1 tcp 1 198.18.0.2 9 typ host tcptype so generation 0 ufrag u network-id 3 network-cost 10 x-b 2 x-a 1");
  BOOST_TEST(extensionAttributes(parseIceCandidate("1 1 udp 1 198.18.0.2 9 typ host")).empty());
}

// A foundation that looks like a prefix: "a=" is one only in front of "candidate:", and a ':' is no foundation
// character, so what is written parses back to the same candidate (the fuzzer found both ways to break that).
BOOST_AUTO_TEST_CASE(prefix_like_foundations_round_trip_or_fail) {
  const IceCandidate c = parseIceCandidate("candidate:a=x 1 udp 1 198.18.0.2 9 typ host");
  BOOST_TEST(c.foundation == "a=x");
  BOOST_TEST(formatIceCandidate(c) == "a=x 1 udp 1 198.18.0.2 9 typ host");
  BOOST_TEST((parseIceCandidate(formatIceCandidate(c)) == c));
  BOOST_TEST((parseIceCandidate("a=candidate:" + formatIceCandidate(c)) == c));
  BOOST_CHECK_THROW(parseIceCandidate("candidate:candidate:x 1 udp 1 198.18.0.2 9 typ host"), SdpError);
  BOOST_CHECK_THROW(parseIceCandidate("x:1 1 udp 1 198.18.0.2 9 typ host"), SdpError);
}

BOOST_AUTO_TEST_CASE(candidate_errors_carry_the_given_line) {
  try {
    (void)parseIceCandidate("1 0 udp 1 1.2.3.4 9 typ host", 12);
    BOOST_FAIL("expected SdpError");
  } catch (const SdpError& e) {
    BOOST_TEST(e.line() == 12u);
    BOOST_TEST(e.reason() == "candidate: bad component '0'");
  }
  BOOST_CHECK_THROW(parseIceCandidate(std::string(33, 'f') + " 1 udp 1 1.2.3.4 9 typ host"), SdpError);
  BOOST_CHECK_THROW(parseIceCandidate("1 1 udp 1 1.2.3.4 9 typ host generation -1"), SdpError);
  BOOST_CHECK_THROW(parseIceCandidate("1 1 udp 1 1.2.3.4 9 typ host tcptype sideways"), SdpError);
}
