#include "common/sdp/SdpParser.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "common/sdp/SdpError.hpp"
#include "common/sdp/SdpText.hpp"

namespace portunus::sdp {

namespace {

using text::number;
using text::tokens;

bool hasSpace(std::string_view s) {
  return s.find_first_of(" \t") != std::string_view::npos;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  SessionDescription run(std::string_view input) {
    if (input.size() > kMaxSdpBytes) {
      throw SdpError(0, "SDP is larger than " + std::to_string(kMaxSdpBytes) + " bytes");
    }
    std::size_t pos = 0;
    while (pos < input.size()) {
      std::size_t end = input.find('\n', pos);
      if (end == std::string_view::npos) end = input.size();
      std::string_view line = input.substr(pos, end - pos);
      pos = end + 1;
      ++line_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      // Trailing blanks carry no meaning (RFC 8866 has none) but some stacks leave them, e.g. "a=rtcp-mux ".
      line = text::trimRight(line);
      if (line.empty()) continue;
      if (line.find('\r') != std::string_view::npos) fail("stray carriage return inside a line");
      if (line.find('\0') != std::string_view::npos) fail("NUL byte");
      if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
        fail("expected '<type>=<value>', got '" + clip(line) + "'");
      }
      handleLine(line[0], line.substr(2));
    }
    line_ = 0;
    if (!seenVersion_) fail("empty SDP (no v= line)");
    if (!seenOrigin_) fail("missing o= line");
    if (!seenName_) fail("missing s= line");
    if (!seenTiming_) fail("missing t= line");
    orderLines(sdp_.otherLines);
    for (auto& m : sdp_.media) {
      orderLines(m.otherLines);
      orderByFormat(m);
    }
    return std::move(sdp_);
  }

 private:
  // Canonical order of the lines kept verbatim: those RFC 8866 places before c= first (the writer's order).
  static void orderLines(std::vector<OtherLine>& lines) {
    std::stable_partition(lines.begin(), lines.end(), [](const OtherLine& l) { return precedesConnection(l.type); });
  }

  // Canonical order: codec attributes follow the m= payload type order (Firefox writes them alphabetically), those
  // naming no listed payload type keep their place at the end. The writer emits this order, so a round trip is exact.
  static void orderByFormat(MediaDescription& m) {
    if (!m.isRtp()) return;
    std::map<std::uint8_t, std::size_t> position;
    for (std::size_t i = 0; i < m.formats.size(); ++i) {
      if (const auto pt = number<std::uint8_t>(m.formats[i], 127)) position.emplace(*pt, i);
    }
    const auto rank = [&](std::optional<std::uint8_t> pt) {
      if (!pt) return m.formats.size();
      const auto it = position.find(*pt);
      return it == position.end() ? m.formats.size() : it->second;
    };
    std::stable_sort(m.rtpMaps.begin(), m.rtpMaps.end(),
                     [&](const RtpMap& a, const RtpMap& b) { return rank(a.payloadType) < rank(b.payloadType); });
    std::stable_sort(m.fmtps.begin(), m.fmtps.end(),
                     [&](const Fmtp& a, const Fmtp& b) { return rank(a.payloadType) < rank(b.payloadType); });
    std::stable_sort(m.rtcpFeedback.begin(), m.rtcpFeedback.end(), [&](const RtcpFeedback& a, const RtcpFeedback& b) {
      return rank(a.payloadType) < rank(b.payloadType);
    });
  }

  [[noreturn]] void fail(std::string reason) const { throw SdpError(line_, std::move(reason)); }

  static std::string clip(std::string_view s) {
    constexpr std::size_t kMax = 64;
    return s.size() <= kMax ? std::string(s) : std::string(s.substr(0, kMax)) + "...";
  }

  void handleLine(char type, std::string_view value) {
    if (!seenVersion_) {
      if (type != 'v') fail("the first line must be v=0");
      if (value != "0") fail("unsupported SDP version '" + clip(value) + "'");
      seenVersion_ = true;
      return;
    }
    switch (type) {
      case 'v':
        fail("duplicate v= line");
      case 'o':
        return parseOrigin(value);
      case 's':
        if (media_ != nullptr) fail("s= inside a media section");
        if (seenName_) fail("duplicate s= line");
        seenName_ = true;
        sdp_.sessionName = value;
        return;
      case 't':
        if (media_ != nullptr) fail("t= inside a media section");
        if (!seenTiming_) sdp_.timings.clear();
        seenTiming_ = true;
        if (tokens(value).size() != 2) fail("t= needs <start> <stop>");
        sdp_.timings.emplace_back(value);
        return;
      case 'c':
        return parseConnection(value);
      case 'b':
        return parseBandwidth(value);
      case 'm':
        return parseMediaLine(value);
      case 'a':
        return parseAttribute(value);
      default: {
        OtherLine other{type, std::string(value)};
        (media_ != nullptr ? media_->otherLines : sdp_.otherLines).push_back(std::move(other));
      }
    }
  }

