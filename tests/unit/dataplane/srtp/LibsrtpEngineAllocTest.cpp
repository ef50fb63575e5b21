// The packet path allocates nothing: 10 000 packets per profile, RTP and RTCP, protected and unprotected in bursts of
// 32 through LibsrtpEngine while every malloc/calloc/realloc/aligned allocation in the process is counted
// (MallocCounter.c). The counter is first shown to see allocations made directly and from inside libcrypto.
#define BOOST_TEST_MODULE dataplane_srtp_libsrtp_engine_alloc
#include <openssl/evp.h>

#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "dataplane/srtp/LibsrtpEngine.hpp"
#include "tests/unit/dataplane/srtp/MallocCounter.h"
#include "tests/unit/dataplane/srtp/SrtpTestPackets.hpp"

namespace portunus::dp {
namespace {

constexpr std::size_t kBurst = 32;
constexpr std::size_t kPackets = 10000;
constexpr std::size_t kBufferSize = 1500;

BOOST_AUTO_TEST_CASE(the_counter_sees_allocations_from_our_code_and_from_libcrypto) {
  static void* volatile direct = nullptr;  // volatile: the compiler may not elide the malloc/free pair
  malloc_counter_start();
  direct = std::malloc(64);
  malloc_counter_stop();
  BOOST_TEST(malloc_counter_count() == 1);
  std::free(direct);

  malloc_counter_start();
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();  // allocated inside libcrypto.so
  malloc_counter_stop();
  BOOST_TEST(malloc_counter_count() >= 1);
  EVP_CIPHER_CTX_free(ctx);
}

struct Case {
  SrtpProfile profile;
  bool rtcp;
};

BOOST_AUTO_TEST_CASE(protect_and_unprotect_never_allocate) {
  LibsrtpEngine engine;
  std::mt19937 rng(42);
  for (const SrtpProfile profile : test::kAllProfiles) {
    for (const bool rtcp : {false, true}) {
      BOOST_TEST_CONTEXT(profileName(profile) << (rtcp ? " RTCP" : " RTP")) {
        // Control side: contexts, buffers and plain packets are made before counting starts.
        const auto keys = test::randomKeys(profile, rng);
        const std::uint32_t ssrc = 0x51525354;
        auto tx = engine.createStream(keys, ssrc, SrtpDirection::Outbound);
        auto rx = engine.createStream(keys, ssrc, SrtpDirection::Inbound);
        std::vector<std::vector<std::uint8_t>> plain;
        for (std::size_t i = 0; i < kBurst; ++i) {
          const std::size_t length = rtcp ? 8 + 4 * (rng() % 300) : 12 + rng() % 1300;
          plain.push_back(rtcp ? test::makeRtcp(rng, ssrc, length) : test::makeRtp(rng, ssrc, 0, length));
        }
        std::vector<std::array<std::uint8_t, kBufferSize>> buffers(kBurst);
        std::array<SrtpOp, kBurst> ops{};
        std::size_t not_ok = 0;
        std::size_t mismatched = 0;
        std::uint16_t seq = 65000;  // crosses a ROC wrap on the way

        malloc_counter_start();
        for (std::size_t done = 0; done < kPackets; done += kBurst) {
          for (std::size_t i = 0; i < kBurst; ++i) {
            std::memcpy(buffers[i].data(), plain[i].data(), plain[i].size());
            if (!rtcp) {
              buffers[i][2] = static_cast<std::uint8_t>(seq >> 8);
              buffers[i][3] = static_cast<std::uint8_t>(seq);
              ++seq;
            }
            ops[i] =
                SrtpOp{buffers[i].data(),     static_cast<std::uint32_t>(plain[i].size()), kBufferSize, tx.get(), rtcp,
                       SrtpStatus::CipherFail};
          }
          engine.protect(ops.data(), kBurst);
          for (auto& op : ops) {
            not_ok += op.status != SrtpStatus::Ok ? 1 : 0;
            op.ctx = rx.get();
          }
          engine.unprotect(ops.data(), kBurst);
          for (std::size_t i = 0; i < kBurst; ++i) {
            not_ok += ops[i].status != SrtpStatus::Ok ? 1 : 0;
            // The sequence number was rewritten; compare from byte 4 on.
            mismatched += (ops[i].len != plain[i].size() ||
                           std::memcmp(buffers[i].data() + 4, plain[i].data() + 4, plain[i].size() - 4) != 0)
                              ? 1
                              : 0;
          }
        }
        malloc_counter_stop();

        BOOST_TEST(malloc_counter_count() == 0);
        BOOST_TEST(not_ok == 0U);
        BOOST_TEST(mismatched == 0U);
      }
    }
  }
}

}  // namespace
}  // namespace portunus::dp
