#define BOOST_TEST_MODULE controlplane_media_service
// The media layer's server-offer side with real ICE (libnice on loopback) and real DTLS, no dataplane: Portunus
// offers to a browser-like peer made of the same WebRTC adapters, the peer answers, the PeerConnection comes up
// with Portunus as DTLS server; then a renegotiation keeps the transport and the SSRCs.
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <future>
#include <mutex>

#include "common/sdp/IceCandidate.hpp"
#include "common/sdp/SdpParser.hpp"
#include "controlplane/media/MediaService.hpp"
#include "controlplane/webrtc/JsepNegotiator.hpp"
#include "tests/unit/controlplane/RouterFixture.hpp"

using namespace portunus::cp;
using namespace std::chrono_literals;
namespace sdp = portunus::sdp;

namespace {

/** The browser: one WebRtcTransport that answers Portunus's offers with a JsepNegotiator. */
struct Browser {
  IceLoop loop{"test-browser"};
  DtlsIdentity identity = DtlsIdentity::generate("browser");
  JsepNegotiator negotiator;
  std::unique_ptr<WebRtcTransport> transport;
  std::optional<NegotiatedSession> session;

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<IceCandidate> candidates;
  bool gathered = false;
  std::optional<DtlsSrtpKeys> keys;

  Browser() {
    WebRtcTransportOptions o;
    o.ice.gather_address = "127.0.0.1";
    WebRtcTransportCallbacks cb;
    cb.on_local_candidate = [this](const IceCandidate& c) {
      std::lock_guard lock(mutex);
      candidates.push_back(c);
    };
    cb.on_gathering_done = [this] {
      {
        std::lock_guard lock(mutex);
        gathered = true;
      }
      changed.notify_all();
    };
    cb.on_ready = [this](const IceSelectedPair&, const DtlsSrtpKeys& k) {
      {
        std::lock_guard lock(mutex);
        keys = k;
      }
      changed.notify_all();
    };
    transport = std::make_unique<WebRtcTransport>(loop, identity, o, cb);
    transport->gather();
  }
  ~Browser() { transport.reset(); }

  template <typename Pred>
  bool waitFor(Pred pred, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, timeout, pred);
  }

  /** Answers an offer; the first one also sets up the transport (we answer active: the DTLS client). */
  std::string answer(const std::string& offerSdp) {
    BOOST_REQUIRE(waitFor([&] { return gathered; }));
    JsepLocalTransport local;
    local.iceUfrag = transport->localUfrag();
    local.icePwd = transport->localPassword();
    const sdp::Fingerprint fp = sdp::Fingerprint{"sha-256", {}};
    local.fingerprint = fp;
    for (std::size_t i = 0; i < transport->localFingerprint().size(); i += 3) {
      local.fingerprint.bytes.push_back(
          static_cast<std::uint8_t>(std::stoi(transport->localFingerprint().substr(i, 2), nullptr, 16)));
    }
    {
      std::lock_guard lock(mutex);
      for (const auto& c : candidates)
        local.candidates.push_back(sdp::parseIceCandidate(c.toString()));
    }
    JsepAnswerOptions options;
    if (session) options.previous = &*session;
    JsepAnswer a = negotiator.answer(offerSdp, local, options);
    if (!session) {
      WebRtcRemoteParameters remote;
      remote.ice_ufrag = a.session.remoteIceUfrag;
      remote.ice_pwd = a.session.remoteIcePwd;
      remote.fingerprint = a.session.remoteFingerprint.hex();
      remote.local_role = a.session.localSetup == sdp::SetupRole::Active ? DtlsRole::Client : DtlsRole::Server;
      transport->setRemote(remote);
      for (const auto& c : a.session.remoteCandidates)
        transport->addRemoteCandidate(IceCandidate::parse("candidate:" + sdp::formatIceCandidate(c)));
      transport->setRemoteEndOfCandidates();
    }
    session = a.session;
    return a.sdp;
  }
};

struct MediaFixture : test::RouterFixture {
  MediaFixture()
      : media(
            cfg, [this](std::function<void()> fn) { boost::asio::post(loop, std::move(fn)); }, nullptr) {
    media.setRouter(router);
    router.setMediaFactory(&media);
  }
  ~MediaFixture() {
    // PeerConnections belong to handles and use the MediaService: they go first, as in the daemon.
    for (auto sid : sessions)
      request({{"janus", "destroy"}, {"transaction", "x"}, {"session_id", sid}});
    media.stop();
  }
  std::uint64_t openSession() { return sessions.emplace_back(createSession()); }
  std::vector<std::uint64_t> sessions;

  /** Runs a MediaControl call that needs the API loop on another thread while this one runs the loop. */
  template <typename F>
  auto onWorker(F f) {
    auto future = std::async(std::launch::async, std::move(f));
    runUntil([&] { return future.wait_for(0s) == std::future_status::ready; });
    return future.get();
  }

  bool sawEvent(const std::string& janus) {
    for (const auto& e : sink->events)
      if (e.value("janus", "") == janus) return true;
    return false;
  }

  MediaService media;
};

