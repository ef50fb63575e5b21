// The per-route RTP rewrite: SSRC, payload type, and sequence number / timestamp offsets that keep the outbound
// stream continuous when the route's source changes (a new publisher, a simulcast layer switch). Pure logic, no DPDK.
#pragma once

#include <array>
#include <cstdint>

namespace portunus::dp {

struct RewriteResult {
  std::uint16_t sequence;
  std::uint32_t timestamp;
  std::uint8_t payload_type;
};

class RouteRewrite {
 public:
  /** Payload type map: in -> out; 0xff = keep. */
  std::array<std::uint8_t, 128> pt_map{};

  RouteRewrite() noexcept { pt_map.fill(0xff); }

  /** Marks a source change: the next packet rebases the offsets so the output continues where it stopped. */
  void rebase() noexcept { rebase_ = true; }

  /** A new route into an outbound stream that has already sent (its earlier route gone): the first packet continues
   *  after that stream's last output, as after a source switch, instead of restarting at the source's own sequence
   *  (the stream's SRTP context would refuse older packet indexes as replays). Call before the first apply(). */
  void continueAfter(std::uint16_t seq, std::uint32_t ts, std::uint64_t ms) noexcept {
    started_ = rebase_ = have_last_ = true;
    source_ssrc_ = 0;
    last_seq_ = seq;
    last_ts_ = ts;
    last_ms_ = ms;
  }

  /** `now_ms`: arrival time, `clock_rate`: of the source stream (to advance the timestamp across a switch). */
  RewriteResult apply(std::uint32_t in_ssrc, std::uint16_t in_seq, std::uint32_t in_ts, std::uint8_t in_pt,
                      std::uint64_t now_ms, std::uint32_t clock_rate) noexcept {
    if (!started_) {
      // First packet ever: the output starts where the input is (offsets zero); an echo is then byte-identical.
      started_ = true;
      rebase_ = false;
      seq_offset_ = 0;
      ts_offset_ = 0;
      source_ssrc_ = in_ssrc;
    } else if (rebase_ || in_ssrc != source_ssrc_) {
      // Continue after the last output: next sequence number, timestamp advanced by the wall-clock gap (>= 1).
      rebase_ = false;
      source_ssrc_ = in_ssrc;
      const std::uint64_t gap_ms = now_ms > last_ms_ ? now_ms - last_ms_ : 0;
      std::uint32_t ts_step = static_cast<std::uint32_t>(gap_ms * clock_rate / 1000);
      if (ts_step == 0) ts_step = 1;
      seq_offset_ = static_cast<std::uint16_t>(last_seq_ + 1 - in_seq);
      ts_offset_ = last_ts_ + ts_step - in_ts;
    }
    RewriteResult r{static_cast<std::uint16_t>(in_seq + seq_offset_), in_ts + ts_offset_,
                    pt_map[in_pt & 0x7f] == 0xff ? in_pt : pt_map[in_pt & 0x7f]};
    // Track the newest output (RFC 3550 A.1 ordering on 16-bit sequence numbers) so reordered packets keep
    // their place and a later rebase continues after the highest one.
    if (!have_last_ || static_cast<std::int16_t>(r.sequence - last_seq_) > 0) {
      have_last_ = true;
      last_seq_ = r.sequence;
      last_ts_ = r.timestamp;
      last_ms_ = now_ms;
    }
    return r;
  }

  /** A packet of the current source is not forwarded (temporal layer filtering): when it would have been the newest
   * output, later packets move down by one so the outbound sequence stays gap-free. */
  void skip(std::uint32_t in_ssrc, std::uint16_t in_seq) noexcept {
    if (!started_ || rebase_ || in_ssrc != source_ssrc_) return;
    const auto out = static_cast<std::uint16_t>(in_seq + seq_offset_);
    if (!have_last_ || static_cast<std::int16_t>(out - last_seq_) > 0) --seq_offset_;
  }

  /** Output timestamp minus input timestamp of the current source (SR translation). */
  std::uint32_t timestampOffset() const noexcept { return ts_offset_; }
  bool started() const noexcept { return started_; }

  std::uint16_t lastSequence() const noexcept { return last_seq_; }
  std::uint32_t lastTimestamp() const noexcept { return last_ts_; }

 private:
  bool started_ = false;
  bool rebase_ = false;
  bool have_last_ = false;
  std::uint32_t source_ssrc_ = 0;
  std::uint16_t seq_offset_ = 0;
  std::uint32_t ts_offset_ = 0;
  std::uint16_t last_seq_ = 0;
  std::uint32_t last_ts_ = 0;
  std::uint64_t last_ms_ = 0;
};

}  // namespace portunus::dp
