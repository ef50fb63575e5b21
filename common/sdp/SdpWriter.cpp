#include "common/sdp/SdpWriter.hpp"

#include <set>

#include "common/sdp/SdpText.hpp"

namespace portunus::sdp {

namespace {

class Writer {
 public:
  std::string run(const SessionDescription& s) {
    line("v=" + std::to_string(s.version));
    const Origin& o = s.origin;
    line("o=" + o.username + ' ' + o.sessionId + ' ' + o.sessionVersion + ' ' + o.netType + ' ' + o.addrType + ' ' +
         o.address);
    line("s=" + s.sessionName);
    otherLines(s.otherLines, true);
    if (s.connection) connection(*s.connection);
    for (const auto& b : s.bandwidths) {
      bandwidth(b);
    }
    for (const auto& t : s.timings) {
      line("t=" + t);
    }
    otherLines(s.otherLines, false);
    for (const auto& g : s.groups) {
      std::string v = "a=group:" + g.semantics;
      for (const auto& mid : g.mids) {
        v += ' ' + mid;
      }
      line(v);
    }
    if (s.extmapAllowMixed) line("a=extmap-allow-mixed");
    if (s.msidSemantic) line("a=msid-semantic:" + *s.msidSemantic);
    if (s.iceLite) line("a=ice-lite");
    transport(s.transport);
    attributes(s.otherAttributes);
    for (const auto& m : s.media) {
      media(m);
    }
    return std::move(out_);
  }

 private:
  void line(const std::string& l) {
    out_ += l;
    out_ += "\r\n";
  }

  void otherLines(const std::vector<OtherLine>& lines, bool before) {
    for (const auto& l : lines) {
      if (precedesConnection(l.type) == before) line(std::string(1, l.type) + '=' + l.value);
    }
  }

  void connection(const Connection& c) { line("c=" + c.netType + ' ' + c.addrType + ' ' + c.address); }
  void bandwidth(const Bandwidth& b) { line("b=" + b.type + ':' + std::to_string(b.value)); }

  void transport(const TransportAttributes& t) {
    if (t.iceUfrag) line("a=ice-ufrag:" + *t.iceUfrag);
    if (t.icePwd) line("a=ice-pwd:" + *t.icePwd);
    if (!t.iceOptions.empty()) {
      std::string v = "a=ice-options:";
      for (std::size_t i = 0; i < t.iceOptions.size(); ++i) {
        v += (i ? " " : "") + t.iceOptions[i];
      }
      line(v);
    }
    for (const auto& f : t.fingerprints) {
      line("a=fingerprint:" + f.algorithm + ' ' + f.hex());
    }
    if (t.setup) line("a=setup:" + std::string(setupRoleName(*t.setup)));
  }

  void attributes(const std::vector<Attribute>& attrs) {
    for (const auto& a : attrs) {
      line("a=" + a.name + (a.value ? ":" + *a.value : std::string()));
    }
  }

  void rtpMap(const RtpMap& r) {
    std::string v = "a=rtpmap:" + std::to_string(r.payloadType) + ' ' + r.encoding + '/' + std::to_string(r.clockRate);
    if (r.channels) v += '/' + std::to_string(*r.channels);
    line(v);
  }
  void fmtp(const Fmtp& f) {
    line("a=fmtp:" + std::to_string(f.payloadType) + (f.parameters.empty() ? "" : " " + f.parameters));
  }
  void feedback(const RtcpFeedback& fb) {
    std::string v =
        "a=rtcp-fb:" + (fb.payloadType ? std::to_string(*fb.payloadType) : std::string("*")) + ' ' + fb.type;
    if (!fb.parameter.empty()) v += ' ' + fb.parameter;
    line(v);
  }

  static std::string simulcastList(const std::vector<std::vector<SimulcastRid>>& streams) {
    std::string v;
    for (std::size_t i = 0; i < streams.size(); ++i) {
      if (i) v += ';';
      for (std::size_t j = 0; j < streams[i].size(); ++j) {
        if (j) v += ',';
        if (streams[i][j].paused) v += '~';
        v += streams[i][j].rid;
      }
    }
    return v;
  }

