// The fast SRTP/SRTCP engine (DESIGN §5): intel-ipsec-mb's multi-buffer job API driven directly, with the SRTP framing
// in our code per RFC 3711 and RFC 7714 (KDF, IVs, ROC, replay window, SRTCP index and E bit). A burst's packets,
// from any streams and profiles, become jobs of one multi-buffer manager, so AES-CM + HMAC-SHA1 and AES-GCM run
// across packets in parallel lanes. The direct job API rather than DPDK's crypto_aesni_mb cryptodev: the same
// library underneath, without the rte_crypto_op mempool, session objects and enqueue/dequeue copies per packet.
// One engine per worker lcore (it owns the manager and per-burst scratch); per packet: no allocation, lock, log,
// syscall or throw.
#pragma once

#include <intel-ipsec-mb.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "dataplane/srtp/SrtpEngine.hpp"
#include "dataplane/srtp/SrtpKeyDerivation.hpp"

namespace portunus::dp {

class IpsecMbEngine final : public SrtpEngine {
 public:
  struct Options {
    /** RTP replay window in packets (1..1024; 1024 like LibsrtpEngine, see there). SRTCP's is libsrtp2's 128. */
    std::uint32_t replay_window = 1024;
    /** Run AES-CM + HMAC-SHA1 on an SSE manager (SHA-NI) where the CPU has SHA-NI and no AVX-512. */
    bool sha_ni_for_hmac = true;
  };

  /** Allocates and initialises the multi-buffer manager for the best code path of this CPU (control side). Throws
   *  std::runtime_error if the CPU lacks AES-NI or the manager cannot be made. */
  IpsecMbEngine();
  explicit IpsecMbEngine(Options options);
  ~IpsecMbEngine() override;
  IpsecMbEngine(const IpsecMbEngine&) = delete;
  IpsecMbEngine& operator=(const IpsecMbEngine&) = delete;

  std::string_view name() const noexcept override { return "ipsec-mb"; }
  /** The code path chosen by init_mb_mgr_auto, e.g. "avx2" (GCM jobs). */
  std::string_view architecture() const noexcept;
  /** The code path of AES-CM + HMAC-SHA1 jobs ("sse" when SHA-NI is used, see Options). */
  std::string_view hmacArchitecture() const noexcept;

  /** Outbound streams allow repeated sequence numbers (NACK retransmissions within the window). */
  std::unique_ptr<SrtpStreamContext> createStream(const SrtpKeyMaterial& keys, std::uint32_t ssrc,
                                                  SrtpDirection direction) override;
  /** Control side: a stream from session secrets directly, below the KDF (RFC 7714's vectors are given that way). */
  std::unique_ptr<SrtpStreamContext> createStreamFromSessionSecrets(SrtpProfile profile, const SrtpSessionSecrets& rtp,
                                                                    const SrtpSessionSecrets& rtcp, std::uint32_t ssrc,
                                                                    SrtpDirection direction);

  /** Each op's ctx must come from this engine; protect needs an Outbound context, unprotect an Inbound one (else
   *  NoContext), and the packet's SSRC must be the context's (else NoContext). */
  void protect(SrtpOp* ops, std::uint16_t count) noexcept override;
  void unprotect(SrtpOp* ops, std::uint16_t count) noexcept override;
  /** AES-GCM: out of place, the body read from the source and the ciphertext written into `data` by the job itself
   *  (no copy); AES-CM + HMAC-SHA1 copies the body first (the HMAC reads the ciphertext from the job's source). */
  void protectFrom(SrtpOp* ops, const std::uint8_t* const* sources, std::uint16_t count) noexcept override;
  /** AES-GCM and AES-CM jobs write the plaintext straight into `outs[i]` (their source and destination differ). */
  void unprotectInto(SrtpOp* ops, std::uint8_t* const* outs, std::uint16_t count) noexcept override;

  /** Per-op scratch of one chunk of a burst (IVs, tags, AAD); public only for its layout. */
  struct alignas(64) Slot {
    std::uint8_t iv[16];
    std::uint8_t tag[32];    // tag computed by the job
    std::uint8_t saved[16];  // unprotect AES-CM: the received tag (the ROC is written over it for the hash)
    std::uint8_t aad[12];    // SRTCP AEAD: header (8) || E || index (RFC 7714 §17)
    std::uint64_t index;     // unprotect: packet / SRTCP index to commit to the replay window once verified
    std::uint8_t* out;       // unprotectInto: where the plaintext went (null: in place)
    std::uint32_t tag_at;    // offset of the tag in the packet
    std::uint32_t new_len;   // length on success
    std::uint8_t tag_len;
    bool rtcp;
  };
  static constexpr std::uint16_t kChunk = 256;

 private:
  SrtpStatus prepareProtect(SrtpOp& op, const std::uint8_t* source, Slot& slot, IMB_JOB* job) noexcept;
  SrtpStatus prepareUnprotect(SrtpOp& op, std::uint8_t* out, Slot& slot, IMB_JOB* job) noexcept;
  template <bool Protect>
  void run(SrtpOp* ops, const std::uint8_t* const* sources, std::uint8_t* const* outs, std::uint16_t count) noexcept;
  template <bool Protect>
  void complete(IMB_JOB* job) noexcept;

  Options options_;
  IMB_MGR* mgr_ = nullptr;       // best code path: GCM jobs, key scheduling
  IMB_MGR* hmac_mgr_ = nullptr;  // AES-CM + HMAC-SHA1 jobs (mgr_ itself unless SHA-NI is preferred)
  IMB_ARCH arch_ = IMB_ARCH_NONE;
  IMB_ARCH hmac_arch_ = IMB_ARCH_NONE;
  std::array<Slot, kChunk> slots_{};
};

}  // namespace portunus::dp
