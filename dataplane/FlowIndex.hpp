// The workers' first flow lookup: one entry per local UDP port. Each media PeerConnection has local ports of its own,
// so a port almost always names one flow: the entry holds that flow's addresses and remote port (checked against the
// frame) and its owner and slot, read with three loads instead of hashing the 4-tuple. A port shared by several
// flows (the same port on two local addresses, or two remotes of one port) is marked so, and its frames take the
// complete directory (rte_hash) as before. Written by the control side only (one writer, under the dataplane's
// lock); read lock-free by every worker. A reader that races a write sees either a whole entry or a torn one, which
// it detects and sends to the complete directory: never a flow that does not exist. The owner re-checks the
// transport's key anyway (a slot may have been reused since).
// Works without an EAL so that the unit tests drive it directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "dataplane/FlowKey.hpp"

namespace portunus::dp {

class FlowIndex {
 public:
  enum class Lookup : std::uint8_t {
    Hit,     // `value` is the flow's (owner << 32 | slot)
    Miss,    // no flow has this 4-tuple: an unknown flow
    Shared,  // the port has several flows (or an entry changed under us): ask the complete directory
  };

  FlowIndex() : entries_(std::make_unique<Entry[]>(kPorts)) {}
  FlowIndex(const FlowIndex&) = delete;
  FlowIndex& operator=(const FlowIndex&) = delete;

  /** Worker side, lock-free. */
  Lookup find(const FlowKey& key, std::uint64_t& value) const noexcept {
    const Entry& e = entries_[key.local_port];
    const std::uint64_t meta = e.meta.load(std::memory_order_acquire);
    const auto state = static_cast<State>((meta >> 16) & 0xff);
    if (state == State::Empty) return Lookup::Miss;
    if (state == State::Shared) return Lookup::Shared;
    const std::uint64_t ips = e.ips.load(std::memory_order_acquire);
    if (e.meta.load(std::memory_order_relaxed) != meta) return Lookup::Shared;  // rewritten while we read it
    if (ips != ipsOf(key) || static_cast<std::uint16_t>(meta) != key.remote_port) return Lookup::Miss;
    value = (meta >> 24 & 0xff) << 32 | meta >> 32;
    return Lookup::Hit;
  }

  /** Control side: a flow and its (owner << 32 | slot). The caller keeps keys unique (the complete directory). */
  void add(const FlowKey& key, std::uint64_t value) {
    auto& flows = ports_[key.local_port];
    flows.push_back({key, value});
    publish(key.local_port, flows);
  }

  /** Control side: the flow is gone (no-op when unknown). */
  void remove(const FlowKey& key) {
    auto it = ports_.find(key.local_port);
    if (it == ports_.end()) return;
    auto& flows = it->second;
    for (auto f = flows.begin(); f != flows.end(); ++f) {
      if (f->key == key) {
        flows.erase(f);
        break;
      }
    }
    publish(key.local_port, flows);
    if (flows.empty()) ports_.erase(it);
  }

 private:
  static constexpr std::size_t kPorts = 65536;
  enum class State : std::uint8_t { Empty = 0, Single = 1, Shared = 2 };

  /** 16 bytes: {local_ip | remote_ip << 32} and {remote_port | state << 16 | owner << 24 | slot << 32}. */
  struct alignas(16) Entry {
    std::atomic<std::uint64_t> ips{0};
    std::atomic<std::uint64_t> meta{0};
  };
  struct Flow {
    FlowKey key;
    std::uint64_t value;
  };

  static std::uint64_t ipsOf(const FlowKey& k) noexcept {
    return std::uint64_t{k.local_ip} | std::uint64_t{k.remote_ip} << 32;
  }

  void publish(std::uint16_t port, const std::vector<Flow>& flows) {
    Entry& e = entries_[port];
    if (flows.size() != 1) {
      const State s = flows.empty() ? State::Empty : State::Shared;
      e.meta.store(std::uint64_t{static_cast<std::uint8_t>(s)} << 16, std::memory_order_release);
      return;
    }
    const Flow& f = flows.front();
    const std::uint64_t meta = std::uint64_t{f.key.remote_port} |
                               std::uint64_t{static_cast<std::uint8_t>(State::Single)} << 16 |
                               ((f.value >> 32) & 0xff) << 24 | (f.value & 0xffffffffu) << 32;
    // Whoever reads the new addresses then reads meta again and finds it changed (Empty, then the new value).
    e.meta.store(0, std::memory_order_relaxed);
    e.ips.store(ipsOf(f.key), std::memory_order_release);
    e.meta.store(meta, std::memory_order_release);
  }

  std::unique_ptr<Entry[]> entries_;                            // indexed by the local port as on the wire
  std::unordered_map<std::uint16_t, std::vector<Flow>> ports_;  // control side: every flow of each port in use
};

}  // namespace portunus::dp