  void parseOrigin(std::string_view value) {
    if (media_ != nullptr) fail("o= inside a media section");
    if (seenOrigin_) fail("duplicate o= line");
    const auto tok = tokens(value);
    if (tok.size() != 6) fail("o= needs 6 fields, got " + std::to_string(tok.size()));
    if (!number<std::uint64_t>(tok[1])) fail("o= session id '" + clip(tok[1]) + "' is not a number");
    if (!number<std::uint64_t>(tok[2])) fail("o= session version '" + clip(tok[2]) + "' is not a number");
    sdp_.origin = Origin{std::string(tok[0]), std::string(tok[1]), std::string(tok[2]),
                         std::string(tok[3]), std::string(tok[4]), std::string(tok[5])};
    seenOrigin_ = true;
  }

  void parseConnection(std::string_view value) {
    const auto tok = tokens(value);
    if (tok.size() != 3) fail("c= needs <nettype> <addrtype> <address>");
    Connection c{std::string(tok[0]), std::string(tok[1]), std::string(tok[2])};
    if (media_ != nullptr) {
      media_->connection = std::move(c);
    } else {
      sdp_.connection = std::move(c);
    }
  }

  void parseBandwidth(std::string_view value) {
    const std::size_t colon = value.find(':');
    if (colon == std::string_view::npos || colon == 0) fail("b= needs <type>:<value>");
    const auto bw = number<std::uint64_t>(value.substr(colon + 1));
    if (!bw) fail("b= value '" + clip(value.substr(colon + 1)) + "' is not a number");
    Bandwidth b{std::string(value.substr(0, colon)), *bw};
    (media_ != nullptr ? media_->bandwidths : sdp_.bandwidths).push_back(std::move(b));
  }

  void parseMediaLine(std::string_view value) {
    const auto tok = tokens(value);
    if (tok.size() < 4) fail("m= needs <media> <port> <proto> <fmt>..., got " + std::to_string(tok.size()) + " fields");
    MediaDescription m;
    m.kind = tok[0];
    std::string_view port = tok[1];
    if (const std::size_t slash = port.find('/'); slash != std::string_view::npos) {
      const auto count = number<std::uint16_t>(port.substr(slash + 1));
      if (!count || *count == 0) fail("m= bad port count '" + clip(port) + "'");
      m.portCount = *count;
      port = port.substr(0, slash);
    }
    const auto p = number<std::uint16_t>(port);
    if (!p) fail("m= bad port '" + clip(tok[1]) + "'");
    m.port = *p;
    m.protocol = tok[2];
    for (std::size_t i = 3; i < tok.size(); ++i) {
      m.formats.emplace_back(tok[i]);
    }
    if (m.isRtp()) {
      for (const auto& fmt : m.formats) {
        if (!number<std::uint8_t>(fmt, 127)) fail("m= bad payload type '" + clip(fmt) + "'");
      }
    }
    sdp_.media.push_back(std::move(m));
    media_ = &sdp_.media.back();
  }

  std::uint8_t payloadType(std::string_view s, const char* attribute) const {
    const auto pt = number<std::uint8_t>(s, 127);
    if (!pt) fail(std::string("a=") + attribute + ": bad payload type '" + clip(s) + "'");
    return *pt;
  }

  std::string_view needValue(std::string_view name, const std::optional<std::string_view>& value) const {
    if (!value || text::trimRight(*value).empty()) fail("a=" + std::string(name) + " needs a value");
    return text::trimRight(*value);
  }

  std::string token(std::string_view name, const std::optional<std::string_view>& value) const {
    const std::string_view v = needValue(name, value);
    if (hasSpace(v)) fail("a=" + std::string(name) + ": value must be one token");
    return std::string(v);
  }

