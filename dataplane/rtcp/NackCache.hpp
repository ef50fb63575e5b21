// The retransmission cache of one inbound stream: the last N decrypted RTP packets in a preallocated ring of slots
// (allocated on the control side, no mbuf held), looked up by sequence number when a subscriber's NACK is mapped back
// through the route rewrite. Pure, no DPDK.
//
// A packet gets into its slot one of two ways. The usual one: the worker claims the slot before the packet is
// decrypted and the engine writes the plaintext straight there (SrtpEngine::unprotectInto), so the packet is never
// copied; the worker commits it once it authenticated. A claim is granted only to a packet just ahead of the newest
// one committed (a forged packet can so spoil at most the oldest few slots), never twice for one slot in one unprotect
// batch, and never for a slot that a protect op still reads its body from (the slot is pinned for the worker's
// current protect batch, see pin()). Every other packet (reordered, retransmitted on RTX, a refused claim) is copied in
// by store(), which keeps off the slots claimed in its unprotect batch and the pinned ones as well.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

namespace portunus::dp {

class NackCache {
 public:
  static constexpr std::size_t kSlotBytes = 1472;  // an Ethernet MTU's UDP payload: larger packets are not cached
  static constexpr std::size_t kMaxPackets = 1024;
  static constexpr std::uint16_t kClaimAhead = 64;  // a claim's sequence number at most this far past the newest
  // claim() fetches the index entry this many packets ahead (a stream's packets come in order): the index, touched
  // once per packet around the ring, falls out of L1 between two turns (perf: claim's first read was the stall).
  static constexpr std::uint16_t kIndexAhead = 16;

  NackCache() = default;
  /** Control side: room for `packets` (rounded up to a power of two, at most kMaxPackets; 0 = disabled). */
  explicit NackCache(std::size_t packets) {
    if (!packets) return;
    std::size_t n = 1;
    while (n < packets && n < kMaxPackets)
      n <<= 1;
    slots_ = std::make_unique<Slot[]>(n);
    index_ = std::make_unique<Entry[]>(n);
    mask_ = static_cast<std::uint16_t>(n - 1);
  }

  bool enabled() const noexcept { return slots_ != nullptr; }

  /** Worker: the slot that packet `seq` (`len` bytes as received, tag included) of unprotect batch `batch` is to be
   *  decrypted into, or null (disabled, too large, not just ahead of the newest committed packet, the slot claimed
   *  in this batch already or pinned in protect epoch `epoch`). The slot's previous packet is gone from then on. */
  std::uint8_t* claim(std::uint16_t seq, std::size_t len, std::uint32_t epoch, std::uint32_t batch) noexcept {
    if (!slots_ || len > kSlotBytes) return nullptr;
    __builtin_prefetch(&index_[(seq + kIndexAhead) & mask_], 1, 3);
    if (have_newest_ && static_cast<std::uint16_t>(seq - newest_ - 1) >= kClaimAhead) return nullptr;
    Entry& e = index_[seq & mask_];
    if (e.pinned == epoch || e.claimed == batch) return nullptr;
    e.len = 0;
    e.claimed = batch;
    return slots_[seq & mask_].data;
  }

  /** Worker: the packet decrypted into its claimed slot authenticated: `len` bytes of plaintext, findable now. */
  void commit(std::uint16_t seq, std::size_t len) noexcept {
    Entry& e = index_[seq & mask_];
    e.seq = seq;
    e.len = static_cast<std::uint16_t>(len);
    advance(seq);
  }

  /** Worker: a protect op queued in `epoch` reads packet `seq`'s body from its slot: no claim or store may write the
   *  slot until the worker's protect batch of that epoch ran (the epoch then moves on and the pin lapses). */
  void pin(std::uint16_t seq, std::uint32_t epoch) noexcept {
    if (slots_) index_[seq & mask_].pinned = epoch;
  }

  /** Worker: copies a packet (RTP header included) of unprotect batch `batch` in. Returns false when it does not fit
   *  a slot, or its slot is claimed in that batch or pinned in protect epoch `epoch`. */
  bool store(std::uint16_t seq, const std::uint8_t* data, std::size_t len, std::uint32_t epoch,
             std::uint32_t batch) noexcept {
    if (!slots_ || len > kSlotBytes) return false;
    Entry& e = index_[seq & mask_];
    if (e.pinned == epoch || e.claimed == batch) return false;
    std::memcpy(slots_[seq & mask_].data, data, len);
    e.seq = seq;
    e.len = static_cast<std::uint16_t>(len);
    advance(seq);
    return true;
  }

  /** Worker: the packet with sequence number `seq`, or null if it was never stored or already overwritten. */
  const std::uint8_t* find(std::uint16_t seq, std::size_t& len) const noexcept {
    if (!slots_) return nullptr;
    const Entry& e = index_[seq & mask_];
    if (!e.len || e.seq != seq) return nullptr;
    len = e.len;
    return slots_[seq & mask_].data;
  }

 private:
  struct alignas(64) Slot {
    std::uint8_t data[kSlotBytes];
  };
  /** A slot's packet, claim and pin, apart from the slots (12 bytes per slot: the index stays in L2 and is fetched
   *  ahead, the slots need not be). Epochs and batches count from 1. */
  struct Entry {
    std::uint16_t seq = 0;
    std::uint16_t len = 0;      // 0: empty (or claimed, not committed yet)
    std::uint32_t pinned = 0;   // the protect epoch of the last pin
    std::uint32_t claimed = 0;  // the unprotect batch of the last claim
  };

  void advance(std::uint16_t seq) noexcept {
    if (!have_newest_ || static_cast<std::int16_t>(seq - newest_) > 0) newest_ = seq;
    have_newest_ = true;
  }

  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<Entry[]> index_;
  std::uint16_t mask_ = 0;
  std::uint16_t newest_ = 0;  // the newest sequence number committed or stored (RFC 3550 A.1 order)
  bool have_newest_ = false;
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
  /** Also fetches the slot a few packets ahead for writing (a stream's output goes round the ring in order). */
  void record(const SentPacket& p) noexcept {
    if (!slots_) return;
    slots_[p.out_seq & (kPackets - 1)] = p;
    __builtin_prefetch(&slots_[(p.out_seq + 8) & (kPackets - 1)], 1, 3);
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
