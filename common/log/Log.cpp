#include "common/log/Log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace portunus::log {
namespace {
std::atomic<int> g_threshold{static_cast<int>(Level::Info)};
std::atomic<bool> g_timestamps{true};
std::atomic<bool> g_colors{false};
std::mutex g_write_mutex;
}  // namespace

Level threshold() noexcept {
  return static_cast<Level>(g_threshold.load(std::memory_order_relaxed));
}

void setThreshold(Level level) noexcept {
  g_threshold.store(static_cast<int>(level), std::memory_order_relaxed);
}

std::optional<Level> parseLevel(std::string_view text) noexcept {
  if (text == "trace") return Level::Trace;
  if (text == "debug") return Level::Debug;
  if (text == "info") return Level::Info;
  if (text == "warn" || text == "warning") return Level::Warn;
  if (text == "error") return Level::Error;
  if (text == "off" || text == "none") return Level::Off;
  // Janus debug levels: 0 none, 1 fatal, 2 err, 3 warn, 4 info, 5 verb, 6 huge, 7 dbg.
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '7') {
    static constexpr Level kJanus[] = {Level::Off,  Level::Error, Level::Error, Level::Warn,
                                       Level::Info, Level::Debug, Level::Debug, Level::Trace};
    return kJanus[text[0] - '0'];
  }
  return std::nullopt;
}

std::string_view levelName(Level level) noexcept {
  switch (level) {
    case Level::Trace:
      return "trace";
    case Level::Debug:
      return "debug";
    case Level::Info:
      return "info";
    case Level::Warn:
      return "warn";
    case Level::Error:
      return "error";
    case Level::Off:
      return "off";
  }
  return "?";
}

bool timestamps() noexcept {
  return g_timestamps.load(std::memory_order_relaxed);
}
void setTimestamps(bool on) noexcept {
  g_timestamps.store(on, std::memory_order_relaxed);
}
bool colors() noexcept {
  return g_colors.load(std::memory_order_relaxed);
}
void setColors(bool on) noexcept {
  g_colors.store(on, std::memory_order_relaxed);
}

std::string format(Level level, std::string_view component, std::string_view message) {
  using namespace std::chrono;
  std::string line;
  line.reserve(message.size() + component.size() + 40);
  if (timestamps()) {
    const auto now = system_clock::now();
    const auto secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d ", tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    line.append(stamp);
  }
  // Red errors and yellow warnings, the rest plain.
  const char* color = !colors()               ? nullptr
                      : level == Level::Error ? "\x1b[31m"
                      : level == Level::Warn  ? "\x1b[33m"
                                              : nullptr;
  if (color) line.append(color);
  line.append(levelName(level));
  if (color) line.append("\x1b[0m");
  line.append(" [").append(component).append("] ");
  line.append(message).push_back('\n');
  return line;
}

void write(Level level, std::string_view component, std::string_view message) {
  const std::string line = format(level, component, message);
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace portunus::log
