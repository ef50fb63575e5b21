// libFuzzer target for the JSEP negotiator (controlplane/webrtc): a hostile offer, or a hostile answer to a Portunus
// offer, must end in a NegotiatedSession or a JsepError (Janus 465) — no crash, no other exception — and every answer
// Portunus writes must parse again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/sdp/SdpParser.hpp"
#include "controlplane/webrtc/JsepNegotiator.hpp"

namespace cp = portunus::cp;
namespace sdp = portunus::sdp;

namespace {

cp::JsepLocalTransport localTransport() {
  cp::JsepLocalTransport t;
  t.iceUfrag = "fuzz";
  t.icePwd = "fuzzfuzzfuzzfuzzfuzzfuzz";
  t.fingerprint = sdp::Fingerprint{"sha-256", std::vector<std::uint8_t>(32, 0x42)};
  sdp::IceCandidate host;
  host.foundation = "1";
  host.transport = "udp";
  host.priority = 2130706431;
  host.address = "198.18.0.1";
  host.port = 40000;
  host.type = "host";
  t.candidates.push_back(host);
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const cp::JsepLocalTransport local = localTransport();
  cp::JsepNegotiator negotiator(cp::JsepCapabilities::portunusDefaults(), 1);

  try {
    cp::JsepAnswerOptions options;
    options.video = (size % 2) != 0 ? sdp::Direction::RecvOnly : sdp::Direction::SendRecv;
    const cp::JsepAnswer answer = negotiator.answer(text, local, options);
    if (!(sdp::parseSdp(answer.sdp) == answer.description)) std::abort();
    options.previous = &answer.session;
    (void)negotiator.answer(text, local, options);
  } catch (const cp::JsepError& e) {
    if (e.janusCode() != 465) std::abort();
  }

  try {
    cp::JsepOfferStream audio;
    audio.kind = cp::MediaKind::Audio;
    audio.codec = "opus";
    cp::JsepOfferStream video;
    video.codec = "VP8";
    video.direction = sdp::Direction::SendRecv;
    video.sendRids = {"h", "l"};
    const cp::JsepOffer offer = negotiator.offer({audio, video}, local);
    (void)negotiator.processAnswer(offer, text);
  } catch (const cp::JsepError&) {
  }
  return 0;
}