  Fingerprint parseFingerprint(std::string_view value) const {
    const auto [algorithm, digest] = text::head(value);
    const std::string_view hex = text::trimRight(digest);
    if (algorithm.empty() || hex.empty()) fail("a=fingerprint needs <algorithm> <digest>");
    Fingerprint f;
    for (char c : algorithm) {
      f.algorithm += text::lower(c);
    }
    // Bytes are two hex digits separated by ':' (RFC 8122 §5).
    std::size_t i = 0;
    while (i < hex.size()) {
      if (i + 1 >= hex.size()) fail("a=fingerprint: truncated digest");
      const int hi = hexDigit(hex[i]);
      const int lo = hexDigit(hex[i + 1]);
      if (hi < 0 || lo < 0) fail("a=fingerprint: bad hex in digest");
      f.bytes.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
      i += 2;
      if (i < hex.size()) {
        if (hex[i] != ':') fail("a=fingerprint: expected ':' between digest bytes");
        ++i;
        if (i == hex.size()) fail("a=fingerprint: digest ends with ':'");
      }
    }
    if (f.bytes.size() > 64) fail("a=fingerprint: digest longer than 64 bytes");
    return f;
  }

  /** ICE/DTLS attributes allowed at both levels. Returns false when `name` is not one of them. */
  bool transportAttribute(std::string_view name, const std::optional<std::string_view>& value,
                          TransportAttributes& t) const {
    if (name == "ice-ufrag") {
      t.iceUfrag = token(name, value);
    } else if (name == "ice-pwd") {
      t.icePwd = token(name, value);
    } else if (name == "ice-options") {
      t.iceOptions.clear();
      for (auto option : tokens(needValue(name, value))) {
        t.iceOptions.emplace_back(option);
      }
    } else if (name == "fingerprint") {
      t.fingerprints.push_back(parseFingerprint(needValue(name, value)));
    } else if (name == "setup") {
      const auto role = parseSetupRole(needValue(name, value));
      if (!role) fail("a=setup: unknown role '" + clip(*value) + "'");
      t.setup = role;
    } else {
      return false;
    }
    return true;
  }

  void parseAttribute(std::string_view line) {
    std::string_view name = line;
    std::optional<std::string_view> value;
    if (const std::size_t colon = line.find(':'); colon != std::string_view::npos) {
      name = line.substr(0, colon);
      value = line.substr(colon + 1);
    }
    if (name.empty()) fail("attribute without a name");
    if (media_ == nullptr) {
      sessionAttribute(name, value);
    } else {
      mediaAttribute(*media_, name, value);
    }
  }

  void keep(std::vector<Attribute>& into, std::string_view name, const std::optional<std::string_view>& value) {
    Attribute a{std::string(name), std::nullopt};
    if (value) a.value = std::string(*value);
    into.push_back(std::move(a));
  }

  void sessionAttribute(std::string_view name, const std::optional<std::string_view>& value) {
    if (transportAttribute(name, value, sdp_.transport)) return;
    if (name == "group") {
      const auto tok = tokens(needValue(name, value));
      Group g{std::string(tok[0]), {}};
      for (std::size_t i = 1; i < tok.size(); ++i) {
        g.mids.emplace_back(tok[i]);
      }
      sdp_.groups.push_back(std::move(g));
    } else if (name == "msid-semantic") {
      sdp_.msidSemantic = std::string(needValue(name, value));
    } else if (name == "ice-lite" && !value) {
      sdp_.iceLite = true;
    } else if (name == "extmap-allow-mixed" && !value) {
      sdp_.extmapAllowMixed = true;
    } else {
      keep(sdp_.otherAttributes, name, value);
    }
  }

