// The SDP model: what browsers and Janus put in WebRTC offers and answers (RFC 8866, RFC 8829 JSEP, unified plan).
// Every attribute the model knows gets a typed field; every other attribute and line is kept verbatim so that the
// writer emits what the parser read. Session-level ICE/DTLS attributes apply to every m-line that lacks its own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/sdp/IceCandidate.hpp"

namespace portunus::sdp {

/** Media direction from the point of view of the side that wrote the description (RFC 8866 §6.7). */
enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };

std::string_view directionName(Direction direction) noexcept;
std::optional<Direction> parseDirection(std::string_view name) noexcept;
/** What the other side of a description with `direction` does: sendonly <-> recvonly. */
Direction reversed(Direction direction) noexcept;
/** The direction that allows only what both allow (used to answer an offer under a local policy). */
Direction intersect(Direction a, Direction b) noexcept;
bool sends(Direction direction) noexcept;
bool receives(Direction direction) noexcept;

/** `a=setup:` (RFC 4145 / RFC 5763): which side is the DTLS client. */
enum class SetupRole { ActPass, Active, Passive, HoldConn };

std::string_view setupRoleName(SetupRole role) noexcept;
std::optional<SetupRole> parseSetupRole(std::string_view name) noexcept;

/** `a=fingerprint:<algorithm> <hex:hex:...>` with the digest decoded. */
struct Fingerprint {
  std::string algorithm;  // lower case: "sha-256", "sha-1", ...
  std::vector<std::uint8_t> bytes;

  /** Upper-case colon-separated hex, as browsers write it. */
  std::string hex() const;
  bool operator==(const Fingerprint&) const = default;
};

struct Origin {
  std::string username = "-";
  std::string sessionId = "0";
  std::string sessionVersion = "0";
  std::string netType = "IN";
  std::string addrType = "IP4";
  std::string address = "127.0.0.1";

  bool operator==(const Origin&) const = default;
};

/** `c=<nettype> <addrtype> <address>`. */
struct Connection {
  std::string netType = "IN";
  std::string addrType = "IP4";
  std::string address = "0.0.0.0";

  bool operator==(const Connection&) const = default;
};

/** `b=<type>:<value>`. */
struct Bandwidth {
  std::string type;  // AS, TIAS, CT
  std::uint64_t value = 0;

  bool operator==(const Bandwidth&) const = default;
};

/** A line of a type the model has no field for (i=, u=, e=, p=, r=, z=, k=, ...), kept verbatim. */
struct OtherLine {
  char type = 0;
  std::string value;

  bool operator==(const OtherLine&) const = default;
};

/** RFC 8866 §5 order: i=, u=, e=, p= come before c=; the others (r=, z=, k=, unknown types) after t= / b=. */
inline bool precedesConnection(char type) noexcept {
  return type == 'i' || type == 'u' || type == 'e' || type == 'p';
}

/** An attribute the model has no field for: `a=name` or `a=name:value`, kept verbatim. */
struct Attribute {
  std::string name;
  std::optional<std::string> value;

  bool operator==(const Attribute&) const = default;
};

/** `a=group:<semantics> <mid>...` (RFC 9143 BUNDLE, also LS). */
struct Group {
  std::string semantics;
  std::vector<std::string> mids;

  bool operator==(const Group&) const = default;
};

/** `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]`. */
struct RtpMap {
  std::uint8_t payloadType = 0;
  std::string encoding;
  std::uint32_t clockRate = 0;
  std::optional<std::uint32_t> channels;

  bool operator==(const RtpMap&) const = default;
};

/** `a=fmtp:<pt> <parameters>`; the parameters are kept as written (codec-specific grammar). */
struct Fmtp {
  std::uint8_t payloadType = 0;
  std::string parameters;

  bool operator==(const Fmtp&) const = default;
};

/** `a=rtcp-fb:<pt|*> <type> [<parameter>]` (RFC 4585), e.g. "nack pli", "ccm fir", "goog-remb". */
struct RtcpFeedback {
  std::optional<std::uint8_t> payloadType;  // nullopt = "*"
  std::string type;
  std::string parameter;

  bool operator==(const RtcpFeedback&) const = default;
};

/** `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285). */
struct ExtMap {
  std::uint16_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;

  bool operator==(const ExtMap&) const = default;
};

/** `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576), e.g. cname, msid. */
struct SsrcAttribute {
  std::uint32_t ssrc = 0;
  std::string attribute;
  std::optional<std::string> value;

  bool operator==(const SsrcAttribute&) const = default;
};

