#include "controlplane/webrtc/IceLoop.hpp"

#include <exception>
#include <future>
#include <utility>

namespace portunus::cp {

IceLoop::IceLoop(std::string name) : name_(std::move(name)) {
  context_ = g_main_context_new();
  loop_ = g_main_loop_new(context_, FALSE);
  std::promise<void> started;
  auto running = started.get_future();
  thread_ = std::thread([this, &started] {
    g_main_context_push_thread_default(context_);
    started.set_value();
    g_main_loop_run(loop_);
    g_main_context_pop_thread_default(context_);
  });
  running.wait();
}

IceLoop::~IceLoop() {
  // Quit from inside the loop so that every task queued before the destructor still runs.
  post([this] { g_main_loop_quit(loop_); });
  thread_.join();
  {
    std::lock_guard lock(mutex_);
    tasks_.clear();
  }
  g_main_loop_unref(loop_);
  g_main_context_unref(context_);
}

void IceLoop::post(std::function<void()> task) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    if (!wakeup_pending_) wake = wakeup_pending_ = true;
  }
  if (!wake) return;
  GSource* source = g_idle_source_new();
  g_source_set_priority(source, G_PRIORITY_DEFAULT);
  g_source_set_callback(source, &IceLoop::onTasks, this, nullptr);
  g_source_attach(source, context_);
  g_source_unref(source);
}

void IceLoop::runSync(const std::function<void()>& task) {
  if (isCurrent()) {
    task();
    return;
  }
  std::promise<void> done;
  auto result = done.get_future();
  post([&task, &done] {
    try {
      task();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  result.get();
}

gboolean IceLoop::onTasks(gpointer self) {
  static_cast<IceLoop*>(self)->drain();
  return G_SOURCE_REMOVE;
}

void IceLoop::drain() {
  std::deque<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(tasks_);
    wakeup_pending_ = false;
  }
  for (auto& task : batch)
    task();
}

void IceLoop::Timer::start(std::chrono::milliseconds delay, std::function<void()> fire) {
  stop();
  fire_ = std::move(fire);
  source_ = g_timeout_source_new(static_cast<guint>(delay.count() < 0 ? 0 : delay.count()));
  g_source_set_callback(source_, &Timer::onFire, this, nullptr);
  g_source_attach(source_, loop_.context());
}

void IceLoop::Timer::stop() noexcept {
  if (source_ == nullptr) return;
  g_source_destroy(source_);
  g_source_unref(source_);
  source_ = nullptr;
}

gboolean IceLoop::Timer::onFire(gpointer self) {
  auto* timer = static_cast<Timer*>(self);
  // One-shot: release the source first so that the callback may start the timer again.
  g_source_unref(timer->source_);
  timer->source_ = nullptr;
  auto fire = std::move(timer->fire_);
  timer->fire_ = nullptr;
  if (fire) fire();
  return G_SOURCE_REMOVE;
}

}  // namespace portunus::cp