  void media(const MediaDescription& m) {
    std::string mline = "m=" + m.kind + ' ' + std::to_string(m.port);
    if (m.portCount) mline += '/' + std::to_string(*m.portCount);
    mline += ' ' + m.protocol;
    for (const auto& f : m.formats) {
      mline += ' ' + f;
    }
    line(mline);
    otherLines(m.otherLines, true);
    if (m.connection) connection(*m.connection);
    for (const auto& b : m.bandwidths) {
      bandwidth(b);
    }
    otherLines(m.otherLines, false);
    if (m.rtcp) line("a=rtcp:" + *m.rtcp);
    transport(m.transport);
    if (m.mid) line("a=mid:" + *m.mid);
    for (const auto& e : m.extMaps) {
      std::string v = "a=extmap:" + std::to_string(e.id);
      if (e.direction) v += '/' + std::string(directionName(*e.direction));
      v += ' ' + e.uri;
      if (!e.attributes.empty()) v += ' ' + e.attributes;
      line(v);
    }
    if (m.extmapAllowMixed) line("a=extmap-allow-mixed");
    if (m.direction) line("a=" + std::string(directionName(*m.direction)));
    for (const auto& msid : m.msids) {
      line("a=msid:" + msid.streamId + (msid.trackId.empty() ? "" : " " + msid.trackId));
    }
    if (m.rtcpMux) line("a=rtcp-mux");
    if (m.rtcpMuxOnly) line("a=rtcp-mux-only");
    if (m.rtcpRsize) line("a=rtcp-rsize");
    codecs(m);
    for (const auto& r : m.rids) {
      line("a=rid:" + r.id + (r.send ? " send" : " recv") + (r.restrictions.empty() ? "" : " " + r.restrictions));
    }
    if (m.simulcast) {
      std::string v = "a=simulcast:";
      if (!m.simulcast->send.empty()) v += "send " + simulcastList(m.simulcast->send);
      if (!m.simulcast->recv.empty()) {
        v += (m.simulcast->send.empty() ? "recv " : " recv ") + simulcastList(m.simulcast->recv);
      }
      line(v);
    }
    if (m.sctpPort) line("a=sctp-port:" + std::to_string(*m.sctpPort));
    if (m.maxMessageSize) line("a=max-message-size:" + std::to_string(*m.maxMessageSize));
    for (const auto& g : m.ssrcGroups) {
      std::string v = "a=ssrc-group:" + g.semantics;
      for (auto ssrc : g.ssrcs) {
        v += ' ' + std::to_string(ssrc);
      }
      line(v);
    }
    for (const auto& s : m.ssrcs) {
      line("a=ssrc:" + std::to_string(s.ssrc) + ' ' + s.attribute + (s.value ? ":" + *s.value : std::string()));
    }
    for (const auto& c : m.candidates) {
      line("a=candidate:" + formatIceCandidate(c));
    }
    if (m.endOfCandidates) line("a=end-of-candidates");
    attributes(m.otherAttributes);
  }

  // Per payload type in m= order: rtpmap, rtcp-fb, fmtp (as Chromium writes them); then whatever names a payload
  // type absent from the m= line, and the "*" feedback lines.
  void codecs(const MediaDescription& m) {
    std::set<std::uint8_t> written;
    for (const auto& format : m.formats) {
      const auto pt = text::number<std::uint8_t>(format, 127);
      if (!pt || !written.insert(*pt).second) continue;
      for (const auto& r : m.rtpMaps) {
        if (r.payloadType == *pt) rtpMap(r);
      }
      for (const auto& fb : m.rtcpFeedback) {
        if (fb.payloadType == pt) feedback(fb);
      }
      for (const auto& f : m.fmtps) {
        if (f.payloadType == *pt) fmtp(f);
      }
    }
    for (const auto& r : m.rtpMaps) {
      if (!written.contains(r.payloadType)) rtpMap(r);
    }
    for (const auto& fb : m.rtcpFeedback) {
      if (!fb.payloadType || !written.contains(*fb.payloadType)) feedback(fb);
    }
    for (const auto& f : m.fmtps) {
      if (!written.contains(f.payloadType)) fmtp(f);
    }
  }

  std::string out_;
};

}  // namespace

std::string writeSdp(const SessionDescription& description) {
  return Writer().run(description);
}

}  // namespace portunus::sdp
