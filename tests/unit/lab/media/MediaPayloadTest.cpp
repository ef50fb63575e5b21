#define BOOST_TEST_MODULE lab_media
#include <boost/test/unit_test.hpp>
#include <functional>
#include <vector>

#include "lab/media/MediaPayload.hpp"

using namespace portunus::lab;

BOOST_AUTO_TEST_CASE(round_trip_sizes) {
  for (std::size_t size : {MediaPayload::kHeaderSize, std::size_t{160}, std::size_t{1200}}) {
    BOOST_TEST_CONTEXT("size " << size) {
      std::vector<std::uint8_t> buf(size);
      MediaPayload::encode(PayloadHeader{7, 123456, 0x0102030405060708ull, 0}, buf);
      PayloadHeader h;
      BOOST_TEST(payloadStatusName(MediaPayload::verify(buf, h)) == "ok");
      BOOST_TEST(h.stream_id == 7u);
      BOOST_TEST(h.sequence == 123456u);
      BOOST_TEST(h.send_time_ns == 0x0102030405060708ull);
      BOOST_TEST(h.length == size);
    }
  }
}

BOOST_AUTO_TEST_CASE(corruptions_are_named) {
  struct Row {
    const char* name;
    std::function<void(std::vector<std::uint8_t>&)> corrupt;
    PayloadStatus expected;
  };
  const Row rows[] = {
      {"flip a fill byte", [](auto& b) { b[100] ^= 1; }, PayloadStatus::BadChecksum},
      {"flip the sequence", [](auto& b) { b[11] ^= 0x80; }, PayloadStatus::BadChecksum},
      {"flip the send time", [](auto& b) { b[19] ^= 4; }, PayloadStatus::BadChecksum},
      {"flip the checksum", [](auto& b) { b[27] ^= 1; }, PayloadStatus::BadChecksum},
      {"wrong magic", [](auto& b) { b[0] = 'X'; }, PayloadStatus::BadMagic},
      {"truncated", [](auto& b) { b.resize(b.size() - 1); }, PayloadStatus::BadLength},
      {"extended", [](auto& b) { b.push_back(0); }, PayloadStatus::BadLength},
      {"shorter than the header", [](auto& b) { b.resize(20); }, PayloadStatus::TooShort},
  };
  for (const Row& row : rows) {
    BOOST_TEST_CONTEXT(row.name) {
      std::vector<std::uint8_t> buf(200);
      MediaPayload::encode(PayloadHeader{1, 2, 3, 0}, buf);
      row.corrupt(buf);
      PayloadHeader h;
      BOOST_TEST(payloadStatusName(MediaPayload::verify(buf, h)) == payloadStatusName(row.expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(fill_differs_between_packets) {
  std::vector<std::uint8_t> a(100), b(100);
  MediaPayload::encode(PayloadHeader{1, 1, 0, 0}, a);
  MediaPayload::encode(PayloadHeader{1, 2, 0, 0}, b);
  BOOST_TEST(!std::equal(a.begin() + MediaPayload::kHeaderSize, a.end(), b.begin() + MediaPayload::kHeaderSize));
}
