// The retransmission cache of one inbound stream: the last N decrypted RTP packets in a preallocated copy ring
// (allocated on the control side, one memcpy per packet on the worker, no mbuf held), looked up by sequence number
// when a subscriber's NACK is mapped back through the route rewrite. Pure, no DPDK.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

namespace portunus::dp {

class NackCache {
 public:
  static constexpr std::size_t kSlotBytes = 1472;  // an Ethernet MTU's UDP payload: larger packets are not cached
  static constexpr std::size_t kMaxPackets = 1024;

  NackCache() = default;
  /** Control side: room for `packets` (rounded up to a power of two, at most kMaxPackets; 0 = disabled). */
  explicit NackCache(std::size_t packets) {
    if (!packets) return;
    std::size_t n = 1;
    while (n < packets && n < kMaxPackets)
      n <<= 1;
    slots_ = std::make_unique<Slot[]>(n);
    mask_ = static_cast<std::uint16_t>(n - 1);
  }

  bool enabled() const noexcept { return slots_ != nullptr; }

  /** Worker: stores a packet (RTP header included). Returns false when it does not fit a slot. */
  bool store(std::uint16_t seq, const std::uint8_t* data, std::size_t len) noexcept {
    if (!slots_ || len > kSlotBytes) return false;
    Slot& s = slots_[seq & mask_];
    s.seq = seq;
    s.len = static_cast<std::uint16_t>(len);
    std::memcpy(s.data, data, len);
    // The next packet's slot, a ring-length ago last written and out of L1 by now: fetched for writing, as far as
    // this packet reached (a stream's packets are of like size), while this packet goes on its way.
    const auto* next = reinterpret_cast<const char*>(&slots_[static_cast<std::uint16_t>(seq + 1) & mask_]);
    for (std::size_t at = 0; at < len + 4; at += 64)
      __builtin_prefetch(next + at, 1, 3);
    return true;
  }

  /** Worker: the packet with sequence number `seq`, or null if it was never stored or already overwritten. */
  const std::uint8_t* find(std::uint16_t seq, std::size_t& len) const noexcept {
    if (!slots_) return nullptr;
    const Slot& s = slots_[seq & mask_];
    if (!s.len || s.seq != seq) return nullptr;
    len = s.len;
    return s.data;
  }

 private:
  struct Slot {
    std::uint16_t seq = 0;
    std::uint16_t len = 0;  // 0: empty
    std::uint8_t data[kSlotBytes];
  };
  std::unique_ptr<Slot[]> slots_;
  std::uint16_t mask_ = 0;
};

/** What one outbound packet was made of, by outbound sequence number: the inbound stream and sequence number it
 * came from and the header fields the route wrote, so a NACKed packet is rebuilt exactly. */
struct SentPacket {
  std::uint16_t out_seq = 0;
  std::uint16_t in_seq = 0;
  std::uint32_t in_stream = 0;  // StreamId (0: empty slot)
  std::uint32_t out_ts = 0;
  std::uint16_t picture_id = 0;  // VP8 rewrite (when the descriptor had the fields)
  std::uint8_t tl0 = 0;
  std::uint8_t payload_type = 0;
};

class SentHistory {
 public:
  static constexpr std::size_t kPackets = 1024;

  SentHistory() = default;
  explicit SentHistory(bool enabled) {
    if (enabled) slots_ = std::make_unique<SentPacket[]>(kPackets);
  }
  bool enabled() const noexcept { return slots_ != nullptr; }
  void record(const SentPacket& p) noexcept {
    if (slots_) slots_[p.out_seq & (kPackets - 1)] = p;
  }
  /** Where record() of `out_seq` writes (for a prefetch); `this` when disabled. */
  const void* slotFor(std::uint16_t out_seq) const noexcept {
    return slots_ ? static_cast<const void*>(&slots_[out_seq & (kPackets - 1)]) : this;
  }
  const SentPacket* find(std::uint16_t out_seq) const noexcept {
    if (!slots_) return nullptr;
    const SentPacket& p = slots_[out_seq & (kPackets - 1)];
    return p.in_stream && p.out_seq == out_seq ? &p : nullptr;
  }

 private:
  std::unique_ptr<SentPacket[]> slots_;
};

}  // namespace portunus::dp
