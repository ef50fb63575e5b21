#include <boost/test/unit_test.hpp>
#include <vector>

#include "common/proto/ByteOrder.hpp"
#include "lab/media/RetransmitHistory.hpp"
#include "lab/media/RtpSender.hpp"

using namespace portunus::lab;
using portunus::proto::load16;
using portunus::proto::load32;

namespace {

std::vector<std::uint8_t> packet(std::uint32_t ssrc, std::uint16_t seq, std::uint8_t pt, std::size_t payload) {
  std::vector<std::uint8_t> p(12 + payload);
  writeRtpHeader(p.data(), true, pt, seq, 1234, ssrc);
  for (std::size_t i = 0; i < payload; ++i)
    p[12 + i] = static_cast<std::uint8_t>(seq + i);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rebuilds_as_rtx_or_plain_and_unwraps) {
  struct Row {
    const char* name;
    std::uint32_t rtxSsrc;  // 0: plain resend
  };
  for (const Row row : {Row{"rtx", 0xabcdef01u}, Row{"plain", 0}}) {
    BOOST_TEST_CONTEXT(row.name) {
      RetransmitHistory h;
      h.addStream(0x1111, row.rtxSsrc, 97, 500);
      for (std::uint16_t seq = 65530; seq != 10; ++seq)
        h.store(packet(0x1111, seq, 96, 100));
      h.store(packet(0x2222, 3, 96, 100));  // not registered: not kept
      std::uint8_t out[1600];
      bool rtx = false;
      BOOST_TEST(h.rebuild(0x2222, 3, out, sizeof(out), rtx) == 0u);
      BOOST_TEST(h.rebuild(0x1111, 20, out, sizeof(out), rtx) == 0u);  // never sent
      const auto original = packet(0x1111, 65535, 96, 100);
      for (int i = 0; i < 2; ++i) {
        const std::size_t len = h.rebuild(0x1111, 65535, out, sizeof(out), rtx);
        BOOST_TEST(rtx == (row.rtxSsrc != 0));
        if (!rtx) {
          BOOST_TEST(std::vector<std::uint8_t>(out, out + len) == original, boost::test_tools::per_element());
          continue;
        }
        BOOST_REQUIRE(len == original.size() + 2);
        BOOST_TEST((out[1] & 0x7f) == 97);
        BOOST_TEST(load16(out + 2) == 500 + i);  // RTX sequence numbers of their own
        BOOST_TEST(load32(out + 8) == row.rtxSsrc);
        BOOST_TEST(load16(out + 12) == 65535);  // OSN
        std::size_t offset = 0, outLen = 0;
        BOOST_REQUIRE(unwrapRtx(out, len, 96, 0x1111, offset, outLen));
        BOOST_TEST(std::vector<std::uint8_t>(out + offset, out + offset + outLen) == original,
                   boost::test_tools::per_element());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(forgets_what_fell_out_of_the_window) {
  RetransmitHistory h;
  h.addStream(7, 0, 0, 0);
  for (std::uint32_t seq = 0; seq < RetransmitHistory::kPackets + 5; ++seq)
    h.store(packet(7, static_cast<std::uint16_t>(seq), 96, 40));
  std::uint8_t out[1600];
  bool rtx = false;
  BOOST_TEST(h.rebuild(7, 0, out, sizeof(out), rtx) == 0u);
  BOOST_TEST(h.rebuild(7, 4, out, sizeof(out), rtx) == 0u);  // its slot holds kPackets + 4 now
  BOOST_TEST(h.rebuild(7, 5, out, sizeof(out), rtx) == 52u);
  BOOST_TEST(h.rebuild(7, RetransmitHistory::kPackets + 4, out, sizeof(out), rtx) == 52u);
  std::size_t offset = 0, outLen = 0;
  std::uint8_t tiny[13] = {0x80};
  BOOST_TEST(!unwrapRtx(tiny, sizeof(tiny), 96, 7, offset, outLen));  // no room for an OSN
}
