#include "dataplane/Counters.hpp"

namespace portunus::dp {

std::string_view puntName(PuntReason r) noexcept {
  static constexpr std::array<std::string_view, kPuntReasons> kNames{
      "arp", "non_ipv4", "fragment", "icmp", "tcp", "other_l4", "stun", "dtls", "unknown_udp", "unknown_flow"};
  const auto i = static_cast<std::size_t>(r);
  return i < kNames.size() ? kNames[i] : "invalid";
}

std::string_view dropName(DropReason r) noexcept {
  static constexpr std::array<std::string_view, kDropReasons> kNames{"truncated_ethernet",
                                                                     "truncated_ipv4",
                                                                     "bad_ipv4_header",
                                                                     "bad_ipv4_length",
                                                                     "truncated_udp",
                                                                     "bad_udp_length",
                                                                     "bad_rtp",
                                                                     "bad_rtcp",
                                                                     "unknown_ssrc",
                                                                     "unknown_rtcp_ssrc",
                                                                     "srtp_auth",
                                                                     "srtp_replay",
                                                                     "srtp_other",
                                                                     "no_route",
                                                                     "no_l2",
                                                                     "no_mbuf",
                                                                     "handoff_full",
                                                                     "tx_full",
                                                                     "no_exception",
                                                                     "stale_flow",
                                                                     "rtx",
                                                                     "filtered"};
  const auto i = static_cast<std::size_t>(r);
  return i < kNames.size() ? kNames[i] : "invalid";
}

}  // namespace portunus::dp