  void mediaAttribute(MediaDescription& m, std::string_view name, const std::optional<std::string_view>& value) {
    if (transportAttribute(name, value, m.transport)) return;
    if (!value) {
      if (const auto direction = parseDirection(name)) {
        m.direction = direction;
      } else if (name == "rtcp-mux") {
        m.rtcpMux = true;
      } else if (name == "rtcp-mux-only") {
        m.rtcpMuxOnly = true;
      } else if (name == "rtcp-rsize") {
        m.rtcpRsize = true;
      } else if (name == "end-of-candidates") {
        m.endOfCandidates = true;
      } else if (name == "extmap-allow-mixed") {
        m.extmapAllowMixed = true;
      } else {
        keep(m.otherAttributes, name, value);
      }
      return;
    }
    if (name == "mid") {
      m.mid = token(name, value);
    } else if (name == "msid") {
      const auto tok = tokens(needValue(name, value));
      if (tok.size() > 2) fail("a=msid needs <stream id> [<track id>]");
      m.msids.push_back(Msid{std::string(tok[0]), tok.size() == 2 ? std::string(tok[1]) : std::string()});
    } else if (name == "candidate") {
      m.candidates.push_back(parseIceCandidate(needValue(name, value), line_));
    } else if (name == "rtcp") {
      m.rtcp = std::string(needValue(name, value));
    } else if (name == "ssrc") {
      parseSsrc(m, needValue(name, value));
    } else if (name == "ssrc-group") {
      const auto tok = tokens(needValue(name, value));
      if (tok.size() < 2) fail("a=ssrc-group needs <semantics> <ssrc>...");
      SsrcGroup g{std::string(tok[0]), {}};
      for (std::size_t i = 1; i < tok.size(); ++i) {
        const auto ssrc = number<std::uint32_t>(tok[i]);
        if (!ssrc) fail("a=ssrc-group: bad ssrc '" + clip(tok[i]) + "'");
        g.ssrcs.push_back(*ssrc);
      }
      m.ssrcGroups.push_back(std::move(g));
    } else if (name == "rid") {
      const auto [id, rest] = text::head(needValue(name, value));
      const auto [dir, restrictions] = text::head(rest);
      if (dir != "send" && dir != "recv") fail("a=rid: direction must be send or recv");
      m.rids.push_back(Rid{std::string(id), dir == "send", std::string(restrictions)});
    } else if (name == "simulcast") {
      m.simulcast = parseSimulcast(needValue(name, value));
    } else if (name == "sctp-port") {
      const auto port = number<std::uint16_t>(needValue(name, value));
      if (!port) fail("a=sctp-port: bad port '" + clip(*value) + "'");
      m.sctpPort = *port;
    } else if (name == "max-message-size") {
      const auto size = number<std::uint64_t>(needValue(name, value));
      if (!size) fail("a=max-message-size: bad size '" + clip(*value) + "'");
      m.maxMessageSize = *size;
    } else if (name == "extmap") {
      m.extMaps.push_back(parseExtMap(needValue(name, value)));
    } else if (m.isRtp() && name == "rtpmap") {
      m.rtpMaps.push_back(parseRtpMap(needValue(name, value)));
    } else if (m.isRtp() && name == "fmtp") {
      const auto [pt, parameters] = text::head(needValue(name, value));
      m.fmtps.push_back(Fmtp{payloadType(pt, "fmtp"), std::string(parameters)});
    } else if (m.isRtp() && name == "rtcp-fb") {
      const auto [pt, rest] = text::head(needValue(name, value));
      const auto [type, parameter] = text::head(rest);
      if (type.empty()) fail("a=rtcp-fb needs <payload type> <type> [<parameter>]");
      RtcpFeedback fb{std::nullopt, std::string(type), std::string(text::trimRight(parameter))};
      if (pt != "*") fb.payloadType = payloadType(pt, "rtcp-fb");
      m.rtcpFeedback.push_back(std::move(fb));
    } else {
      keep(m.otherAttributes, name, value);
    }
  }

  RtpMap parseRtpMap(std::string_view value) const {
    const auto [pt, encoding] = text::head(value);
    RtpMap map;
    map.payloadType = payloadType(pt, "rtpmap");
    if (hasSpace(encoding)) fail("a=rtpmap: encoding must be <name>/<clock rate>[/<channels>]");
    const std::size_t slash = encoding.find('/');
    if (slash == std::string_view::npos || slash == 0) fail("a=rtpmap: missing clock rate");
    map.encoding = encoding.substr(0, slash);
    std::string_view rest = encoding.substr(slash + 1);
    std::string_view clock = rest;
    if (const std::size_t slash2 = rest.find('/'); slash2 != std::string_view::npos) {
      clock = rest.substr(0, slash2);
      const auto channels = number<std::uint32_t>(rest.substr(slash2 + 1), 255);
      if (!channels || *channels == 0) fail("a=rtpmap: bad channel count '" + clip(rest.substr(slash2 + 1)) + "'");
      map.channels = *channels;
    }
    const auto rate = number<std::uint32_t>(clock);
    if (!rate || *rate == 0) fail("a=rtpmap: bad clock rate '" + clip(clock) + "'");
    map.clockRate = *rate;
    return map;
  }

