// One GLib main context on its own thread: runs libnice agents and DTLS transports (DESIGN §2). Work reaches the
// loop as tasks in a FIFO queue, so a task posted before another always runs first — the adapters rely on this
// to make their destructors (a synchronous task) run after every asynchronous call made before them.
#pragma once

#include <glib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace portunus::cp {

class IceLoop {
 public:
  explicit IceLoop(std::string name);
  ~IceLoop();  // stops the thread; every agent and transport on this loop must be gone by then
  IceLoop(const IceLoop&) = delete;
  IceLoop& operator=(const IceLoop&) = delete;

  const std::string& name() const noexcept { return name_; }
  GMainContext* context() const noexcept { return context_; }
  /** The ICE agents (one per PeerConnection) living on this loop now (Admin loops_info). */
  unsigned agents() const noexcept { return agents_.load(std::memory_order_relaxed); }
  void agentAdded() noexcept { agents_.fetch_add(1, std::memory_order_relaxed); }
  void agentRemoved() noexcept { agents_.fetch_sub(1, std::memory_order_relaxed); }
  /** True on this loop's own thread. */
  bool isCurrent() const noexcept { return std::this_thread::get_id() == thread_.get_id(); }

  /** Queues a task; it runs on the loop thread after every task queued before it. */
  void post(std::function<void()> task);
  /** Runs a task on the loop thread and waits for it (runs inline when called on the loop thread). Exceptions
   *  thrown by the task are rethrown here. Never call it from another IceLoop's thread toward a loop that may
   *  itself wait on that thread. */
  void runSync(const std::function<void()>& task);

  /** A one-shot timer on this loop; start/stop only on the loop thread. Stopping (or destroying) cancels it. */
  class Timer {
   public:
    explicit Timer(IceLoop& loop) : loop_(loop) {}
    ~Timer() { stop(); }
    Timer(const Timer&) = delete;
    Timer& operator=(const Timer&) = delete;

    void start(std::chrono::milliseconds delay, std::function<void()> fire);
    void stop() noexcept;
    bool active() const noexcept { return source_ != nullptr; }

   private:
    static gboolean onFire(gpointer self);
    IceLoop& loop_;
    GSource* source_ = nullptr;
    std::function<void()> fire_;
  };

 private:
  std::atomic<unsigned> agents_{0};
  static gboolean onTasks(gpointer self);
  void drain();

  std::string name_;
  GMainContext* context_ = nullptr;
  GMainLoop* loop_ = nullptr;
  std::mutex mutex_;
  std::deque<std::function<void()>> tasks_;
  bool wakeup_pending_ = false;
  std::thread thread_;
};

}  // namespace portunus::cp
