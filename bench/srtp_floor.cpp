// srtp-floor: the per-core SRTP protect ceiling (DESIGN §5). One core, tight loop, RTP with 200 B and 1200 B payloads,
// every profile: stock libsrtp2 (its built-in, NSS-backed transforms on Debian; one srtp_protect per packet) against
// LibsrtpEngine (libsrtp2 + OpenSSL transforms; bursts of 32 through SrtpEngine::protect). A benchmark, not a test.
// Rates are per CPU-second of the measuring thread (CLOCK_THREAD_CPUTIME_ID), so that other work on a shared machine
// does not count against the crypto; a measurement ends after `seconds` of CPU or 2x that of wall time.
// Usage: srtp-floor [seconds per measurement, default 0.25]
#include <time.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/srtp/LibsrtpEngine.hpp"
#include "dataplane/srtp/LibsrtpReferenceSession.hpp"

namespace {

using portunus::dp::LibsrtpEngine;
using portunus::dp::LibsrtpReferenceSession;
using portunus::dp::SrtpDirection;
using portunus::dp::SrtpKeyMaterial;
using portunus::dp::SrtpOp;
using portunus::dp::SrtpProfile;
using portunus::dp::SrtpStatus;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kBurst = 32;

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/** Runs `burst` (which handles kBurst packets) until `seconds` of thread CPU time; returns Mpps per CPU-second. */
template <typename Burst>
double measure(double seconds, Burst&& burst) {
  for (int i = 0; i < 64; ++i)
    burst();  // warm caches and branch predictors
  std::uint64_t done = 0;
  const double cpu_start = threadCpuSeconds();
  const auto wall_limit = Clock::now() + std::chrono::duration<double>(2 * seconds);
  double cpu = 0;
  do {
    for (int i = 0; i < 8; ++i)
      burst();
    done += 8 * kBurst;
    cpu = threadCpuSeconds() - cpu_start;
  } while (cpu < seconds && Clock::now() < wall_limit);
  return static_cast<double>(done) / cpu / 1e6;
}

constexpr std::size_t kBufferSize = 2048;
constexpr std::uint32_t kSsrc = 0x600df00d;
constexpr std::size_t kHeader = 12;

struct Packets {
  explicit Packets(std::size_t payload) : length(static_cast<std::uint32_t>(kHeader + payload)) {
    for (auto& buffer : buffers) {
      buffer.fill(0xa5);
      buffer[0] = 0x80;
      buffer[1] = 96;
      buffer[8] = kSsrc >> 24;
      buffer[9] = (kSsrc >> 16) & 0xff;
      buffer[10] = (kSsrc >> 8) & 0xff;
      buffer[11] = kSsrc & 0xff;
    }
  }
  // Protecting the previous round's ciphertext costs the same as plaintext; only length and sequence are reset.
  void next(std::size_t i) {
    buffers[i][2] = static_cast<std::uint8_t>(seq >> 8);
    buffers[i][3] = static_cast<std::uint8_t>(seq);
    ++seq;
  }
  std::uint32_t length;
  std::uint16_t seq = 1;
  std::vector<std::array<std::uint8_t, kBufferSize>> buffers{kBurst};
};

double stockMpps(const SrtpKeyMaterial& keys, std::size_t payload, double seconds) {
  LibsrtpReferenceSession session(keys, kSsrc, SrtpDirection::Outbound);
  Packets packets(payload);
  return measure(seconds, [&] {
    for (std::size_t i = 0; i < kBurst; ++i) {
      packets.next(i);
      int len = static_cast<int>(packets.length);
      if (session.protect(packets.buffers[i].data(), len, false) != srtp_err_status_ok) {
        std::fprintf(stderr, "srtp-floor: stock protect failed\n");
        std::exit(1);
      }
    }
  });
}

double engineMpps(LibsrtpEngine& engine, const SrtpKeyMaterial& keys, std::size_t payload, double seconds) {
  auto ctx = engine.createStream(keys, kSsrc, SrtpDirection::Outbound);
  Packets packets(payload);
  std::array<SrtpOp, kBurst> ops{};
  return measure(seconds, [&] {
    for (std::size_t i = 0; i < kBurst; ++i) {
      packets.next(i);
      ops[i] = SrtpOp{packets.buffers[i].data(), packets.length, kBufferSize, ctx.get(), false, SrtpStatus::Ok};
    }
    engine.protect(ops.data(), kBurst);
    for (const auto& op : ops) {
      if (op.status != SrtpStatus::Ok) {
        std::fprintf(stderr, "srtp-floor: engine protect failed: %s\n", std::string(statusName(op.status)).c_str());
        std::exit(1);
      }
    }
  });
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.25;
  LibsrtpEngine engine;
  for (const SrtpProfile profile : {SrtpProfile::Aes128CmSha1_80, SrtpProfile::Aes128CmSha1_32,
                                    SrtpProfile::AeadAes128Gcm, SrtpProfile::AeadAes256Gcm}) {
    SrtpKeyMaterial keys;
    keys.profile = profile;
    for (std::size_t i = 0; i < keys.master_key.size(); ++i)
      keys.master_key[i] = static_cast<std::uint8_t>(i * 7 + 1);
    for (std::size_t i = 0; i < keys.master_salt.size(); ++i)
      keys.master_salt[i] = static_cast<std::uint8_t>(i * 3);
    for (const std::size_t payload : {std::size_t{200}, std::size_t{1200}}) {
      const double stock = stockMpps(keys, payload, seconds);
      const double ours = engineMpps(engine, keys, payload, seconds);
      std::printf("srtp-floor %s/%s %zuB: %.2f Mpps (stock %.2f Mpps, ratio %.1f)\n",
                  std::string(engine.name()).c_str(), std::string(profileName(profile)).c_str(), payload, ours, stock,
                  ours / stock);
      std::fflush(stdout);
    }
  }
  return 0;
}
