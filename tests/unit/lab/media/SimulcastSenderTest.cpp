#include <boost/test/unit_test.hpp>
#include <map>
#include <vector>

#include "lab/media/RtpReceiver.hpp"
#include "lab/media/SimulcastSender.hpp"
#include "lab/media/SimulcastTrack.hpp"

using namespace portunus::lab;

namespace {

using Packet = std::vector<std::uint8_t>;

/** Every packet of `frames` frames, per SSRC. */
std::map<std::uint32_t, std::vector<Packet>> sendFrames(SimulcastSender& sender, int frames) {
  std::map<std::uint32_t, std::vector<Packet>> out;
  for (int f = 0; f < frames; ++f) {
    sender.sendFrame([&](std::span<std::uint8_t> p) {
      const std::uint32_t ssrc = (std::uint32_t{p[8]} << 24) | (p[9] << 16) | (p[10] << 8) | p[11];
      out[ssrc].emplace_back(p.begin(), p.end());
    });
  }
  return out;
}

SimulcastSenderConfig config() {
  SimulcastSenderConfig c;
  c.layers = defaultSimulcastLayers(42);
  c.announce_frames = 2;
  c.keyframe_interval_frames = 0;
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(simulcast_sender)

BOOST_AUTO_TEST_CASE(the_verifying_receiver_counts_each_layer_apart) {
  // A load subscriber's RtpReceiver finds the MediaPayload behind the VP8 descriptor and the layer tag.
  SimulcastSenderConfig c = config();
  c.stream_id_base = 500;
  SimulcastSender sender(c, 9);
  RtpReceiver receiver;
  const auto bySsrc = sendFrames(sender, 30);
  for (const auto& [ssrc, packets] : bySsrc)
    for (const auto& p : packets)
      BOOST_TEST((receiver.receive(p, 1) == PayloadStatus::Ok));
  for (std::uint32_t l = 0; l < 3; ++l) {
    BOOST_TEST(sender.packetsSent(l) > 0u);
    BOOST_TEST(receiver.received(500 + l) == sender.packetsSent(l));
    const StreamReport r = receiver.report(500 + l, sender.packetsSent(l), 0);
    BOOST_TEST(r.lost == 0u);
    BOOST_TEST(r.bad_payloads == 0u);
  }
  BOOST_TEST(receiver.badPackets() == 0u);
  // A corrupted MediaPayload behind a valid descriptor is no packet of any layer.
  Packet broken = bySsrc.begin()->second.back();
  broken.back() ^= 0xff;
  BOOST_TEST((receiver.receive(broken, 2) != PayloadStatus::Ok));
  BOOST_TEST(receiver.badPackets() == 1u);
}

BOOST_AUTO_TEST_CASE(three_layers_distinct_bitrates_rid_only_on_first_frames) {
  SimulcastSender sender(config(), 7);
  auto bySsrc = sendFrames(sender, 8);
  BOOST_REQUIRE_EQUAL(bySsrc.size(), 3u);
  const auto& layers = sender.config().layers;
  BOOST_TEST(sender.packetsSent(0) < sender.packetsSent(1));
  BOOST_TEST(sender.packetsSent(1) < sender.packetsSent(2));
  for (std::size_t l = 0; l < layers.size(); ++l) {
    BOOST_TEST_CONTEXT("layer " << layers[l].rid) {
      const auto& packets = bySsrc[layers[l].ssrc];
      BOOST_REQUIRE(!packets.empty());
      // The first frame (a keyframe, asked for at start) carries mid and rid in a one-byte extension block.
      const Packet& first = packets.front();
      BOOST_TEST((first[0] & 0x10) != 0);
      BOOST_TEST(first[12] == 0xbe);
      BOOST_TEST(first[13] == 0xde);
      BOOST_TEST(first[16] == (4 << 4));  // mid (id 4, one byte) "0"
      BOOST_TEST(first[17] == '0');
      BOOST_TEST(first[18] == (10 << 4));  // rid (id 10, one byte)
      BOOST_TEST(first[19] == static_cast<std::uint8_t>(layers[l].rid[0]));
      // Later frames do not.
      BOOST_TEST((packets.back()[0] & 0x10) == 0);
      // One layer alone is a clean stream: verified packets, +1 sequence, the layer's own PictureIDs.
      SimulcastTrack track;
      for (const auto& p : packets)
        BOOST_TEST(track.receive(p.data(), p.size(), 1));
      const auto c = track.continuity();
      BOOST_TEST(c["unverified"].get<int>() == 0);
      BOOST_TEST(c["seq_gaps"].get<int>() == 0);
      BOOST_TEST(c["picture_id_jumps"].get<int>() == 0);
      BOOST_TEST(c["frames"].get<int>() == 8);
      const auto w = track.window(0, 2);
      BOOST_TEST(w.layers.size() == 1u);
      BOOST_TEST(w.layers.begin()->first == static_cast<int>(l));
    }
  }
  BOOST_TEST(sender.keyframesSent() == 1u);
}

BOOST_AUTO_TEST_CASE(track_flags_what_an_sfu_must_not_do) {
  struct Row {
    const char* name;
    bool dropTid2;     // filter TID 2 frames without rewriting sequence numbers
    bool switchLayer;  // splice layer 0 into layer 2 at a delta frame, PictureIDs untouched
    const char* counter;
  };
  const Row rows[] = {{"temporal filtering leaving seq gaps", true, false, "seq_gaps"},
                      {"switch without keyframe", false, true, "switch_without_keyframe"},
                      {"switch without PictureID rewrite", false, true, "picture_id_jumps"}};
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      SimulcastSender sender(config(), 9);
      auto bySsrc = sendFrames(sender, 8);
      const auto& layers = sender.config().layers;
      std::vector<Packet> stream;
      for (const auto& p : bySsrc[layers[2].ssrc]) {
        const auto view = Vp8Payload::parse(std::span(p).subspan((p[0] & 0x10) ? 20 : 12));
        BOOST_REQUIRE(view.has_value());
        if (row.dropTid2 && view->tag.tid == 2) continue;
        stream.push_back(p);
      }
      if (row.switchLayer) {
        // Layer 0's last frame (a delta frame) appended to layer 2's stream.
        const auto& low = bySsrc[layers[0].ssrc];
        stream.push_back(low.back());
      }
      SimulcastTrack track;
      for (const auto& p : stream)
        track.receive(p.data(), p.size(), 1);
      BOOST_TEST(track.continuity()[row.counter].get<int>() > 0);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
