#include "controlplane/webrtc/WebRtcTransport.hpp"

#include <utility>

#include "common/log/Log.hpp"

namespace portunus::cp {
namespace {
// A peer that learned our parameters from our offer may start DTLS before its answer reaches us: keep its first
// flight (a ClientHello, perhaps fragmented) instead of waiting for its retransmission.
constexpr std::size_t kMaxEarlyDtls = 8;
}  // namespace

WebRtcTransport::WebRtcTransport(IceLoop& loop, const DtlsIdentity& identity, WebRtcTransportOptions options,
                                 WebRtcTransportCallbacks callbacks)
    : loop_(loop), identity_(identity), options_(std::move(options)), callbacks_(std::move(callbacks)) {
  IceAgentCallbacks ice;
  ice.on_local_candidate = [this](const IceCandidate& c) {
    if (callbacks_.on_local_candidate) callbacks_.on_local_candidate(c);
  };
  ice.on_gathering_done = [this] {
    if (callbacks_.on_gathering_done) callbacks_.on_gathering_done();
  };
  ice.on_state = [this](IceState s) { onIceState(s); };
  ice.on_selected_pair = [this](const IceSelectedPair& p) { onPair(p); };
  ice.on_failed = [this](const std::string& reason) { hangup(reason); };
  ice.on_receive = [this](const std::uint8_t* data, std::size_t len) { onDatagram(data, len); };
  ice_ = std::make_unique<IceAgent>(loop_, options_.ice, std::move(ice));
}

WebRtcTransport::~WebRtcTransport() {
  // DTLS first (its sends go through the agent), then the agent (its datagrams go to DTLS): both on the loop, so no
  // callback runs in between.
  loop_.runSync([this] { dtls_.reset(); });
  ice_.reset();
}

void WebRtcTransport::setRemote(const WebRtcRemoteParameters& remote) {
  DtlsTransportOptions dtls = options_.dtls;
  dtls.role = remote.local_role;
  dtls.remote_fingerprint_hash = remote.fingerprint_hash;
  dtls.remote_fingerprint = remote.fingerprint;
  DtlsTransportCallbacks cb;
  cb.send = [this](const std::uint8_t* data, std::size_t len) { return ice_->send(data, len); };
  cb.on_connected = [this](const DtlsSrtpKeys& keys) {
    keys_ = keys;
    if (!pair_) pair_ = ice_->selectedPair();
    if (hung_up_ || !pair_) return;
    ready_ = true;
    PLOG(Info, "webrtc") << "transport up: " << pair_->local_address << ':' << pair_->local_port << " <-> "
                         << pair_->remote_address << ':' << pair_->remote_port << ", "
                         << srtpProfileInfo(keys.local.profile).openssl_name;
    if (callbacks_.on_ready) callbacks_.on_ready(*pair_, keys);
  };
  cb.on_failed = [this](const std::string& reason) { hangup(reason); };
  cb.on_closed = [this](const std::string& reason) { hangup(reason); };
  // Built here (may throw to the caller), installed on the loop.
  auto transport = std::make_shared<std::unique_ptr<DtlsTransport>>(
      std::make_unique<DtlsTransport>(loop_, identity_, std::move(dtls), std::move(cb)));
  ice_->setRemoteCredentials(remote.ice_ufrag, remote.ice_pwd);
  loop_.post([this, transport] {
    if (dtls_ || hung_up_) return;  // first remote description only
    dtls_ = std::move(*transport);
    for (const auto& d : early_dtls_)
      dtls_->receive(d.data(), d.size());
    early_dtls_.clear();
    maybeStartDtls();
  });
}

void WebRtcTransport::close() {
  loop_.post([this] {
    closing_ = true;
    ready_ = false;
    if (dtls_) dtls_->close();
  });
}

bool WebRtcTransport::ready() const noexcept {
  return ready_;
}

std::optional<DtlsState> WebRtcTransport::dtlsState() const {
  std::optional<DtlsState> state;
  loop_.runSync([&] {
    if (dtls_) state = dtls_->state();
  });
  return state;
}

void WebRtcTransport::onIceState(IceState state) {
  if (callbacks_.on_ice_state) callbacks_.on_ice_state(state);
  if (state == IceState::Connected || state == IceState::Ready) {
    ice_connected_ = true;
    maybeStartDtls();
  }
}

void WebRtcTransport::onPair(const IceSelectedPair& pair) {
  const bool changed =
      pair_ && (pair_->local_address != pair.local_address || pair_->local_port != pair.local_port ||
                pair_->remote_address != pair.remote_address || pair_->remote_port != pair.remote_port);
  pair_ = pair;
  if (changed && ready_ && callbacks_.on_pair_changed) callbacks_.on_pair_changed(pair);
  maybeStartDtls();
}

void WebRtcTransport::maybeStartDtls() {
  if (dtls_started_ || !dtls_ || !ice_connected_ || hung_up_ || closing_) return;
  dtls_started_ = true;
  dtls_->start();
}

void WebRtcTransport::onDatagram(const std::uint8_t* data, std::size_t len) {
  if (len == 0) return;
  // RFC 7983: STUN never gets here (libnice consumes it), DTLS 20..63, RTP/RTCP 128..191.
  if (DtlsTransport::looksLikeDtls(data, len)) {
    if (dtls_) {
      dtls_->receive(data, len);
    } else if (early_dtls_.size() < kMaxEarlyDtls) {
      early_dtls_.emplace_back(data, data + len);
    }
  } else if (data[0] >= 128 && data[0] <= 191) {
    if (callbacks_.on_media) callbacks_.on_media(data, len);
  }
}

void WebRtcTransport::hangup(const std::string& reason) {
  if (hung_up_ || closing_) return;
  hung_up_ = true;
  ready_ = false;
  PLOG(Info, "webrtc") << "transport down: " << reason;
  if (callbacks_.on_hangup) callbacks_.on_hangup(reason);
}

}  // namespace portunus::cp
