// Layer selection of one simulcast route (Janus subscriber substream / temporal / fallback): which layer is
// forwarded, when a switch happens (only at a keyframe of the new layer), which layer falls back when the wanted
// one stops, and VP8 temporal layer filtering. Pure logic: the worker feeds it arrival times and parsed packets.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/DataplaneTypes.hpp"

namespace portunus::dp {

constexpr std::size_t kMaxLayers = 3;

class SimulcastSelector {
 public:
  static constexpr std::uint8_t kNone = 0xff;

  struct Decision {
    bool forward = false;
    bool switched = false;       // `current()` changed with this packet (rebase the rewrite, report it)
    bool want_keyframe = false;  // the wanted layer is arriving but no keyframe yet: ask its publisher
  };

  void configure(std::uint8_t layer_count, const LayerTarget& t) noexcept {
    count_ = layer_count > kMaxLayers ? kMaxLayers : layer_count;
    target_ = t;
    if (!target_.fallback_ms) target_.fallback_ms = 250;
  }
  void setTarget(const LayerTarget& t) noexcept { configure(count_, t); }
  const LayerTarget& target() const noexcept { return target_; }
  std::uint8_t current() const noexcept { return current_; }
  std::uint8_t temporal() const noexcept { return temporal_; }
  /** The layers were replaced (a switch to another publisher): start over, wait for a keyframe. */
  void reset() noexcept {
    current_ = kNone;
    last_rx_.fill(0);
  }

  /** The layer we want now: the highest active layer at or below the target, else the lowest active above it. */
  std::uint8_t desired(std::uint64_t now_ms) const noexcept {
    const std::uint8_t top = target_.substream < count_ ? target_.substream : static_cast<std::uint8_t>(count_ - 1);
    for (int l = top; l >= 0; --l)
      if (active(static_cast<std::uint8_t>(l), now_ms)) return static_cast<std::uint8_t>(l);
    for (std::uint8_t l = static_cast<std::uint8_t>(top + 1); l < count_; ++l)
      if (active(l, now_ms)) return l;
    return kNone;
  }

  /** A packet of `layer` arrived at `now_ms`; `keyframe`: it starts a keyframe. */
  Decision onPacket(std::uint8_t layer, bool keyframe, std::uint64_t now_ms) noexcept {
    Decision d;
    if (layer >= count_) return d;
    last_rx_[layer] = now_ms ? now_ms : 1;
    const std::uint8_t want = desired(now_ms);
    if (layer == current_) {
      d.forward = true;
      return d;
    }
    if (layer != want) return d;
    if (!keyframe) {
      d.want_keyframe = true;
      return d;
    }
    current_ = layer;
    d.forward = d.switched = true;
    return d;
  }

  /** VP8 temporal filtering at the current layer: whether a packet with temporal id `tid` goes out. Upward changes
   * wait for a frame that is a keyframe, a base-layer frame or a layer sync (Y); downward ones apply at the next
   * frame start. `changed`: temporal() changed with this packet. */
  bool temporalPass(bool has_tid, std::uint8_t tid, bool frame_start, bool keyframe, bool layer_sync,
                    bool& changed) noexcept {
    changed = false;
    if (!has_tid) return true;
    const std::uint8_t want = target_.temporal;
    if (frame_start && temporal_ != want) {
      if (temporal_ == kNone || want < temporal_ || keyframe || tid == 0 || (layer_sync && tid <= want)) {
        temporal_ = want;
        changed = true;
      }
    }
    const std::uint8_t limit = temporal_ == kNone ? want : temporal_;
    return tid <= limit;
  }

 private:
  bool active(std::uint8_t l, std::uint64_t now_ms) const noexcept {
    return last_rx_[l] && now_ms - last_rx_[l] < target_.fallback_ms;
  }

  std::uint8_t count_ = 1;
  std::uint8_t current_ = kNone;
  std::uint8_t temporal_ = kNone;
  LayerTarget target_;
  std::array<std::uint64_t, kMaxLayers> last_rx_{};
};

}  // namespace portunus::dp
