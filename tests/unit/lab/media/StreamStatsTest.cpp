#include <boost/test/unit_test.hpp>
#include <vector>

#include "lab/media/MediaPayload.hpp"
#include "lab/media/RtpReceiver.hpp"
#include "lab/media/RtpSender.hpp"
#include "lab/media/StreamStats.hpp"

using namespace portunus::lab;

BOOST_AUTO_TEST_CASE(loss_duplicates_reordering) {
  struct Row {
    const char* name;
    std::vector<std::uint32_t> arrivals;  // sender sequences in arrival order
    std::uint64_t sent, firstMeasured;
    std::uint64_t received, lost, dup, reordered, measuredSent, measuredReceived;
  };
  const Row rows[] = {
      {"in order, complete", {0, 1, 2, 3, 4}, 5, 0, 5, 0, 0, 0, 5, 5},
      {"one lost", {0, 1, 3, 4}, 5, 0, 4, 1, 0, 0, 5, 4},
      {"tail lost", {0, 1, 2}, 5, 0, 3, 2, 0, 0, 5, 3},
      {"swapped pair", {0, 2, 1, 3}, 4, 0, 4, 0, 0, 1, 4, 4},
      {"late by three", {0, 2, 3, 4, 1}, 5, 0, 5, 0, 0, 1, 5, 5},
      {"duplicates", {0, 1, 1, 2, 2, 2}, 3, 0, 3, 0, 3, 0, 3, 3},
      {"warm-up losses not measured", {3, 4, 5}, 6, 3, 3, 3, 0, 0, 3, 3},
      {"nothing", {}, 10, 2, 0, 10, 0, 0, 8, 0},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      StreamStats stats;
      std::uint64_t t = 1'000'000;
      for (std::uint32_t seq : row.arrivals)
        stats.record(seq, t, t + 500'000), t += 20'000'000;
      const StreamReport r = stats.report(row.sent, row.firstMeasured);
      BOOST_TEST(r.received == row.received);
      BOOST_TEST(r.lost == row.lost);
      BOOST_TEST(r.duplicates == row.dup);
      BOOST_TEST(r.reordered == row.reordered);
      BOOST_TEST(r.measured_sent == row.measuredSent);
      BOOST_TEST(r.measured_received == row.measuredReceived);
    }
  }
}

BOOST_AUTO_TEST_CASE(latency_percentiles) {
  StreamStats stats;
  for (std::uint32_t i = 0; i < 100; ++i)
    stats.record(i, 0, (i + 1) * 1'000'000ull);  // 1..100 ms
  const StreamReport r = stats.report(100, 0);
  BOOST_TEST(r.latency_p50_ms == 50.0);
  BOOST_TEST(r.latency_p99_ms == 99.0);
  BOOST_TEST(r.latency_max_ms == 100.0);
}

BOOST_AUTO_TEST_CASE(jitter_rfc3550) {
  // Constant transit: no jitter.
  StreamStats steady;
  for (std::uint32_t i = 0; i < 50; ++i)
    steady.record(i, i * 20'000'000ull, i * 20'000'000ull + 3'000'000);
  BOOST_TEST(steady.report(50, 0).jitter_ms == 0.0);
  // Transit alternating 0 / 4 ms: |D| = 4 ms every packet, J converges to 4 ms (J_n = 4 (1 - (15/16)^n)).
  StreamStats alternating;
  const int n = 400;
  for (int i = 0; i < n; ++i) {
    const std::uint64_t send = static_cast<std::uint64_t>(i) * 20'000'000ull;
    alternating.record(static_cast<std::uint32_t>(i), send, send + (i % 2 ? 4'000'000 : 0));
  }
  BOOST_TEST(alternating.report(n, 0).jitter_ms == 4.0, boost::test_tools::tolerance(1e-6));
  // One step: transit 0 then 16 ms once: J = 16/16 = 1 ms after that packet.
  StreamStats step;
  step.record(0, 0, 0);
  step.record(1, 20'000'000, 36'000'000);
  BOOST_TEST(step.report(2, 0).jitter_ms == 1.0, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(receiver_parses_rtp_and_counts_bad_payloads) {
  RtpSender sender(RtpSenderConfig{MediaKind::Audio, 9, 0x1234, 111});
  RtpReceiver receiver;
  std::vector<std::vector<std::uint8_t>> packets;
  for (int i = 0; i < 4; ++i) {
    sender.sendNext([&](std::span<std::uint8_t> p) { packets.emplace_back(p.begin(), p.end()); });
  }
  // Add a header extension and a CSRC to packet 1 the way a middlebox could: the payload must still be found.
  std::vector<std::uint8_t> withExt(packets[1].begin(), packets[1].begin() + 12);
  withExt[0] |= 0x10 | 0x01;
  withExt.insert(withExt.end(), {0, 0, 0, 1, 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0});
  withExt.insert(withExt.end(), packets[1].begin() + 12, packets[1].end());
  packets[1] = withExt;
  packets[2][40] ^= 0xff;  // corrupted payload
  for (auto& p : packets)
    receiver.receive(p, monotonicNowNs());
  receiver.receive(packets[0], monotonicNowNs());  // duplicate
  const StreamReport r = receiver.report(9, sender.packetsSent(), 0);
  BOOST_TEST(r.sent == 4u);
  BOOST_TEST(r.received == 3u);
  BOOST_TEST(r.lost == 1u);
  BOOST_TEST(r.duplicates == 1u);
  BOOST_TEST(r.bad_payloads == 1u);
  BOOST_TEST(receiver.badPackets() == 1u);
}

BOOST_AUTO_TEST_CASE(rtp_parse_errors) {
  std::span<const std::uint8_t> payload;
  const std::vector<std::uint8_t> shortPacket(11, 0x80);
  BOOST_TEST((rtpPayload(shortPacket, payload) == RtpParseStatus::Truncated));
  std::vector<std::uint8_t> v1(20, 0);
  v1[0] = 0x40;
  BOOST_TEST((rtpPayload(v1, payload) == RtpParseStatus::NotRtp));
  std::vector<std::uint8_t> badPad(20, 0);
  badPad[0] = 0xa0;
  badPad.back() = 40;
  BOOST_TEST((rtpPayload(badPad, payload) == RtpParseStatus::Truncated));
  std::vector<std::uint8_t> padded(20, 0);
  padded[0] = 0xa0;
  padded.back() = 3;
  BOOST_TEST((rtpPayload(padded, payload) == RtpParseStatus::Ok));
  BOOST_TEST(payload.size() == 5u);
}
