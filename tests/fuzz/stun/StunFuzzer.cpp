// libFuzzer target for STUN as our ICE path meets it. The bytes go where a datagram from the network goes in
// libnice's connectivity checks: buffer-length validation, the agent's validation with ICE short-term credentials
// and FINGERPRINT (the validater answers for the username "ufragL:ufragR" like our agent does), then, for a binding
// request, building the reply (RFC 5245 usage) and reading PRIORITY / USE-CANDIDATE / the addresses; the reply we
// build must itself validate. The same bytes as text go to our own `a=candidate` parser (trickle and SDP), whose
// output must survive a round trip and libnice's address parser.
//
// libnice is a system library without coverage instrumentation: libFuzzer steers by our code, ASan still catches
// what libnice's reads do through intercepted calls and what our code does with its answers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <nice/address.h>
#include <stun/stunagent.h>
#include <stun/stunmessage.h>
#include <stun/usages/ice.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "controlplane/webrtc/IceCandidate.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

namespace {

constexpr std::string_view kUsername = "ufragL:ufragR";
constexpr std::string_view kPassword = "fuzzpassword0123456789ab";

bool validater(StunAgent*, StunMessage*, std::uint8_t* username, std::uint16_t usernameLen, std::uint8_t** password,
               std::size_t* passwordLen, void*) {
  if (usernameLen != kUsername.size() || std::memcmp(username, kUsername.data(), usernameLen) != 0) return false;
  *password = reinterpret_cast<std::uint8_t*>(const_cast<char*>(kPassword.data()));
  *passwordLen = kPassword.size();
  return true;
}

void readAttributes(const StunMessage& msg) {
  sockaddr_storage addr{};
  socklen_t addrLen = sizeof addr;
  volatile std::uint32_t sink = 0;
  if (stun_message_find_xor_addr(&msg, STUN_ATTRIBUTE_XOR_MAPPED_ADDRESS, &addr, &addrLen) ==
      STUN_MESSAGE_RETURN_SUCCESS)
    sink = sink + addr.ss_family;
  addrLen = sizeof addr;
  if (stun_message_find_addr(&msg, STUN_ATTRIBUTE_MAPPED_ADDRESS, &addr, &addrLen) == STUN_MESSAGE_RETURN_SUCCESS)
    sink = sink + addr.ss_family;
  char text[256];
  if (stun_message_find_string(&msg, STUN_ATTRIBUTE_SOFTWARE, text, sizeof text) == STUN_MESSAGE_RETURN_SUCCESS)
    sink = sink + static_cast<std::uint32_t>(std::strlen(text));
  int code = 0;
  if (stun_message_find_error(&msg, &code) == STUN_MESSAGE_RETURN_SUCCESS)
    sink = sink + static_cast<std::uint32_t>(code);
  std::uint64_t tie = 0;
  if (stun_message_find64(&msg, STUN_ATTRIBUTE_ICE_CONTROLLING, &tie) == STUN_MESSAGE_RETURN_SUCCESS)
    sink = sink + static_cast<std::uint32_t>(tie);
  sink = sink + stun_usage_ice_conncheck_priority(&msg) + (stun_usage_ice_conncheck_use_candidate(&msg) ? 1 : 0);
}

void stun(const std::uint8_t* data, std::size_t size) {
  if (stun_message_validate_buffer_length(data, size, true) <= 0) return;
  StunAgent agent;
  stun_agent_init(
      &agent, STUN_ALL_KNOWN_ATTRIBUTES, STUN_COMPATIBILITY_RFC5389,
      static_cast<StunAgentUsageFlags>(STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS | STUN_AGENT_USAGE_USE_FINGERPRINT));
  // A well-formed message of any class: the attribute readers run on it as on a response libnice matched.
  StunMessage raw{};
  raw.agent = &agent;
  raw.buffer = const_cast<std::uint8_t*>(data);
  raw.buffer_len = size;
  readAttributes(raw);
  StunMessage req;
  const StunValidationStatus status = stun_agent_validate(&agent, &req, data, size, validater, nullptr);
  if (status != STUN_VALIDATION_SUCCESS && status != STUN_VALIDATION_UNKNOWN_REQUEST_ATTRIBUTE) return;
  readAttributes(req);
  if (stun_message_get_class(&req) != STUN_REQUEST || stun_message_get_method(&req) != STUN_BINDING) return;

  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_port = htons(40000);
  from.sin_addr.s_addr = htonl(0xc6120002);  // 198.18.0.2
  sockaddr_storage src{};
  std::memcpy(&src, &from, sizeof from);
  StunMessage reply;
  std::uint8_t out[1500];
  std::size_t outLen = sizeof out;
  bool controlling = false;
  const StunUsageIceReturn r =
      stun_usage_ice_conncheck_create_reply(&agent, &req, &reply, out, &outLen, &src, sizeof from, &controlling, 0x1234,
                                            STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
  if (r == STUN_USAGE_ICE_RETURN_SUCCESS && outLen > 0) {
    // What we answer must be a complete STUN message.
    if (stun_message_validate_buffer_length(out, outLen, true) != static_cast<int>(outLen)) std::abort();
  }
}

void candidate(const std::uint8_t* data, std::size_t size) {
  using portunus::cp::IceCandidate;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const IceCandidate c = IceCandidate::parse(text);
    const std::string line = c.toString();
    if (!(IceCandidate::parse(line) == c)) std::abort();
    if (c.hasIpAddress()) {
      // What the agent hands libnice: the address must parse there too.
      NiceAddress addr;
      nice_address_init(&addr);
      if (!nice_address_set_from_string(&addr, c.address.c_str())) std::abort();
      if (c.isIpv6() != (addr.s.addr.sa_family == AF_INET6)) std::abort();
    }
  } catch (const portunus::cp::WebRtcError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stun(data, size);
  candidate(data, size);
  return 0;
}
