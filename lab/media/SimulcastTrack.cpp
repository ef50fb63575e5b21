#include "lab/media/SimulcastTrack.hpp"

#include <set>

#include "lab/media/Vp8Payload.hpp"

namespace portunus::lab {

bool SimulcastTrack::receive(const std::uint8_t* rtp, std::size_t len, std::uint64_t nowNs) {
  std::optional<Vp8PacketView> view;
  Sample s;
  if (len >= 12 && (rtp[0] >> 6) == 2) {
    std::size_t off = 12 + 4 * (rtp[0] & 0x0f);
    if ((rtp[0] & 0x10) && off + 4 <= len) off += 4 + 4 * ((std::size_t{rtp[off + 2]} << 8) | rtp[off + 3]);
    std::size_t end = len;
    if ((rtp[0] & 0x20) && end > off) end -= rtp[end - 1];  // padding
    if (off < end) view = Vp8Payload::parse(std::span(rtp + off, end - off));
    s.sequence = static_cast<std::uint16_t>((rtp[2] << 8) | rtp[3]);
    s.timestamp = (std::uint32_t{rtp[4]} << 24) | (std::uint32_t{rtp[5]} << 16) | (std::uint32_t{rtp[6]} << 8) | rtp[7];
    s.ssrc = (std::uint32_t{rtp[8]} << 24) | (std::uint32_t{rtp[9]} << 16) | (std::uint32_t{rtp[10]} << 8) | rtp[11];
  }
  std::lock_guard lock(mutex_);
  // The descriptor must say what the sender wrote: TID, frame start, and at a frame start whether it is a keyframe
  // (only the first packet of a frame carries the VP8 frame tag); the MediaPayload's stream id names the layer.
  if (!view || view->payload.stream_id % 100 != view->tag.layer || view->tag.tid != view->descriptor.tid ||
      view->tag.frame_start != view->descriptor.frame_start ||
      (view->tag.frame_start && view->tag.keyframe != view->descriptor.keyframe)) {
    ++unverified_;
    return false;
  }
  s.time_ns = nowNs;
  s.layer = view->tag.layer;
  s.tid = view->tag.tid;
  s.keyframe = view->tag.keyframe;
  s.frame_start = view->descriptor.frame_start;
  s.picture_id = view->descriptor.picture_id;
  s.sent_picture_id = view->tag.picture_id;
  samples_.push_back(s);
  return true;
}

SimulcastTrack::Window SimulcastTrack::window(std::uint64_t fromNs, std::uint64_t toNs) const {
  std::lock_guard lock(mutex_);
  Window w;
  for (const auto& s : samples_) {
    if (s.time_ns < fromNs || s.time_ns >= toNs) continue;
    ++w.packets;
    ++w.layers[s.layer];
    ++w.tids[s.tid];
  }
  return w;
}

std::uint64_t SimulcastTrack::firstKeyframe(int layer, std::uint64_t fromNs) const {
  std::lock_guard lock(mutex_);
  for (const auto& s : samples_)
    if (s.time_ns >= fromNs && s.layer == layer && s.keyframe) return s.time_ns;
  return 0;
}

std::uint64_t SimulcastTrack::settledAt(int layer, int maxTid, std::uint64_t fromNs, std::uint64_t toNs) const {
  std::lock_guard lock(mutex_);
  std::uint64_t settled = 0;
  for (const auto& s : samples_) {
    if (s.time_ns < fromNs || s.time_ns >= toNs) continue;
    const bool fits = s.layer == layer && s.tid <= maxTid;
    if (!fits)
      settled = 0;
    else if (settled == 0 && s.frame_start)
      settled = s.time_ns;
  }
  return settled;
}

nlohmann::json SimulcastTrack::continuity() const {
  std::lock_guard lock(mutex_);
  std::uint64_t seqGaps = 0, tsBackwards = 0, picJumps = 0, layerSwitches = 0, switchNoKey = 0, frames = 0;
  std::set<std::uint32_t> ssrcs;
  const Sample* prev = nullptr;
  const Sample* prevFrame = nullptr;
  for (const auto& s : samples_) {
    ssrcs.insert(s.ssrc);
    if (prev) {
      if (static_cast<std::uint16_t>(s.sequence - prev->sequence) != 1) ++seqGaps;
      if (static_cast<std::int32_t>(s.timestamp - prev->timestamp) < 0) ++tsBackwards;
    }
    if (s.frame_start) {
      ++frames;
      if (prevFrame) {
        const auto delta = static_cast<std::uint16_t>((s.picture_id - prevFrame->picture_id) & 0x7fff);
        if (s.layer != prevFrame->layer) {
          ++layerSwitches;
          if (!s.keyframe) ++switchNoKey;  // a decoder cannot start a new layer on a delta frame
          if (delta != 1) ++picJumps;      // a switch continues after the last picture
        } else {
          const auto sent = static_cast<std::uint16_t>((s.sent_picture_id - prevFrame->sent_picture_id) & 0x7fff);
          if (delta != sent) ++picJumps;  // within a layer the sender's spacing stays (filtered frames included)
        }
      }
      prevFrame = &s;
    } else if (prevFrame && s.picture_id != prevFrame->picture_id) {
      ++picJumps;  // the packets of one frame share its picture id
    }
    prev = &s;
  }
  return {{"packets", samples_.size()},
          {"frames", frames},
          {"unverified", unverified_},
          {"ssrcs", ssrcs.size()},
          {"seq_gaps", seqGaps},
          {"ts_backwards", tsBackwards},
          {"picture_id_jumps", picJumps},
          {"layer_switches", layerSwitches},
          {"switch_without_keyframe", switchNoKey}};
}

std::uint64_t SimulcastTrack::packets() const {
  std::lock_guard lock(mutex_);
  return samples_.size();
}

std::uint64_t SimulcastTrack::unverified() const {
  std::lock_guard lock(mutex_);
  return unverified_;
}

}  // namespace portunus::lab