  ExtMap parseExtMap(std::string_view value) const {
    const auto [idPart, rest] = text::head(value);
    const auto [uri, attributes] = text::head(rest);
    if (uri.empty()) fail("a=extmap needs <id>[/<direction>] <uri>");
    ExtMap e;
    std::string_view id = idPart;
    if (const std::size_t slash = idPart.find('/'); slash != std::string_view::npos) {
      id = idPart.substr(0, slash);
      e.direction = parseDirection(idPart.substr(slash + 1));
      if (!e.direction) fail("a=extmap: bad direction '" + clip(idPart.substr(slash + 1)) + "'");
    }
    // RFC 8285: 1-14 one-byte, 1-255 two-byte header; 4096-4351 only in offers (not used by WebRTC peers).
    const auto n = number<std::uint16_t>(id, 255);
    if (!n || *n == 0) fail("a=extmap: id '" + clip(id) + "' is not in 1..255");
    e.id = *n;
    e.uri = uri;
    e.attributes = text::trimRight(attributes);
    return e;
  }

  void parseSsrc(MediaDescription& m, std::string_view value) const {
    const auto [id, rest] = text::head(value);
    const auto ssrc = number<std::uint32_t>(id);
    if (!ssrc) fail("a=ssrc: bad ssrc '" + clip(id) + "'");
    if (rest.empty()) fail("a=ssrc needs <ssrc> <attribute>[:<value>]");
    SsrcAttribute a{*ssrc, {}, std::nullopt};
    if (const std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
      a.attribute = rest.substr(0, colon);
      a.value = std::string(rest.substr(colon + 1));
    } else {
      a.attribute = rest;
    }
    if (a.attribute.empty() || hasSpace(a.attribute)) fail("a=ssrc: bad attribute name");
    m.ssrcs.push_back(std::move(a));
  }

  Simulcast parseSimulcast(std::string_view value) const {
    // RFC 8853: "send 1;2;3 recv 4" — streams ';', alternatives ','. Early drafts wrote "rid=" before the list.
    Simulcast s;
    const auto tok = tokens(value);
    if (tok.empty() || tok.size() % 2 != 0) fail("a=simulcast needs send|recv <rid list> pairs");
    for (std::size_t i = 0; i < tok.size(); i += 2) {
      std::vector<std::vector<SimulcastRid>>* into = nullptr;
      if (tok[i] == "send") {
        into = &s.send;
      } else if (tok[i] == "recv") {
        into = &s.recv;
      } else {
        fail("a=simulcast: expected send or recv, got '" + clip(tok[i]) + "'");
      }
      if (!into->empty()) fail("a=simulcast: duplicate " + std::string(tok[i]) + " list");
      std::string_view list = tok[i + 1];
      if (list.starts_with("rid=")) list.remove_prefix(4);
      std::size_t start = 0;
      while (start <= list.size()) {
        std::size_t end = list.find(';', start);
        if (end == std::string_view::npos) end = list.size();
        std::string_view stream = list.substr(start, end - start);
        std::vector<SimulcastRid> alternatives;
        std::size_t a = 0;
        while (a <= stream.size()) {
          std::size_t b = stream.find(',', a);
          if (b == std::string_view::npos) b = stream.size();
          std::string_view rid = stream.substr(a, b - a);
          SimulcastRid r;
          if (rid.starts_with('~')) {
            r.paused = true;
            rid.remove_prefix(1);
          }
          if (rid.empty() || rid.find_first_of("~;,=") != std::string_view::npos) {
            fail("a=simulcast: empty or malformed rid in '" + clip(list) + "'");
          }
          r.rid = rid;
          alternatives.push_back(std::move(r));
          a = b + 1;
        }
        into->push_back(std::move(alternatives));
        start = end + 1;
      }
    }
    return s;
  }

  SessionDescription sdp_;
  MediaDescription* media_ = nullptr;
  std::size_t line_ = 0;
  bool seenVersion_ = false;
  bool seenOrigin_ = false;
  bool seenName_ = false;
  bool seenTiming_ = false;
};

}  // namespace

SessionDescription parseSdp(std::string_view text) {
  return Parser().run(text);
}

}  // namespace portunus::sdp
