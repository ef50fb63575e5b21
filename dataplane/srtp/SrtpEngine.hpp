// The burst-oriented SRTP/SRTCP engine interface (DESIGN §5). The pipeline hands a burst of packets, each with the
// per-stream context it belongs to, and gets a status per packet back. Engines: libsrtp2 with OpenSSL EVP transforms
// (reference and fallback), intel-ipsec-mb multi-buffer (fast path). Contexts are created on the control side
// (allocation allowed there) and used by exactly one worker lcore (single writer), never allocated per packet.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

namespace portunus::dp {

enum class SrtpProfile : std::uint8_t {
  Aes128CmSha1_80 = 1,  // RFC 5764 SRTP_AES128_CM_HMAC_SHA1_80
  Aes128CmSha1_32 = 2,  // RFC 5764 SRTP_AES128_CM_HMAC_SHA1_32
  AeadAes128Gcm = 7,    // RFC 7714 SRTP_AEAD_AES_128_GCM
  AeadAes256Gcm = 8,    // RFC 7714 SRTP_AEAD_AES_256_GCM
};

std::string_view profileName(SrtpProfile profile) noexcept;
/** Master key and salt lengths of a profile (16/14 for CM, 16/12 and 32/12 for GCM). */
std::size_t masterKeyLength(SrtpProfile profile) noexcept;
std::size_t masterSaltLength(SrtpProfile profile) noexcept;
/** Bytes an SRTP packet grows by when protected (tag, plus 4 for the SRTCP index on RTCP). */
std::size_t srtpOverhead(SrtpProfile profile, bool rtcp) noexcept;
/** Authentication tag length of a profile on RTP: 10 (CM-SHA1-80), 4 (CM-SHA1-32), 16 (GCM). SRTCP's CM tag is 10. */
std::size_t srtpTagLength(SrtpProfile profile, bool rtcp) noexcept;
/** RFC 5764 / RFC 7714 protection profile name as OpenSSL's SSL_CTX_set_tlsext_use_srtp takes it, e.g.
 *  "SRTP_AEAD_AES_128_GCM", "SRTP_AES128_CM_SHA1_80". */
std::string_view dtlsProfileName(SrtpProfile profile) noexcept;
/** Inverse of dtlsProfileName (also accepts profileName's spelling); nullopt for a profile we do not support. */
std::optional<SrtpProfile> profileFromName(std::string_view name) noexcept;
/** Profile from its two-byte DTLS-SRTP identifier (RFC 5764 §4.1.2, RFC 7714 §14.2); nullopt if unsupported. */
std::optional<SrtpProfile> profileFromId(std::uint16_t id) noexcept;
/** Every supported profile in our order of preference (GCM first, DESIGN §5), colon-separated as
 *  SSL_CTX_set_tlsext_use_srtp() takes it: "SRTP_AEAD_AES_128_GCM:SRTP_AEAD_AES_256_GCM:SRTP_AES128_CM_SHA1_80:..." */
std::string_view dtlsSrtpProfileList() noexcept;

/** One direction's master key material, as exported from DTLS (RFC 5764 §4.2). */
struct SrtpKeyMaterial {
  SrtpProfile profile = SrtpProfile::AeadAes128Gcm;
  std::array<std::uint8_t, 32> master_key{};
  std::array<std::uint8_t, 14> master_salt{};
};

enum class SrtpDirection : std::uint8_t { Inbound, Outbound };

/** Per-packet outcome; every non-Ok value is a named drop reason the pipeline counts. */
enum class SrtpStatus : std::uint8_t {
  Ok = 0,
  AuthFail,    // tag mismatch
  ReplayOld,   // older than the replay window
  ReplayDup,   // already seen within the window
  BadLength,   // too short for header + tag, or no room to grow
  NoContext,   // no context for this SSRC/direction
  CipherFail,  // transform error
};
/** Number of SrtpStatus values (for per-reason counter arrays indexed by the enum). */
inline constexpr std::size_t kSrtpStatusCount = static_cast<std::size_t>(SrtpStatus::CipherFail) + 1;
std::string_view statusName(SrtpStatus status) noexcept;

/** The context of one stream (one SSRC) in one direction: session keys, ROC, replay window, SRTCP index. */
class SrtpStreamContext {
 public:
  virtual ~SrtpStreamContext() = default;
  virtual std::uint32_t ssrc() const noexcept = 0;
  virtual SrtpDirection direction() const noexcept = 0;
  virtual SrtpProfile profile() const noexcept = 0;
  /** Worker side, before the first packet: binds a context created for SSRC 0 to `ssrc` (SSRC learning by mid/rid)
   *  without allocating. False if the engine cannot (the control side then creates a context for the SSRC). */
  virtual bool rebindSsrc(std::uint32_t /*ssrc*/) noexcept { return false; }
};

/** One packet of a burst. `data` points at the RTP/RTCP header inside a buffer of `capacity` bytes. */
struct SrtpOp {
  std::uint8_t* data = nullptr;
  std::uint32_t len = 0;       // in: packet length; out: the new length (protect grows, unprotect shrinks)
  std::uint32_t capacity = 0;  // bytes writable from `data`
  SrtpStreamContext* ctx = nullptr;
  bool rtcp = false;
  SrtpStatus status = SrtpStatus::Ok;  // out
};

class SrtpEngine {
 public:
  virtual ~SrtpEngine() = default;
  virtual std::string_view name() const noexcept = 0;

