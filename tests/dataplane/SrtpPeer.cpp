// portunus-dp-srtp-peer: a remote peer on a kernel UDP socket for the integration tests. Sends COUNT RTP packets
// protected by stock libsrtp2 (SSRC --send-ssrc, key --tx-key) to --remote from --local, receives what comes back,
// unprotects it with stock libsrtp2 (SSRC --recv-ssrc, key --rx-key) and prints
// `sent N received M decrypted K ssrc_ok S rtcp R` (RTP counted apart from RTCP).
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/proto/ByteOrder.hpp"
#include "dataplane/srtp/LibsrtpReferenceSession.hpp"

using namespace portunus;

namespace {

sockaddr_in address(const std::string& s) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  const auto colon = s.rfind(':');
  inet_pton(AF_INET, s.substr(0, colon).c_str(), &a.sin_addr);
  a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(s.substr(colon + 1))));
  return a;
}

dp::SrtpKeyMaterial key(dp::SrtpProfile p, const std::string& hex) {
  dp::SrtpKeyMaterial k;
  k.profile = p;
  const std::size_t kl = dp::masterKeyLength(p), sl = dp::masterSaltLength(p);
  for (std::size_t i = 0; i < kl + sl && 2 * i + 1 < hex.size(); ++i) {
    const auto b = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
    if (i < kl) {
      k.master_key[i] = b;
    } else {
      k.master_salt[i - kl] = b;
    }
  }
  return k;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> o{{"--count", "50"}, {"--profile", "AEAD_AES_128_GCM"}, {"--wait-ms", "2000"}};
  for (int i = 1; i + 1 < argc; i += 2)
    o[argv[i]] = argv[i + 1];
  try {
    const auto profile = dp::profileFromName(o["--profile"]).value();
    const std::uint32_t send_ssrc = static_cast<std::uint32_t>(std::stoul(o.at("--send-ssrc")));
    const std::uint32_t recv_ssrc = static_cast<std::uint32_t>(std::stoul(o.at("--recv-ssrc")));
    dp::LibsrtpReferenceSession tx(key(profile, o.at("--tx-key")), send_ssrc, dp::SrtpDirection::Outbound);
    dp::LibsrtpReferenceSession rx(key(profile, o.at("--rx-key")), recv_ssrc, dp::SrtpDirection::Inbound);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const sockaddr_in local = address(o.at("--local")), remote = address(o.at("--remote"));
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) throw std::runtime_error("bind");
    const int count = std::stoi(o["--count"]);
    int received = 0, decrypted = 0, ssrc_ok = 0, rtcp = 0;
    auto drain = [&](int timeout_ms) {
      pollfd p{fd, POLLIN, 0};
      while (::poll(&p, 1, timeout_ms) > 0) {
        std::uint8_t buf[2048];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        if (n >= 2 && (buf[1] & 0x7f) >= 64 && (buf[1] & 0x7f) <= 95) {  // RTCP (our receiver reports)
          ++rtcp;
          continue;
        }
        ++received;
        int len = static_cast<int>(n);
        if (rx.unprotect(buf, len, false) == srtp_err_status_ok) {
          ++decrypted;
          ssrc_ok += proto::load32(buf + 8) == recv_ssrc;
        }
        timeout_ms = 0;
      }
    };
    for (int i = 0; i < count; ++i) {
      std::uint8_t pkt[1500] = {0x80, 96};
      proto::store16(pkt + 2, static_cast<std::uint16_t>(i));
      proto::store32(pkt + 4, 3000u * i);
      proto::store32(pkt + 8, send_ssrc);
      for (int b = 12; b < 212; ++b)
        pkt[b] = static_cast<std::uint8_t>(b + i);
      int len = 212;
      if (tx.protect(pkt, len, false) != srtp_err_status_ok) throw std::runtime_error("protect");
      ::sendto(fd, pkt, static_cast<std::size_t>(len), 0, reinterpret_cast<const sockaddr*>(&remote), sizeof remote);
      drain(1);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::stoi(o["--wait-ms"]));
    while (received < count && std::chrono::steady_clock::now() < deadline)
      drain(50);
    std::cout << "sent " << count << " received " << received << " decrypted " << decrypted << " ssrc_ok " << ssrc_ok
              << " rtcp " << rtcp << std::endl;
    ::close(fd);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "portunus-dp-srtp-peer: " << e.what() << "\n";
    return 1;
  }
}
