// Logging for the control plane and the lab tools: one line per record, a component tag, a runtime level.
// Never used on a dataplane worker lcore (the hot path counts, it does not log).
#pragma once

#include <atomic>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace portunus::log {

enum class Level : int { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4, Off = 5 };

/** The process-wide threshold; records below it are not formatted at all. */
Level threshold() noexcept;
void setThreshold(Level level) noexcept;

/** "trace", "debug", "info", "warn", "error", "off" (also Janus's numeric 0..7 debug levels). */
std::optional<Level> parseLevel(std::string_view text) noexcept;
std::string_view levelName(Level level) noexcept;

/** Whether records start with their UTC time (on by default; Admin set_log_timestamps). */
bool timestamps() noexcept;
void setTimestamps(bool on) noexcept;
/** Whether warnings and errors are coloured with ANSI escapes (off by default; Admin set_log_colors). */
bool colors() noexcept;
void setColors(bool on) noexcept;

/** One record's line, newline included, as the current timestamps/colors settings format it. */
std::string format(Level level, std::string_view component, std::string_view message);
/** Writes one formatted record atomically to stderr. */
void write(Level level, std::string_view component, std::string_view message);

/** Collects one record and writes it on destruction. */
class Record {
 public:
  Record(Level level, std::string_view component) : level_(level), component_(component) {}
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;
  ~Record() { write(level_, component_, stream_.str()); }

  template <typename T>
  Record& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  std::string_view component_;
  std::ostringstream stream_;
};

inline bool enabled(Level level) noexcept {
  return static_cast<int>(level) >= static_cast<int>(threshold());
}

}  // namespace portunus::log

// PLOG(Info, "http") << "listening on " << port;
#define PLOG(LEVEL, COMPONENT)                                    \
  if (!::portunus::log::enabled(::portunus::log::Level::LEVEL)) { \
  } else                                                          \
    ::portunus::log::Record(::portunus::log::Level::LEVEL, (COMPONENT))