OfferSpec subscriberSpec() {
  OfferSpec spec;
  spec.streams.push_back({"0", "audio", "opus", 111, "minptime=10;useinbandfec=1", false, true, "feed1", "audio"});
  spec.streams.push_back({"1", "video", "VP8", 100, std::nullopt, true, true, "feed1", "video"});
  return spec;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(server_offer_comes_up_as_dtls_server_with_gcm_then_renegotiates, MediaFixture) {
  const std::uint64_t sid = openSession();
  const std::uint64_t hid = attach(sid);
  Browser browser;

  const auto offer = onWorker([&] { return media.createOffer(hid, subscriberSpec()); });
  BOOST_TEST(offer["type"] == "offer");
  const sdp::SessionDescription parsed = sdp::parseSdp(offer["sdp"].get<std::string>());
  BOOST_REQUIRE_EQUAL(parsed.media.size(), 2u);
  for (const auto& m : parsed.media) {
    BOOST_TEST((m.transport.setup == sdp::SetupRole::ActPass));
    BOOST_TEST((m.direction == sdp::Direction::SendOnly));
    BOOST_TEST(!m.candidates.empty());
  }
  BOOST_TEST(parsed.media[0].formats == std::vector<std::string>{"111"}, boost::test_tools::per_element());
  BOOST_TEST(parsed.media[1].formats == (std::vector<std::string>{"100", "101"}), boost::test_tools::per_element());
  BOOST_TEST(parsed.media[1].msids[0].streamId == "feed1");
  BOOST_TEST(parsed.media[0].fmtp(111) == "minptime=10;useinbandfec=1");

  // An answer before any offer of ours would be refused; this one completes the exchange.
  media.acceptAnswer(hid, {{"type", "answer"}, {"sdp", browser.answer(offer["sdp"])}});
  BOOST_REQUIRE(browser.waitFor([&] { return browser.keys.has_value(); }));
  BOOST_TEST(srtpProfileInfo(browser.keys->local.profile).openssl_name == "SRTP_AEAD_AES_128_GCM");
  runUntil([&] { return sawEvent("webrtcup"); });
  BOOST_TEST(sawEvent("webrtcup"));

  auto streams = media.describe(hid);
  BOOST_REQUIRE_EQUAL(streams.size(), 2u);
  BOOST_TEST(streams[0].sending);
  BOOST_TEST(!streams[0].receiving);
  BOOST_TEST(streams[1].codec == "VP8");
  BOOST_TEST(streams[1].payloadType == 100);
  BOOST_TEST(*streams[1].rtxPayloadType == 101);
  const std::uint32_t videoSsrc = streams[1].localSsrc;
  BOOST_TEST(videoSsrc != 0u);
  BOOST_TEST(streams[1].outboundId == 0u);  // no dataplane here

  // Renegotiation: audio removed (inactive m-line), video kept, another video added; ICE and DTLS stay as they are.
  OfferSpec again = subscriberSpec();
  again.streams[0].active = false;
  again.streams.push_back({"2", "video", "VP8", 100, std::nullopt, true, true, "feed2", "video"});
  const auto second = onWorker([&] { return media.createOffer(hid, again); });
  const sdp::SessionDescription reparsed = sdp::parseSdp(second["sdp"].get<std::string>());
  BOOST_REQUIRE_EQUAL(reparsed.media.size(), 3u);
  BOOST_TEST((reparsed.media[0].effectiveDirection() == sdp::Direction::Inactive));
  BOOST_TEST(reparsed.origin.sessionVersion != parsed.origin.sessionVersion);
  BOOST_TEST(*reparsed.media[1].transport.iceUfrag == *parsed.media[1].transport.iceUfrag);
  media.acceptAnswer(hid, {{"type", "answer"}, {"sdp", browser.answer(second["sdp"])}});
  streams = media.describe(hid);
  BOOST_REQUIRE_EQUAL(streams.size(), 3u);
  BOOST_TEST(!streams[0].active);
  BOOST_TEST(streams[1].localSsrc == videoSsrc);
  BOOST_TEST(streams[2].sending);
  BOOST_TEST(streams[2].localSsrc != videoSsrc);

  // A second answer to the same offer is refused.
  BOOST_CHECK_THROW(media.acceptAnswer(hid, {{"type", "answer"}, {"sdp", browser.answer(second["sdp"])}}),
                    MediaNegotiationError);
  // Connections are bookkeeping without a dataplane: nothing routed, nothing leaked.
  const ConnectionId c = media.connect({hid, "1", hid, "2"});
  BOOST_TEST(media.connectedRoutes() == 0u);
  media.disconnect(c);

  request({{"janus", "detach"}, {"transaction", "d"}, {"session_id", sid}, {"handle_id", hid}});
  BOOST_TEST(media.describe(hid).empty());
}

BOOST_FIXTURE_TEST_CASE(offer_errors_are_negotiation_errors, MediaFixture) {
  const std::uint64_t sid = openSession();
  const std::uint64_t hid = attach(sid);
  OfferSpec bad;
  bad.streams.push_back({"0", "video", "no-such-codec"});
  BOOST_CHECK_THROW(onWorker([&] { return media.createOffer(hid, bad); }), MediaNegotiationError);
  BOOST_CHECK_THROW(media.acceptAnswer(hid, {{"type", "answer"}, {"sdp", "v=0\r\n"}}), MediaNegotiationError);
  BOOST_CHECK_THROW(media.acceptAnswer(hid, {{"type", "answer"}}), MediaNegotiationError);
}
