// One stream's SRTP/SRTCP state in IpsecMbEngine: the session keys in the form intel-ipsec-mb's jobs take them (AES
// expanded keys and HMAC-SHA1 ipad/opad digests for AES-CM, GCM key data for AEAD), the salts, the RTP replay window
// (whose highest index also gives the ROC estimate, RFC 3711 §3.3.1 / Appendix A, as libsrtp2 does it), the SRTCP
// window and the outbound SRTCP index. Built on the control side; used by one worker lcore only.
#pragma once

#include <intel-ipsec-mb.h>

#include <cstdint>

#include "dataplane/srtp/IpsecMbReplayWindow.hpp"
#include "dataplane/srtp/SrtpEngine.hpp"
#include "dataplane/srtp/SrtpKeyDerivation.hpp"

namespace portunus::dp {

/** The precomputed keys of SRTP or of SRTCP. */
struct alignas(64) IpsecMbSessionKeys {
  gcm_key_data gcm;                        // AEAD profiles
  alignas(16) std::uint32_t enc_keys[60];  // AES-CM: expanded encryption key (up to AES-256: 15 round keys)
  alignas(16) std::uint32_t dec_keys[60];
  alignas(16) std::uint8_t ipad[32];  // HMAC-SHA1 state after (key XOR ipad), ditto opad
  alignas(16) std::uint8_t opad[32];
  std::uint8_t salt[14];
};

class IpsecMbStreamContext final : public SrtpStreamContext {
 public:
  /** Control side: schedules the keys with `mgr`. Throws std::runtime_error on an unsupported profile. */
  IpsecMbStreamContext(IMB_MGR* mgr, SrtpProfile profile, const SrtpSessionSecrets& rtp, const SrtpSessionSecrets& rtcp,
                       std::uint32_t ssrc, SrtpDirection direction, std::uint32_t replay_window);

  std::uint32_t ssrc() const noexcept override { return ssrc_; }
  SrtpDirection direction() const noexcept override { return direction_; }
  SrtpProfile profile() const noexcept override { return profile_; }
  /** The session keys do not depend on the SSRC (RFC 3711 §4.3): only the IVs do. */
  bool rebindSsrc(std::uint32_t ssrc) noexcept override {
    ssrc_ = ssrc;
    return true;
  }

  /** Control side: the SRTCP index the next protected packet continues from (it gets `last_sent` + 1). */
  void setLastSrtcpIndex(std::uint32_t last_sent) noexcept { srtcp_index_ = last_sent & 0x7fffffffU; }

  /** Packet index (ROC << 16 | SEQ) of a received or sent sequence number, estimated from the highest index so far
   *  (libsrtp2's rule: ROC 0 while that is at most 2^15, then the RFC 3711 Appendix A guess). */
  std::uint64_t estimateIndex(std::uint16_t seq) const noexcept {
    // In a burst, packets of this stream still in flight (submitted, not yet verified) count as the reference too, so
    // the guesses equal those of one-at-a-time processing when the packets are genuine.
    const std::uint64_t highest =
        rtp_window_.highest() > in_flight_highest_ ? rtp_window_.highest() : in_flight_highest_;
    if (highest <= 0x8000) return seq;
    const std::uint64_t roc = highest >> 16;
    const auto local_seq = static_cast<std::uint16_t>(highest);
    std::uint64_t guess_roc = roc;
    if (local_seq < 0x8000) {
      if (seq > local_seq && seq - local_seq > 0x8000) guess_roc = roc - 1;
    } else if (local_seq - 0x8000 > seq) {
      guess_roc = roc + 1;
    }
    return (guess_roc << 16 | seq) & 0xffffffffffffULL;
  }

  bool aead() const noexcept { return aead_; }
  std::uint32_t rtpTagLength() const noexcept { return rtp_tag_; }
  std::uint64_t keyLength() const noexcept { return key_length_; }

  IpsecMbSessionKeys rtp_keys;
  IpsecMbSessionKeys rtcp_keys;
  IpsecMbReplayWindow rtp_window_;
  IpsecMbReplayWindow rtcp_window_{128};  // libsrtp2's fixed SRTCP window
  std::uint32_t srtcp_index_ = 0;         // outbound: last SRTCP index sent
  std::uint64_t in_flight_highest_ = 0;   // inbound: highest index submitted in the current burst chunk

 private:
  std::uint32_t ssrc_;
  SrtpDirection direction_;
  SrtpProfile profile_;
  bool aead_;
  std::uint32_t rtp_tag_;
  std::uint64_t key_length_;
};

}  // namespace portunus::dp