  /** Control side: creates one stream's context (may allocate; throws std::runtime_error on bad keys). */
  virtual std::unique_ptr<SrtpStreamContext> createStream(const SrtpKeyMaterial& keys, std::uint32_t ssrc,
                                                          SrtpDirection direction) = 0;

  /** Worker side: in-place transforms over a burst; never allocates, locks, logs or throws. */
  virtual void protect(SrtpOp* ops, std::uint16_t count) noexcept = 0;
  virtual void unprotect(SrtpOp* ops, std::uint16_t count) noexcept = 0;

  /** Worker side, RTP only: protect where each op's plaintext body comes from another buffer (fan-out: one decrypted
   *  source, one receiver's mbuf per op). `op.data` holds the packet's RTP header already (rewritten, `len` - body
   *  bytes long as `rtpHeaderLength` reads it); the body, bytes [header, len), is read from `sources[i] + header`
   *  (a packet of the same header length) when `sources[i]` is set. Engines that encrypt out of place write the
   *  ciphertext straight into `data`; the default copies the body, then protects in place. */
  virtual void protectFrom(SrtpOp* ops, const std::uint8_t* const* sources, std::uint16_t count) noexcept;

  /** Worker side, RTP only: unprotect where each op's plaintext goes to another buffer (the retransmission cache's
   *  slot: no copy after the decryption). Where `outs[i]` is set, the packet's header is copied there and the body
   *  decrypted after it; `outs[i]` has room for the op's `len` bytes. On Ok, `data` points at `outs[i]` and `len` is
   *  the plaintext's length; the received buffer keeps the ciphertext (the bytes after its body are undefined). On any
   *  other status the bytes at `outs[i]` are undefined. Engines that decrypt out of place write the plaintext
   *  straight there; the default copies the packet, then unprotects it in place there. */
  virtual void unprotectInto(SrtpOp* ops, std::uint8_t* const* outs, std::uint16_t count) noexcept;
};

/** RTP header length (fixed part, CSRCs, extension) if it fits in `len`, else 0 (RFC 3550 §5.1, §5.3.1). */
inline std::uint32_t rtpHeaderLength(const std::uint8_t* data, std::uint32_t len) noexcept {
  if (len < 12) return 0;
  std::uint32_t header = 12 + 4U * (data[0] & 0x0fU);
  if ((data[0] & 0x10U) != 0) {
    if (header + 4 > len) return 0;
    header += 4 + 4U * (static_cast<std::uint32_t>(data[header + 2]) << 8 | data[header + 3]);
  }
  return header <= len ? header : 0;
}

}  // namespace portunus::dp
