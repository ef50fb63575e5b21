#include <boost/test/unit_test.hpp>

#include "lab/cli/EchoTestReport.hpp"

using namespace portunus::lab;

namespace {

StreamResult stream(MediaKind kind, std::uint64_t measuredSent, std::uint64_t measuredReceived,
                    std::uint64_t badPayloads = 0) {
  StreamResult s;
  s.kind = kind;
  s.mid = kind == MediaKind::Audio ? "0" : "1";
  s.report.sent = measuredSent + 10;
  s.report.received = measuredReceived;
  s.report.measured_sent = measuredSent;
  s.report.measured_received = measuredReceived;
  s.report.bad_payloads = badPayloads;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verdicts) {
  struct Row {
    const char* name;
    std::vector<StreamResult> streams;
    std::string failure;
    std::uint64_t srtpFailed;
    std::size_t problems;
  };
  const Row rows[] = {
      {"all echoed", {stream(MediaKind::Audio, 100, 100), stream(MediaKind::Video, 300, 300)}, "", 0, 0},
      {"95 % is enough", {stream(MediaKind::Audio, 100, 95)}, "", 0, 0},
      {"94 % is not", {stream(MediaKind::Audio, 100, 94)}, "", 0, 1},
      {"payload mismatch", {stream(MediaKind::Video, 100, 100, 1)}, "", 0, 1},
      {"nothing came back", {stream(MediaKind::Audio, 100, 0), stream(MediaKind::Video, 100, 0)}, "", 0, 2},
      {"negotiation failed", {}, "ICE: ICE failed", 0, 1},
      {"no stream at all", {}, "", 0, 1},
      {"SRTP failures", {stream(MediaKind::Audio, 100, 100)}, "", 3, 1},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      EchoTestReport r;
      r.streams = row.streams;
      r.failure = row.failure;
      r.counters.srtp_in_failed = row.srtpFailed;
      BOOST_TEST(r.problems().size() == row.problems);
      BOOST_TEST(r.passed() == (row.problems == 0));
      BOOST_TEST(r.json()["passed"].get<bool>() == r.passed());
      BOOST_TEST(r.text().find(r.passed() ? "PASS" : "FAIL") != std::string::npos);
    }
  }
}
