// SrtpEngine::unprotectInto, checked the same way for every engine: a burst of stock-protected RTP of 12..1400 bytes
// in which some ops decrypt into another buffer and some in place, with a tampered packet, a duplicate and an SRTCP op
// (always in place) among them.
#pragma once

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <vector>

#include "dataplane/srtp/LibsrtpReferenceSession.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"
#include "tests/unit/dataplane/srtp/SrtpTestPackets.hpp"

namespace portunus::dp::test {

/** `pair` has rng, ssrc, stockProtect(bytes, rtcp) and our_rx (an inbound context of `engine`). */
template <class Pair>
void checkUnprotectInto(Pair& pair, SrtpEngine& engine) {
  using Bytes = std::vector<std::uint8_t>;
  constexpr std::size_t kCount = 60, kTampered = 7, kDuplicate = 11, kRtcp = 20, kRoom = 64;
  auto seq = static_cast<std::uint16_t>(pair.rng());
  std::vector<Bytes> plain(kCount), wire(kCount), outs(kCount);
  for (std::size_t i = 0; i < kCount; ++i) {
    const bool rtcp = i == kRtcp;
    if (i == kDuplicate) {
      plain[i] = plain[i - 1];
      wire[i] = wire[i - 1];  // with its room already
      continue;
    }
    const std::size_t length = i < 2 ? 12 + 1388 * i : 12 + pair.rng() % (1400 - 12 + 1);
    plain[i] =
        rtcp ? makeRtcp(pair.rng, pair.ssrc, 8 + 4 * (pair.rng() % 100)) : makeRtp(pair.rng, pair.ssrc, seq++, length);
    wire[i] = plain[i];
    BOOST_REQUIRE(pair.stockProtect(wire[i], rtcp) == srtp_err_status_ok);
    wire[i].resize(wire[i].size() + kRoom);
  }
  wire[kTampered][wire[kTampered].size() - kRoom - 1] ^= 0x01;  // the tag's last byte
  std::vector<Bytes> received = wire;
  std::vector<SrtpOp> ops(kCount);
  std::vector<std::uint8_t*> into(kCount, nullptr);
  for (std::size_t i = 0; i < kCount; ++i) {
    const auto len = static_cast<std::uint32_t>(wire[i].size() - kRoom);
    ops[i] = SrtpOp{wire[i].data(),    len,        static_cast<std::uint32_t>(wire[i].size()),
                    pair.our_rx.get(), i == kRtcp, SrtpStatus::CipherFail};
    if (i % 3 != 2 || i == kTampered || i == kDuplicate || i == kRtcp) {
      outs[i].assign(len, 0xee);
      into[i] = outs[i].data();
    }
  }
  engine.unprotectInto(ops.data(), into.data(), static_cast<std::uint16_t>(kCount));
  for (std::size_t i = 0; i < kCount; ++i) {
    BOOST_TEST_CONTEXT("op " << i << (into[i] ? " out of place" : " in place")) {
      if (i == kTampered) {
        BOOST_TEST(statusName(ops[i].status) == statusName(SrtpStatus::AuthFail));
        continue;
      }
      if (i == kDuplicate) {
        BOOST_TEST(statusName(ops[i].status) == statusName(SrtpStatus::ReplayDup));
        continue;
      }
      BOOST_REQUIRE((ops[i].status == SrtpStatus::Ok));
      const bool moved = into[i] != nullptr && i != kRtcp;
      BOOST_TEST((ops[i].data == (moved ? into[i] : wire[i].data())));
      BOOST_TEST(Bytes(ops[i].data, ops[i].data + ops[i].len) == plain[i], boost::test_tools::per_element());
      if (moved) {  // the received buffer kept the header and the ciphertext
        const std::size_t body_end = received[i].size() - kRoom - srtpTagLength(pair.keys.profile, false);
        BOOST_TEST(Bytes(wire[i].begin(), wire[i].begin() + body_end) ==
                       Bytes(received[i].begin(), received[i].begin() + body_end),
                   boost::test_tools::per_element());
      }
    }
  }
}

}  // namespace portunus::dp::test
