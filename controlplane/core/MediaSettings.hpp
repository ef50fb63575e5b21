// The media settings Janus's Admin API changes at runtime (set_no_media_timer, set_slowlink_threshold,
// set_libnice_debug), starting from the `media:` config. Written by the Admin API on the API loop; read by the media
// layer's event thread; the media layer's listener applies each change to the dataplane and libnice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace portunus::cp {

class MediaSettings {
 public:
  using Listener = std::function<void()>;

  MediaSettings(std::uint32_t noMediaTimer, std::uint32_t slowlinkThreshold)
      : noMediaTimer_(noMediaTimer), slowlinkThreshold_(slowlinkThreshold) {}
  MediaSettings(const MediaSettings&) = delete;
  MediaSettings& operator=(const MediaSettings&) = delete;

  /** Seconds an inbound stream may go without packets before `media receiving:false` (0: never). */
  std::uint32_t noMediaTimer() const noexcept { return noMediaTimer_.load(std::memory_order_relaxed); }
  /** Lost packets per second and stream that raise `slowlink` (0: never). */
  std::uint32_t slowlinkThreshold() const noexcept { return slowlinkThreshold_.load(std::memory_order_relaxed); }
  /** libnice's own debug messages in the log (component `libnice`). */
  bool libniceDebug() const noexcept { return libniceDebug_.load(std::memory_order_relaxed); }

  void setNoMediaTimer(std::uint32_t seconds) {
    noMediaTimer_.store(seconds, std::memory_order_relaxed);
    changed();
  }
  void setSlowlinkThreshold(std::uint32_t packets) {
    slowlinkThreshold_.store(packets, std::memory_order_relaxed);
    changed();
  }
  void setLibniceDebug(bool on) {
    libniceDebug_.store(on, std::memory_order_relaxed);
    changed();
  }

  /** Runs after every change, on the thread that made it. One listener: the media layer's (set before the Admin API
   *  is served). */
  void setListener(Listener listener) { listener_ = std::move(listener); }

 private:
  void changed() {
    if (listener_) listener_();
  }

  std::atomic<std::uint32_t> noMediaTimer_;
  std::atomic<std::uint32_t> slowlinkThreshold_;
  std::atomic<bool> libniceDebug_{false};
  Listener listener_;
};

}  // namespace portunus::cp
