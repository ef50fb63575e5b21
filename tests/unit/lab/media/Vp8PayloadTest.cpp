#include <boost/test/unit_test.hpp>
#include <vector>

#include "dataplane/codec/Vp8Descriptor.hpp"
#include "lab/media/Vp8Payload.hpp"

using namespace portunus::lab;

namespace {

std::vector<std::uint8_t> encoded(const Vp8PacketInfo& info, std::size_t size = 200) {
  std::vector<std::uint8_t> buf(size);
  BOOST_REQUIRE(Vp8Payload::encode(info, PayloadHeader{101, 9, 0, 0}, buf));
  return buf;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vp8_payload)

// What the lab writes is what the dataplane's RFC 7741 parser reads (keyframe, frame start, ids, TID, Y) and what
// the lab's own parser gives back, tag included.
BOOST_AUTO_TEST_CASE(the_dataplane_parser_reads_what_the_lab_writes) {
  struct Row {
    const char* name;
    Vp8PacketInfo info;
  };
  const Row rows[] = {
      {"keyframe start", {true, true, 0x7abc, 200, 0, false, 2, 1280, 720}},
      {"delta frame start, TID 2, sync", {true, false, 5, 7, 2, true, 1, 640, 360}},
      {"continuation of a keyframe", {false, true, 0x7fff, 0, 0, false, 0, 320, 180}},
      {"continuation, TID 1", {false, false, 300, 255, 1, false, 1, 640, 360}},
  };
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      const auto buf = encoded(row.info);
      portunus::dp::Vp8Descriptor d;
      BOOST_TEST((portunus::dp::parseVp8(buf.data(), buf.size(), d) == portunus::dp::Vp8ParseStatus::Ok));
      BOOST_TEST(d.frameStart() == row.info.frame_start);
      BOOST_TEST(d.keyframe == (row.info.frame_start && row.info.keyframe));
      BOOST_TEST(d.long_picture_id);
      BOOST_TEST(d.picture_id == row.info.picture_id);
      BOOST_TEST(d.tl0picidx == row.info.tl0picidx);
      BOOST_TEST(d.tid == row.info.tid);
      BOOST_TEST(d.layer_sync == row.info.layer_sync);

      const auto view = Vp8Payload::parse(buf);
      BOOST_REQUIRE(view.has_value());
      BOOST_TEST(view->tag.layer == row.info.layer);
      BOOST_TEST(view->tag.keyframe == row.info.keyframe);
      BOOST_TEST(view->tag.picture_id == row.info.picture_id);
      BOOST_TEST(view->descriptor.picture_id == row.info.picture_id);
      BOOST_TEST(view->payload.stream_id == 101u);
    }
  }
}

BOOST_AUTO_TEST_CASE(damage_is_refused) {
  const Vp8PacketInfo info{true, false, 17, 3, 0, false, 1, 640, 360};
  struct Row {
    const char* name;
    std::size_t offset;
  };
  // Offsets: the descriptor's X/I bits, the tag's magic, a MediaPayload fill byte.
  const Row rows[] = {{"no extension bit", 0},
                      {"tag magic", Vp8Payload::kDescriptorSize + Vp8Payload::kFrameTagSize},
                      {"payload fill", 190}};
  for (const auto& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      auto buf = encoded(info);
      buf[row.offset] ^= 0x80;
      BOOST_TEST(!Vp8Payload::parse(buf).has_value());
    }
  }
  std::vector<std::uint8_t> tiny(Vp8Payload::overhead(info) + MediaPayload::kHeaderSize - 1);
  BOOST_TEST(!Vp8Payload::encode(info, PayloadHeader{}, tiny));
}

BOOST_AUTO_TEST_SUITE_END()
