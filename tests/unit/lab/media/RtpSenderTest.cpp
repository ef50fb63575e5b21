#include <boost/test/unit_test.hpp>
#include <numeric>
#include <vector>

#include "lab/media/MediaPayload.hpp"
#include "lab/media/RtpSender.hpp"

using namespace portunus::lab;

BOOST_AUTO_TEST_CASE(video_frames_split_at_bitrate) {
  struct Row {
    std::uint32_t bitrate, fps;
    std::size_t packets;
    std::uint32_t frameBytes;
  };
  const Row rows[] = {
      {500'000, 30, 2, 2083},     // 500 kbit/s at 30 fps: 2083 B per frame, two packets
      {2'000'000, 25, 9, 10000},  // 10000 B: 9 packets of <= 1200
      {100'000, 10, 2, 1250},
      {8'000, 30, 1, 33},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.bitrate << " bit/s @" << row.fps) {
      RtpSenderConfig config{MediaKind::Video, 2, 0xabcd, 96};
      config.video_bitrate_bps = row.bitrate;
      config.video_fps = row.fps;
      RtpSender sender(config, 65534, 1000);
      std::vector<std::vector<std::uint8_t>> packets;
      sender.sendNext([&](std::span<std::uint8_t> p) { packets.emplace_back(p.begin(), p.end()); });
      BOOST_TEST(packets.size() == row.packets);
      std::uint32_t bytes = 0;
      for (std::size_t i = 0; i < packets.size(); ++i) {
        const auto& p = packets[i];
        const std::size_t payloadSize = p.size() - RtpSender::kRtpHeaderSize;
        BOOST_TEST(payloadSize <= 1200u);
        bytes += static_cast<std::uint32_t>(payloadSize);
        BOOST_TEST(((p[1] & 0x80) != 0) == (i + 1 == packets.size()));  // marker on the last packet only
        BOOST_TEST((p[1] & 0x7f) == 96);
        const std::uint16_t seq = static_cast<std::uint16_t>(p[2] << 8 | p[3]);
        BOOST_TEST(seq == static_cast<std::uint16_t>(65534 + i));  // wraps
        PayloadHeader h;
        BOOST_TEST(payloadStatusName(MediaPayload::verify(std::span<const std::uint8_t>(p).subspan(12), h)) == "ok");
        BOOST_TEST(h.sequence == i);
        BOOST_TEST(h.stream_id == 2u);
      }
      BOOST_TEST(bytes == row.frameBytes);
      BOOST_TEST(sender.intervalNs() == 1'000'000'000ull / row.fps);
    }
  }
}

BOOST_AUTO_TEST_CASE(audio_cadence_and_timestamps) {
  RtpSender sender(RtpSenderConfig{MediaKind::Audio, 1, 0x11, 111}, 0, 0);
  BOOST_TEST(sender.intervalNs() == 20'000'000u);
  std::vector<std::uint32_t> timestamps;
  for (int i = 0; i < 3; ++i) {
    sender.sendNext([&](std::span<std::uint8_t> p) {
      BOOST_TEST(p.size() == 12u + 160u);
      BOOST_TEST((p[1] & 0x80) == 0);
      timestamps.push_back(std::uint32_t{p[4]} << 24 | std::uint32_t{p[5]} << 16 | std::uint32_t{p[6]} << 8 | p[7]);
    });
  }
  BOOST_TEST(timestamps == (std::vector<std::uint32_t>{0, 960, 1920}), boost::test_tools::per_element());
  BOOST_TEST(sender.packetsSent() == 3u);
}

BOOST_AUTO_TEST_CASE(rejects_impossible_configs) {
  RtpSenderConfig tiny{MediaKind::Audio, 1, 1, 111};
  tiny.audio_payload_bytes = 10;
  BOOST_CHECK_THROW(RtpSender{tiny}, std::invalid_argument);
  RtpSenderConfig noFps{MediaKind::Video, 1, 1, 96};
  noFps.video_fps = 0;
  BOOST_CHECK_THROW(RtpSender{noFps}, std::invalid_argument);
}
