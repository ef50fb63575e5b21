#include "controlplane/webrtc/StunProbe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stun/stunagent.h>
#include <stun/stunmessage.h>
#include <stun/usages/bind.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace portunus::cp {
namespace {

constexpr auto kFirstResend = std::chrono::milliseconds(500);  // then doubling, as RFC 5389 §7.2.1

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const noexcept { return fd_; }

 private:
  int fd_;
};

std::uint16_t portOf(const sockaddr* a) {
  if (a->sa_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(a)->sin_port);
  if (a->sa_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(a)->sin6_port);
  return 0;
}

bool bindLocal(int fd, int family, std::uint16_t port) {
  sockaddr_storage local{};
  socklen_t len = 0;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&local);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    in->sin_port = htons(port);
    len = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&local);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_any;
    in6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
  }
  return ::bind(fd, reinterpret_cast<sockaddr*>(&local), len) == 0;
}

}  // namespace

std::optional<StunMapping> stunBinding(const sockaddr* server, socklen_t serverLen, std::uint16_t localPort,
                                       std::chrono::milliseconds timeout) {
  if (server->sa_family != AF_INET && server->sa_family != AF_INET6) return std::nullopt;
  const Socket sock(::socket(server->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.fd() < 0) return std::nullopt;
  if (localPort && !bindLocal(sock.fd(), server->sa_family, localPort)) return std::nullopt;
  // Connected: only the server's datagrams arrive, and an ICMP refusal comes back as ECONNREFUSED.
  if (::connect(sock.fd(), server, serverLen) != 0) return std::nullopt;

  StunAgent agent;
  stun_agent_init(&agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389, STUN_AGENT_USAGE_IGNORE_CREDENTIALS);
  StunMessage request;
  std::uint8_t out[STUN_MAX_MESSAGE_SIZE_IPV4];
  const std::size_t outLen = stun_usage_bind_create(&agent, &request, out, sizeof out);
  if (!outLen) return std::nullopt;

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  auto nextSend = Clock::now();
  auto resend = std::chrono::duration_cast<Clock::duration>(kFirstResend);
  std::uint8_t in[2048];
  for (;;) {
    const auto now = Clock::now();
    if (now >= deadline) return std::nullopt;
    if (now >= nextSend) {
      if (::send(sock.fd(), out, outLen, 0) < 0 && errno != EINTR) return std::nullopt;
      nextSend = now + resend;
      resend *= 2;
    }
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::min(deadline, nextSend) - now);
    pollfd p{sock.fd(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::max<std::int64_t>(1, wait.count())));
    if (ready < 0 && errno != EINTR) return std::nullopt;
    if (ready <= 0) continue;
    const ssize_t got = ::recv(sock.fd(), in, sizeof in, 0);
    if (got < 0) {
      if (errno == ECONNREFUSED) return std::nullopt;  // nobody listens there
      continue;
    }
    StunMessage response;
    if (stun_agent_validate(&agent, &response, in, static_cast<std::size_t>(got), nullptr, nullptr) !=
        STUN_VALIDATION_SUCCESS)
      continue;
    sockaddr_storage mapped{};
    socklen_t mappedLen = sizeof mapped;
    sockaddr_storage alternate{};
    socklen_t alternateLen = sizeof alternate;
    switch (stun_usage_bind_process(&response, reinterpret_cast<sockaddr*>(&mapped), &mappedLen,
                                    reinterpret_cast<sockaddr*>(&alternate), &alternateLen)) {
      case STUN_USAGE_BIND_RETURN_SUCCESS: {
        const auto* m = reinterpret_cast<const sockaddr*>(&mapped);
        StunMapping result{addressText(m), portOf(m)};
        if (result.ip.empty()) return std::nullopt;
        return result;
      }
      case STUN_USAGE_BIND_RETURN_INVALID:
        continue;  // not an answer to our request after all
      default:
        return std::nullopt;  // an error response, or the server sends us elsewhere
    }
  }
}

}  // namespace portunus::cp
