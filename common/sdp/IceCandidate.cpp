#include "common/sdp/IceCandidate.hpp"

#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpText.hpp"

namespace portunus::sdp {

namespace {

std::uint16_t portOf(std::string_view s, std::size_t line, const char* what) {
  const auto port = text::number<std::uint16_t>(s);
  if (!port) throw SdpError(line, std::string("candidate: bad ") + what + " '" + std::string(s) + "'");
  return *port;
}

std::uint32_t u32Of(std::string_view s, std::size_t line, const char* what) {
  const auto value = text::number<std::uint32_t>(s);
  if (!value) throw SdpError(line, std::string("candidate: bad ") + what + " '" + std::string(s) + "'");
  return *value;
}

bool validFoundation(std::string_view s) {
  // RFC 8445 §5.1.1.3 says 1*32 ice-chars (ALPHA / DIGIT / "+" / "/"); accept any visible ASCII up to 32 but ':',
  // since the foundation is only compared, never interpreted. A ':' would let "candidate:x" be a foundation, which
  // the prefix rule below would read back as "x".
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7e || c == ':') return false;
  }
  return true;
}

}  // namespace

IceCandidate parseIceCandidate(std::string_view value, std::size_t line) {
  // The attribute's value, or the whole line as trickle messages carry it ("candidate:..." or "a=candidate:...");
  // a lone "a=" is not a prefix but the start of a foundation.
  if (value.starts_with("a=candidate:")) value.remove_prefix(2);
  if (value.starts_with("candidate:")) value.remove_prefix(10);
  const auto tok = text::tokens(value);
  // foundation component transport priority address port "typ" type
  if (tok.size() < 8) throw SdpError(line, "candidate: expected at least 8 fields, got " + std::to_string(tok.size()));
  IceCandidate c;
  if (!validFoundation(tok[0])) throw SdpError(line, "candidate: bad foundation '" + std::string(tok[0]) + "'");
  c.foundation = tok[0];
  const auto component = text::number<std::uint16_t>(tok[1], 256);
  if (!component || *component == 0) throw SdpError(line, "candidate: bad component '" + std::string(tok[1]) + "'");
  c.component = *component;
  if (!text::iequals(tok[2], "udp") && !text::iequals(tok[2], "tcp")) {
    throw SdpError(line, "candidate: unknown transport '" + std::string(tok[2]) + "'");
  }
  c.transport = tok[2];
  c.priority = u32Of(tok[3], line, "priority");
  c.address = tok[4];
  c.port = portOf(tok[5], line, "port");
  if (tok[6] != "typ") throw SdpError(line, "candidate: expected 'typ', got '" + std::string(tok[6]) + "'");
  if (tok[7] != "host" && tok[7] != "srflx" && tok[7] != "prflx" && tok[7] != "relay") {
    throw SdpError(line, "candidate: unknown type '" + std::string(tok[7]) + "'");
  }
  c.type = tok[7];
  // Extension attributes come as name/value pairs.
  std::size_t i = 8;
  if ((tok.size() - i) % 2 != 0) {
    throw SdpError(line, "candidate: attribute '" + std::string(tok.back()) + "' has no value");
  }
  for (; i + 1 < tok.size(); i += 2) {
    const std::string_view name = tok[i];
    const std::string_view v = tok[i + 1];
    if (name == "raddr") {
      c.relatedAddress = std::string(v);
    } else if (name == "rport") {
      c.relatedPort = portOf(v, line, "rport");
    } else if (name == "tcptype") {
      if (v != "active" && v != "passive" && v != "so") {
        throw SdpError(line, "candidate: bad tcptype '" + std::string(v) + "'");
      }
      c.tcpType = std::string(v);
    } else if (name == "generation") {
      c.generation = u32Of(v, line, "generation");
    } else if (name == "ufrag") {
      c.ufrag = std::string(v);
    } else if (name == "network-id") {
      c.networkId = u32Of(v, line, "network-id");
    } else if (name == "network-cost") {
      c.networkCost = u32Of(v, line, "network-cost");
    } else {
      c.extensions.emplace_back(std::string(name), std::string(v));
    }
  }
  if (c.relatedAddress.has_value() != c.relatedPort.has_value()) {
    throw SdpError(line, "candidate: raddr and rport must come together");
  }
  if (text::iequals(c.transport, "tcp") && !c.tcpType) throw SdpError(line, "candidate: tcp candidate without tcptype");
  return c;
}

std::vector<std::pair<std::string, std::string>> extensionAttributes(const IceCandidate& c) {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(5 + c.extensions.size());
  if (c.tcpType) out.emplace_back("tcptype", *c.tcpType);
  if (c.generation) out.emplace_back("generation", std::to_string(*c.generation));
  if (c.ufrag) out.emplace_back("ufrag", *c.ufrag);
  if (c.networkId) out.emplace_back("network-id", std::to_string(*c.networkId));
  if (c.networkCost) out.emplace_back("network-cost", std::to_string(*c.networkCost));
  out.insert(out.end(), c.extensions.begin(), c.extensions.end());
  return out;
}

std::string formatIceCandidate(const IceCandidate& c) {
  std::string out = c.foundation + ' ' + std::to_string(c.component) + ' ' + c.transport + ' ' +
                    std::to_string(c.priority) + ' ' + c.address + ' ' + std::to_string(c.port) + " typ " + c.type;
  if (c.relatedAddress) out += " raddr " + *c.relatedAddress;
  if (c.relatedPort) out += " rport " + std::to_string(*c.relatedPort);
  for (const auto& [name, value] : extensionAttributes(c))
    out += ' ' + name + ' ' + value;
  return out;
}

}  // namespace portunus::sdp
