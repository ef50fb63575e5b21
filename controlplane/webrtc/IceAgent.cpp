#include "controlplane/webrtc/IceAgent.hpp"

#include <nice/agent.h>
#include <nice/debug.h>

#include <cstring>
#include <mutex>
#include <utility>

#include "common/config/NatConfig.hpp"
#include "common/log/Log.hpp"
#include "controlplane/webrtc/WebRtcError.hpp"

namespace portunus::cp {
namespace {

constexpr guint kComponent = 1;  // rtcp-mux: the only component

IceCandidate::Type fromNice(NiceCandidateType type) {
  switch (type) {
    case NICE_CANDIDATE_TYPE_HOST:
      return IceCandidate::Type::Host;
    case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
      return IceCandidate::Type::ServerReflexive;
    case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
      return IceCandidate::Type::PeerReflexive;
    case NICE_CANDIDATE_TYPE_RELAYED:
      return IceCandidate::Type::Relay;
  }
  return IceCandidate::Type::Host;
}

NiceCandidateType toNice(IceCandidate::Type type) {
  switch (type) {
    case IceCandidate::Type::Host:
      return NICE_CANDIDATE_TYPE_HOST;
    case IceCandidate::Type::ServerReflexive:
      return NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE;
    case IceCandidate::Type::PeerReflexive:
      return NICE_CANDIDATE_TYPE_PEER_REFLEXIVE;
    case IceCandidate::Type::Relay:
      return NICE_CANDIDATE_TYPE_RELAYED;
  }
  return NICE_CANDIDATE_TYPE_HOST;
}

std::string addressString(const NiceAddress& address) {
  char buf[NICE_ADDRESS_STRING_LEN] = {};
  nice_address_to_string(&address, buf);
  return buf;
}

bool sameFamily(const std::string& a, bool ipv6) {
  IceCandidate probe;
  probe.address = a;
  return probe.hasIpAddress() && probe.isIpv6() == ipv6;
}

IceCandidate fromNiceCandidate(const NiceCandidate& nc) {
  IceCandidate c;
  c.foundation = nc.foundation;
  c.component = static_cast<int>(nc.component_id);
  c.transport = "udp";
  c.priority = nc.priority;
  c.address = addressString(nc.addr);
  c.port = static_cast<std::uint16_t>(nice_address_get_port(&nc.addr));
  c.type = fromNice(nc.type);
  if (c.type != IceCandidate::Type::Host && nice_address_is_valid(&nc.base_addr)) {
    c.related_address = addressString(nc.base_addr);
    c.related_port = static_cast<std::uint16_t>(nice_address_get_port(&nc.base_addr));
    c.has_related_port = true;
  }
  return c;
}

}  // namespace

IceAgentOptions iceAgentOptions(const config::NatConfig& nat, bool controlling, const std::string& default_address) {
  IceAgentOptions o;
  o.controlling = controlling;
  o.ice_lite = nat.ice_lite;
  o.consent_freshness = nat.ice_consent_freshness;
  o.gather_address = nat.ice_address.empty() ? default_address : nat.ice_address;
  o.port_min = nat.rtp_port_min;
  o.port_max = nat.rtp_port_max;
  o.nat_1_1_mapping = nat.nat_1_1_mapping;
  return o;
}

std::string_view iceStateName(IceState state) noexcept {
  switch (state) {
    case IceState::Disconnected:
      return "disconnected";
    case IceState::Gathering:
      return "gathering";
    case IceState::Connecting:
      return "connecting";
    case IceState::Connected:
      return "connected";
    case IceState::Ready:
      return "ready";
    case IceState::Failed:
      return "failed";
  }
  return "disconnected";
}

// GLib calls C functions; these forward to the agent's members on the loop thread.
struct IceAgent::Glue {
  static void newCandidate(NiceAgent*, NiceCandidate* candidate, gpointer self) {
    static_cast<IceAgent*>(self)->onNewCandidate(candidate);
  }
  static void gatheringDone(NiceAgent*, guint, gpointer self) { static_cast<IceAgent*>(self)->onGatheringDone(); }
  static void stateChanged(NiceAgent*, guint, guint, guint state, gpointer self) {
    static_cast<IceAgent*>(self)->onStateChanged(state);
  }
  static void selectedPair(NiceAgent*, guint, guint, NiceCandidate* local, NiceCandidate* remote, gpointer self) {
    static_cast<IceAgent*>(self)->onSelectedPair(local, remote);
  }
  static void receive(NiceAgent*, guint, guint, guint len, gchar* buf, gpointer self) {
    static_cast<IceAgent*>(self)->onReceive(buf, len);
  }
};

IceAgent::IceAgent(IceLoop& loop, IceAgentOptions options, IceAgentCallbacks callbacks)
    : loop_(loop), options_(std::move(options)), callbacks_(std::move(callbacks)) {
  // An ICE-lite agent never controls (RFC 8445 §6.1.1).
  if (options_.ice_lite) options_.controlling = false;
  loop_.runSync([this] { create(); });
  loop_.agentAdded();
}

IceAgent::~IceAgent() {
  loop_.runSync([this] { teardown(); });
  loop_.agentRemoved();
}

void IceAgent::create() {
  NiceAddress local;
  nice_address_init(&local);
  if (!nice_address_set_from_string(&local, options_.gather_address.c_str()))
    throw WebRtcError("ICE: gather address '" + options_.gather_address + "' is not an IP address");
  if ((options_.port_min == 0) != (options_.port_max == 0) || options_.port_min > options_.port_max)
    throw WebRtcError("ICE: bad port range");

  auto flags = static_cast<unsigned>(NICE_AGENT_OPTION_ICE_TRICKLE);
  if (options_.ice_lite) flags |= NICE_AGENT_OPTION_LITE_MODE;
  if (options_.consent_freshness) flags |= NICE_AGENT_OPTION_CONSENT_FRESHNESS;
  // Browsers nominate regularly (RFC 8445 removed aggressive nomination).
  if (options_.controlling) flags |= NICE_AGENT_OPTION_REGULAR_NOMINATION;
  agent_ = nice_agent_new_full(loop_.context(), NICE_COMPATIBILITY_RFC5245, static_cast<NiceAgentOption>(flags));
  if (agent_ == nullptr) throw WebRtcError("ICE: cannot create a libnice agent");
  g_object_set(G_OBJECT(agent_), "controlling-mode", options_.controlling ? TRUE : FALSE, "upnp", FALSE, "ice-tcp",
               FALSE, "ice-udp", TRUE, "keepalive-conncheck", TRUE, nullptr);
  if (options_.stun_initial_timeout_ms)
    g_object_set(G_OBJECT(agent_), "stun-initial-timeout", options_.stun_initial_timeout_ms, nullptr);
  if (options_.stun_max_retransmissions)
    g_object_set(G_OBJECT(agent_), "stun-max-retransmissions", options_.stun_max_retransmissions, nullptr);
  if (options_.idle_timeout_ms) g_object_set(G_OBJECT(agent_), "idle-timeout", options_.idle_timeout_ms, nullptr);
  nice_agent_add_local_address(agent_, &local);

  stream_ = nice_agent_add_stream(agent_, 1);
  if (stream_ == 0) {
    g_object_unref(agent_);
    agent_ = nullptr;
    throw WebRtcError("ICE: cannot add a stream");
  }
  if (options_.port_min != 0)
    nice_agent_set_port_range(agent_, stream_, kComponent, options_.port_min, options_.port_max);

  gchar* ufrag = nullptr;
  gchar* pwd = nullptr;
  nice_agent_get_local_credentials(agent_, stream_, &ufrag, &pwd);
  local_ufrag_ = ufrag ? ufrag : "";
  local_pwd_ = pwd ? pwd : "";
  g_free(ufrag);
  g_free(pwd);

  handlers_.push_back(g_signal_connect(agent_, "new-candidate-full", G_CALLBACK(Glue::newCandidate), this));
  handlers_.push_back(g_signal_connect(agent_, "candidate-gathering-done", G_CALLBACK(Glue::gatheringDone), this));
  handlers_.push_back(g_signal_connect(agent_, "component-state-changed", G_CALLBACK(Glue::stateChanged), this));
  handlers_.push_back(g_signal_connect(agent_, "new-selected-pair-full", G_CALLBACK(Glue::selectedPair), this));
  nice_agent_attach_recv(agent_, stream_, kComponent, loop_.context(), Glue::receive, this);
}

void IceAgent::teardown() {
  if (agent_ == nullptr) return;
  for (auto id : handlers_)
    g_signal_handler_disconnect(agent_, id);
  handlers_.clear();
  nice_agent_attach_recv(agent_, stream_, kComponent, loop_.context(), nullptr, nullptr);
  nice_agent_remove_stream(agent_, stream_);
  nice_agent_close_async(agent_, nullptr, nullptr);
  g_object_unref(agent_);
  agent_ = nullptr;
}

void IceAgent::gather() {
  loop_.post([this] {
    {
      std::lock_guard lock(snapshot_mutex_);
      if (state_ == IceState::Disconnected) state_ = IceState::Gathering;
    }
    if (!nice_agent_gather_candidates(agent_, stream_)) {
      PLOG(Warn, "ice") << "gathering failed on " << options_.gather_address;
      onStateChanged(NICE_COMPONENT_STATE_FAILED);
    }
  });
}

void IceAgent::setRemoteCredentials(std::string ufrag, std::string pwd) {
  loop_.post([this, ufrag = std::move(ufrag), pwd = std::move(pwd)] {
    if (!nice_agent_set_remote_credentials(agent_, stream_, ufrag.c_str(), pwd.c_str())) {
      PLOG(Warn, "ice") << "remote credentials refused";
      return;
    }
    have_remote_credentials_ = true;
    applyRemoteCandidates();
    if (remote_eoc_) nice_agent_peer_candidate_gathering_done(agent_, stream_);
  });
}

bool IceAgent::addRemoteCandidate(const IceCandidate& candidate) {
  if (!candidate.isUdp() || candidate.component != static_cast<int>(kComponent) || !candidate.hasIpAddress())
    return false;
  loop_.post([this, candidate] {
    pending_remote_.push_back(candidate);
    if (have_remote_credentials_) applyRemoteCandidates();
  });
  return true;
}

void IceAgent::applyRemoteCandidates() {
  GSList* list = nullptr;
  for (const auto& c : pending_remote_) {
    NiceCandidate* nc = nice_candidate_new(toNice(c.type));
    nc->transport = NICE_CANDIDATE_TRANSPORT_UDP;
    nc->stream_id = stream_;
    nc->component_id = kComponent;
    nc->priority = c.priority;
    g_strlcpy(nc->foundation, c.foundation.c_str(), NICE_CANDIDATE_MAX_FOUNDATION);
    nice_address_set_from_string(&nc->addr, c.address.c_str());
    nice_address_set_port(&nc->addr, c.port);
    if (!c.related_address.empty() && nice_address_set_from_string(&nc->base_addr, c.related_address.c_str()))
      nice_address_set_port(&nc->base_addr, c.related_port);
    list = g_slist_append(list, nc);
  }
  pending_remote_.clear();
  if (list == nullptr) return;
  if (nice_agent_set_remote_candidates(agent_, stream_, kComponent, list) < 0) {
    PLOG(Warn, "ice") << "libnice refused remote candidates";
  }
  g_slist_free_full(list, reinterpret_cast<GDestroyNotify>(nice_candidate_free));
}

void IceAgent::setRemoteEndOfCandidates() {
  loop_.post([this] {
    remote_eoc_ = true;
    if (have_remote_credentials_) nice_agent_peer_candidate_gathering_done(agent_, stream_);
  });
}

bool IceAgent::send(const std::uint8_t* data, std::size_t len) noexcept {
  if (agent_ == nullptr) return false;
  const gint sent =
      nice_agent_send(agent_, stream_, kComponent, static_cast<guint>(len), reinterpret_cast<const gchar*>(data));
  return sent == static_cast<gint>(len);
}

IceState IceAgent::state() const noexcept {
  std::lock_guard lock(snapshot_mutex_);
  return state_;
}

std::vector<IceCandidate> IceAgent::localCandidates() const {
  std::lock_guard lock(snapshot_mutex_);
  return local_candidates_;
}

std::optional<IceSelectedPair> IceAgent::selectedPair() const {
  std::lock_guard lock(snapshot_mutex_);
  return selected_;
}

bool IceAgent::gatheringDone() const noexcept {
  std::lock_guard lock(snapshot_mutex_);
  return gathering_done_;
}

bool IceAgent::consentFreshnessActive() const {
  gboolean on = FALSE;
  g_object_get(G_OBJECT(agent_), "consent-freshness", &on, nullptr);
  return on;
}

bool IceAgent::fullMode() const {
  gboolean on = FALSE;
  g_object_get(G_OBJECT(agent_), "full-mode", &on, nullptr);
  return on;
}

std::vector<IceCandidate> IceAgent::advertised(void* nice_candidate) const {
  const auto& nc = *static_cast<const NiceCandidate*>(nice_candidate);
  IceCandidate base = fromNiceCandidate(nc);
  if (base.type != IceCandidate::Type::Host || options_.nat_1_1_mapping.empty()) return {base};
  // 1:1 NAT: the peer must reach us at the public address; the socket stays on the private one.
  std::vector<IceCandidate> out;
  const bool ipv6 = base.isIpv6();
  for (const auto& pub : options_.nat_1_1_mapping) {
    if (!sameFamily(pub, ipv6)) continue;
    IceCandidate mapped = base;
    mapped.address = pub;
    mapped.priority = base.priority - static_cast<std::uint32_t>(out.size());
    out.push_back(std::move(mapped));
  }
  if (out.empty()) out.push_back(base);
  return out;
}

void IceAgent::onNewCandidate(void* nice_candidate) {
  const auto& nc = *static_cast<const NiceCandidate*>(nice_candidate);
  if (nc.component_id != kComponent || nc.transport != NICE_CANDIDATE_TRANSPORT_UDP) return;
  auto list = advertised(nice_candidate);
  {
    std::lock_guard lock(snapshot_mutex_);
    local_candidates_.insert(local_candidates_.end(), list.begin(), list.end());
  }
  if (callbacks_.on_local_candidate)
    for (const auto& c : list)
      callbacks_.on_local_candidate(c);
}

void IceAgent::onGatheringDone() {
  {
    std::lock_guard lock(snapshot_mutex_);
    gathering_done_ = true;
  }
  if (callbacks_.on_gathering_done) callbacks_.on_gathering_done();
}

void IceAgent::onStateChanged(unsigned nice_state) {
  IceState state = IceState::Disconnected;
  switch (static_cast<NiceComponentState>(nice_state)) {
    case NICE_COMPONENT_STATE_DISCONNECTED:
      state = IceState::Disconnected;
      break;
    case NICE_COMPONENT_STATE_GATHERING:
      state = IceState::Gathering;
      break;
    case NICE_COMPONENT_STATE_CONNECTING:
      state = IceState::Connecting;
      break;
    case NICE_COMPONENT_STATE_CONNECTED:
      state = IceState::Connected;
      break;
    case NICE_COMPONENT_STATE_READY:
      state = IceState::Ready;
      break;
    case NICE_COMPONENT_STATE_FAILED:
      state = IceState::Failed;
      break;
    default:
      return;
  }
  {
    std::lock_guard lock(snapshot_mutex_);
    state_ = state;
  }
  PLOG(Debug, "ice") << "agent " << local_ufrag_ << " state " << iceStateName(state);
  if (callbacks_.on_state) callbacks_.on_state(state);
  if (state == IceState::Failed && !failed_reported_) {
    failed_reported_ = true;
    if (callbacks_.on_failed) callbacks_.on_failed("ICE failed");
  }
}

void IceAgent::onSelectedPair(void* local, void* remote) {
  const auto& l = *static_cast<const NiceCandidate*>(local);
  const auto& r = *static_cast<const NiceCandidate*>(remote);
  IceSelectedPair pair;
  const NiceAddress& base = nice_address_is_valid(&l.base_addr) ? l.base_addr : l.addr;
  pair.local_address = addressString(base);
  pair.local_port = static_cast<std::uint16_t>(nice_address_get_port(&base));
  pair.remote_address = addressString(r.addr);
  pair.remote_port = static_cast<std::uint16_t>(nice_address_get_port(&r.addr));
  pair.local_type = fromNice(l.type);
  pair.remote_type = fromNice(r.type);
  {
    std::lock_guard lock(snapshot_mutex_);
    selected_ = pair;
  }
  PLOG(Debug, "ice") << "agent " << local_ufrag_ << " selected " << pair.local_address << ':' << pair.local_port
                     << " <-> " << pair.remote_address << ':' << pair.remote_port;
  if (callbacks_.on_selected_pair) callbacks_.on_selected_pair(pair);
}

void IceAgent::onReceive(const char* data, unsigned len) {
  if (callbacks_.on_receive) callbacks_.on_receive(reinterpret_cast<const std::uint8_t*>(data), len);
}

namespace {
/** GLib log handler of libnice's domains: its debug messages as our records (shown at the default threshold, as
 *  Janus prints them whatever its own level). */
void forwardLibniceMessage(const gchar* domain, GLogLevelFlags, const gchar* message, gpointer) {
  PLOG(Info, "libnice") << (domain ? domain : "libnice") << ": " << (message ? message : "");
}
}  // namespace

void setLibniceDebug(bool on) {
  static std::once_flag handlers;
  std::call_once(handlers, [] {
    for (const char* domain : {"libnice", "libnice-stun", "libnice-verbose", "libnice-pseudotcp",
                               "libnice-pseudotcp-verbose", "libnice-socket"})
      g_log_set_handler(domain, static_cast<GLogLevelFlags>(G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO),
                        forwardLibniceMessage, nullptr);
  });
  if (on)
    nice_debug_enable(TRUE);
  else
    nice_debug_disable(TRUE);
}

}  // namespace portunus::cp
