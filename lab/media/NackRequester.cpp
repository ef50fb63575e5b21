#include "lab/media/NackRequester.hpp"

namespace portunus::lab {

std::int64_t NackRequester::extend(std::uint16_t seq) const noexcept {
  // The extended value closest to the highest one seen (a 16-bit step either way).
  const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(seq - static_cast<std::uint16_t>(highest_)));
  return highest_ + delta;
}

NackRequester::Arrival NackRequester::onPacket(std::uint16_t seq, std::uint64_t nowMs) {
  if (highest_ < 0) {
    highest_ = 65536 + seq;  // room below for packets that were reordered before the first one
    markSeen(highest_);
    ++stats_.packets;
    return Arrival::New;
  }
  const std::int64_t ext = extend(seq);
  if (ext > highest_) {
    if (ext - highest_ > static_cast<std::int64_t>(config_.max_gap)) {
      missing_.clear();  // restart: what was missing before is not asked for any more
    } else {
      for (std::int64_t s = highest_ + 1; s < ext; ++s) {
        ++stats_.gaps;
        missing_[s] = Missing{nowMs + config_.reorder_delay_ms, 0};
      }
    }
    highest_ = ext;
    markSeen(ext);
    ++stats_.packets;
    return Arrival::New;
  }
  if (highest_ - ext >= static_cast<std::int64_t>(kWindow) || seen(ext)) {
    ++stats_.duplicates;
    return Arrival::Duplicate;
  }
  markSeen(ext);
  ++stats_.packets;
  if (missing_.erase(ext) || abandoned_.erase(ext)) {
    ++stats_.recovered;
    return Arrival::Recovered;
  }
  return Arrival::New;  // below the highest but never counted missing (before the first packet)
}

void NackRequester::due(std::uint64_t nowMs, std::vector<std::uint16_t>& out) {
  for (auto it = missing_.begin(); it != missing_.end();) {
    Missing& m = it->second;
    if (m.next_ms > nowMs) {
      ++it;
      continue;
    }
    if (m.tries >= config_.max_tries) {
      ++stats_.abandoned;
      abandoned_[it->first] = true;
      if (abandoned_.size() > kWindow) abandoned_.erase(abandoned_.begin());
      it = missing_.erase(it);
      continue;
    }
    ++m.tries;
    m.next_ms = nowMs + config_.retry_ms;
    ++stats_.nacked;
    out.push_back(static_cast<std::uint16_t>(it->first));
    ++it;
  }
}

}  // namespace portunus::lab
