#include "dataplane/srtp/LibsrtpStreamContext.hpp"

namespace portunus::dp {
namespace {

constexpr std::uint32_t kRtpHeaderLength = 12;     // RFC 3550 §5.1 fixed header
constexpr std::uint32_t kRtcpHeaderLength = 8;     // RFC 3550 §6.4.1 up to and including the sender SSRC
constexpr std::uint32_t kMaxPacketLength = 65535;  // keeps libsrtp's int lengths far from overflow

}  // namespace

LibsrtpStreamContext::LibsrtpStreamContext(const SrtpKeyMaterial& keys, std::uint32_t ssrc, SrtpDirection direction,
                                           const LibsrtpStreamOptions& options)
    : session_(createLibsrtpSession(keys, ssrc, direction, options)),
      ssrc_(ssrc),
      direction_(direction),
      profile_(keys.profile),
      rtp_overhead_(static_cast<std::uint32_t>(srtpOverhead(keys.profile, false))),
      rtcp_overhead_(static_cast<std::uint32_t>(srtpOverhead(keys.profile, true))) {}

SrtpStatus LibsrtpStreamContext::protect(std::uint8_t* data, std::uint32_t& len, std::uint32_t capacity,
                                         bool rtcp) noexcept {
  const std::uint32_t min_length = rtcp ? kRtcpHeaderLength : kRtpHeaderLength;
  const std::uint32_t overhead = rtcp ? rtcp_overhead_ : rtp_overhead_;
  if (data == nullptr || len < min_length || len > kMaxPacketLength || capacity < len + overhead) {
    return SrtpStatus::BadLength;
  }
  int length = static_cast<int>(len);
  const srtp_err_status_t status =
      rtcp ? srtp_protect_rtcp(session_.get(), data, &length) : srtp_protect(session_.get(), data, &length);
  if (status != srtp_err_status_ok) return toSrtpStatus(status);
  len = static_cast<std::uint32_t>(length);
  return SrtpStatus::Ok;
}

SrtpStatus LibsrtpStreamContext::unprotect(std::uint8_t* data, std::uint32_t& len, bool rtcp) noexcept {
  const std::uint32_t min_length = (rtcp ? kRtcpHeaderLength + rtcp_overhead_ : kRtpHeaderLength + rtp_overhead_);
  if (data == nullptr || len < min_length || len > kMaxPacketLength) return SrtpStatus::BadLength;
  int length = static_cast<int>(len);
  const srtp_err_status_t status =
      rtcp ? srtp_unprotect_rtcp(session_.get(), data, &length) : srtp_unprotect(session_.get(), data, &length);
  if (status != srtp_err_status_ok) return toSrtpStatus(status);
  len = static_cast<std::uint32_t>(length);
  return SrtpStatus::Ok;
}

}  // namespace portunus::dp