/** `a=ssrc-group:<semantics> <ssrc>...`: FID (primary, RTX), SIM (low..high), FEC-FR. */
struct SsrcGroup {
  std::string semantics;
  std::vector<std::uint32_t> ssrcs;

  bool operator==(const SsrcGroup&) const = default;
};

/** `a=rid:<id> <send|recv> [<restrictions>]` (RFC 8851); restrictions kept as written. */
struct Rid {
  std::string id;
  bool send = true;  // false = recv
  std::string restrictions;

  bool operator==(const Rid&) const = default;
};

/** One rid of `a=simulcast`, "~" marks it paused. */
struct SimulcastRid {
  std::string rid;
  bool paused = false;

  bool operator==(const SimulcastRid&) const = default;
};

/** `a=simulcast:[send <alt-list>] [recv <alt-list>]` (RFC 8853): streams separated by ';', alternatives by ','. */
struct Simulcast {
  std::vector<std::vector<SimulcastRid>> send;
  std::vector<std::vector<SimulcastRid>> recv;

  bool operator==(const Simulcast&) const = default;
};

/** `a=msid:<stream id> [<track id>]` (RFC 8830). */
struct Msid {
  std::string streamId;
  std::string trackId;  // may be empty

  bool operator==(const Msid&) const = default;
};

/** ICE and DTLS transport attributes; found at session level, at media level, or both. */
struct TransportAttributes {
  std::optional<std::string> iceUfrag;
  std::optional<std::string> icePwd;
  std::vector<std::string> iceOptions;  // "trickle", "renomination", ...
  std::vector<Fingerprint> fingerprints;
  std::optional<SetupRole> setup;

  bool operator==(const TransportAttributes&) const = default;
};

struct MediaDescription {
  std::string kind;  // audio, video, application, or anything else as written
  std::uint16_t port = 9;
  std::optional<std::uint16_t> portCount;
  std::string protocol;              // UDP/TLS/RTP/SAVPF, UDP/DTLS/SCTP, ...
  std::vector<std::string> formats;  // payload types for RTP, "webrtc-datachannel" for SCTP
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<OtherLine> otherLines;

  std::optional<std::string> mid;
  std::optional<Direction> direction;  // absent = sendrecv by default
  std::vector<Msid> msids;
  bool rtcpMux = false;
  bool rtcpMuxOnly = false;
  bool rtcpRsize = false;
  std::optional<std::string> rtcp;  // "9 IN IP4 0.0.0.0" as written
  bool extmapAllowMixed = false;
  std::vector<RtpMap> rtpMaps;
  std::vector<Fmtp> fmtps;
  std::vector<RtcpFeedback> rtcpFeedback;
  std::vector<ExtMap> extMaps;
  std::vector<SsrcAttribute> ssrcs;
  std::vector<SsrcGroup> ssrcGroups;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;
  TransportAttributes transport;
  std::vector<IceCandidate> candidates;
  bool endOfCandidates = false;
  std::optional<std::uint16_t> sctpPort;
  std::optional<std::uint64_t> maxMessageSize;
  std::vector<Attribute> otherAttributes;

  const RtpMap* rtpMap(std::uint8_t payloadType) const noexcept;
  /** The fmtp parameters of a payload type, empty when it has none. */
  std::string_view fmtp(std::uint8_t payloadType) const noexcept;
  /** rtcp-fb lines that apply to a payload type (its own and the "*" ones). */
  std::vector<RtcpFeedback> feedbackFor(std::uint8_t payloadType) const;
  Direction effectiveDirection() const noexcept { return direction.value_or(Direction::SendRecv); }
  /** True when the m-line carries RTP (its protocol contains "RTP"). */
  bool isRtp() const noexcept;

  bool operator==(const MediaDescription&) const = default;
};

struct SessionDescription {
  int version = 0;
  Origin origin;
  std::string sessionName = "-";
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<std::string> timings{"0 0"};  // t= lines as written
  std::vector<OtherLine> otherLines;

  std::vector<Group> groups;
  std::optional<std::string> msidSemantic;  // value as written, e.g. " WMS" or " WMS *"
  bool iceLite = false;
  bool extmapAllowMixed = false;
  TransportAttributes transport;
  std::vector<Attribute> otherAttributes;
  std::vector<MediaDescription> media;

  /** The mids of the first BUNDLE group (empty when there is none). */
  const Group* bundleGroup() const noexcept;
  /** Media-level ICE/DTLS attributes, falling back to the session-level ones field by field. */
  TransportAttributes effectiveTransport(std::size_t mediaIndex) const;

  bool operator==(const SessionDescription&) const = default;
};

}  // namespace portunus::sdp
