// Registers plugins by package name and runs their work on a small worker pool, posting results back to the
// control loop so that plugin work never blocks the transports.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controlplane/plugin/Plugin.hpp"

namespace boost::asio {
class io_context;
}

namespace portunus::cp {

class PluginHost final : public PluginGateway {
 public:
  /** What the core does with a plugin's event on the control loop. */
  using EventTarget =
      std::function<void(HandleId, std::optional<std::string>, nlohmann::json, std::optional<nlohmann::json>)>;
  using PcCloser = std::function<void(HandleId)>;

  PluginHost(boost::asio::io_context& loop, std::size_t workers);
  ~PluginHost() override;
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  /** Adds and initialises a plugin (before the loop runs). */
  void add(std::shared_ptr<Plugin> plugin);
  Plugin* find(const std::string& package) const;
  const std::vector<std::shared_ptr<Plugin>>& plugins() const noexcept { return plugins_; }

  /** Runs `work` on the pool, then `done` on the control loop. */
  void run(std::function<void()> work, std::function<void()> done = {});
  /** Like run(), but the jobs of one handle run one after the other in the order they were queued (Janus handles a
   *  handle's messages in order); jobs of different handles still run in parallel. */
  void runOrdered(HandleId handle, std::function<void()> work, std::function<void()> done = {});
  /** Posts `fn` to the control loop. */
  void toLoop(std::function<void()> fn);

  void setEventTarget(EventTarget target) { target_ = std::move(target); }
  void setPcCloser(PcCloser closer) { closer_ = std::move(closer); }
  void setMediaAvailable(bool available) { mediaAvailable_ = available; }

  /** Waits for queued plugin work to finish (shutdown). */
  void stop();

  // PluginGateway
  void pushEvent(HandleId handle, std::optional<std::string> transaction, nlohmann::json data,
                 std::optional<nlohmann::json> jsep) override;
  bool mediaAvailable() const override { return mediaAvailable_; }
  void closePeerConnection(HandleId handle) override;

 private:
  struct Pool;
  struct Job {
    std::function<void()> work;
    std::function<void()> done;
  };
  void execute(Job& job);
  void drain(HandleId handle);

  boost::asio::io_context& loop_;
  std::unique_ptr<Pool> pool_;
  std::vector<std::shared_ptr<Plugin>> plugins_;
  std::map<std::string, Plugin*, std::less<>> byPackage_;
  EventTarget target_;
  PcCloser closer_;
  bool mediaAvailable_ = false;
  std::mutex orderedMutex_;
  std::map<HandleId, std::deque<Job>> ordered_;  // a handle is present while a drainer runs its queue
};

}  // namespace portunus::cp
