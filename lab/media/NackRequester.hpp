// Receive side of RFC 4585 generic NACK for one RTP stream (one SSRC): finds the gaps in the sequence numbers that
// arrive, asks for each missing packet after a short reorder delay and again a few times, and counts what the loss
// recovery achieved: sequence numbers missing when a later one arrived (lost before recovery), of those the ones
// that came later (recovered, by RTX or a plain resend), the rest (residual), and duplicates.
// Not thread-safe: the owner serialises onPacket() and due().
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace portunus::lab {

struct RecoveryStats {
  std::uint64_t packets = 0;     // distinct sequence numbers received
  std::uint64_t gaps = 0;        // missing when a later one arrived: the loss before recovery
  std::uint64_t recovered = 0;   // of the gaps, received afterwards
  std::uint64_t abandoned = 0;   // gaps asked for max_tries times without an answer (a late one still recovers)
  std::uint64_t duplicates = 0;  // received again after they had arrived
  std::uint64_t nacked = 0;      // sequence numbers asked for, retries included
  std::uint64_t nack_packets = 0;
  std::uint64_t rtx_in = 0;  // RFC 4588 retransmissions received on the RTX SSRC
  std::uint64_t residual() const noexcept { return gaps - recovered; }
};

class NackRequester {
 public:
  struct Config {
    std::uint32_t reorder_delay_ms = 10;  // a gap younger than this may still be reordering: not asked yet
    std::uint32_t retry_ms = 40;          // between two requests for the same packet
    std::uint32_t max_tries = 5;
    std::uint32_t max_gap = 512;  // a larger jump is a restart of the stream, not loss
  };
  enum class Arrival : std::uint8_t { New, Recovered, Duplicate };

  NackRequester() = default;
  explicit NackRequester(Config config) : config_(config) {}

  /** One packet (original or unwrapped RTX) with sequence number `seq` arrived at `nowMs`. */
  Arrival onPacket(std::uint16_t seq, std::uint64_t nowMs);
  /** The sequence numbers to ask for now (first request or retry), appended to `out`. */
  void due(std::uint64_t nowMs, std::vector<std::uint16_t>& out);
  void countRtx() noexcept { ++stats_.rtx_in; }
  void countNackPacket() noexcept { ++stats_.nack_packets; }
  std::size_t pending() const noexcept { return missing_.size(); }
  /** The highest sequence number seen, extended (RFC 3550 §A.1 style), for the receiver report. */
  std::uint32_t extendedHighest() const noexcept { return static_cast<std::uint32_t>(highest_ < 0 ? 0 : highest_); }
  const RecoveryStats& stats() const noexcept { return stats_; }

 private:
  static constexpr std::size_t kWindow = 4096;  // received flags kept for the last kWindow sequence numbers
  struct Missing {
    std::uint64_t next_ms = 0;
    std::uint32_t tries = 0;
  };
  std::int64_t extend(std::uint16_t seq) const noexcept;
  bool seen(std::int64_t ext) const noexcept { return seen_[static_cast<std::size_t>(ext) % kWindow] == ext; }
  void markSeen(std::int64_t ext) { seen_[static_cast<std::size_t>(ext) % kWindow] = ext; }

  Config config_;
  std::int64_t highest_ = -1;
  std::vector<std::int64_t> seen_ = std::vector<std::int64_t>(kWindow, -1);
  std::map<std::int64_t, Missing> missing_;  // by extended sequence number
  std::map<std::int64_t, bool> abandoned_;   // gave up asking; still counted as recovered if they come
  RecoveryStats stats_;
};

}  // namespace portunus::lab
