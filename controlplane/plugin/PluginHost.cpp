#include "controlplane/plugin/PluginHost.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <vector>

#include "common/log/Log.hpp"

namespace portunus::cp {

struct PluginHost::Pool {
  explicit Pool(std::size_t n) : pool(n) {}
  boost::asio::thread_pool pool;
};

PluginHost::PluginHost(boost::asio::io_context& loop, std::size_t workers)
    : loop_(loop), pool_(std::make_unique<Pool>(workers == 0 ? 1 : workers)) {}

PluginHost::~PluginHost() {
  stop();
}

void PluginHost::add(std::shared_ptr<Plugin> plugin) {
  plugin->init(*this);
  byPackage_[plugin->info().package] = plugin.get();
  PLOG(Info, "plugins") << "loaded " << plugin->info().package << " (" << plugin->info().versionString << ")";
  plugins_.push_back(std::move(plugin));
}

Plugin* PluginHost::find(const std::string& package) const {
  auto it = byPackage_.find(package);
  return it == byPackage_.end() ? nullptr : it->second;
}

namespace {
/** The PeerConnections the job running on this pool thread asked to close (null outside a job). */
thread_local std::vector<HandleId>* tlCloses = nullptr;
}  // namespace

void PluginHost::execute(Job& job) {
  std::vector<HandleId> closes;
  tlCloses = &closes;
  try {
    job.work();
  } catch (const std::exception& e) {
    PLOG(Error, "plugins") << "plugin work failed: " << e.what();
  }
  tlCloses = nullptr;
  if (job.done) boost::asio::post(loop_, std::move(job.done));
  // As in Janus, a PeerConnection a request closes (a kick, a destroy) hangs up after the request's reply.
  for (const HandleId handle : closes)
    boost::asio::post(loop_, [this, handle] {
      if (closer_) closer_(handle);
    });
}

void PluginHost::run(std::function<void()> work, std::function<void()> done) {
  boost::asio::post(pool_->pool, [this, job = Job{std::move(work), std::move(done)}]() mutable { execute(job); });
}

void PluginHost::runOrdered(HandleId handle, std::function<void()> work, std::function<void()> done) {
  {
    std::lock_guard lock(orderedMutex_);
    auto [it, first] = ordered_.try_emplace(handle);
    it->second.push_back(Job{std::move(work), std::move(done)});
    if (!first) return;  // the handle's drainer picks it up
  }
  boost::asio::post(pool_->pool, [this, handle] { drain(handle); });
}

void PluginHost::drain(HandleId handle) {
  for (;;) {
    Job job;
    {
      std::lock_guard lock(orderedMutex_);
      auto it = ordered_.find(handle);
      if (it->second.empty()) {
        ordered_.erase(it);
        return;
      }
      job = std::move(it->second.front());
      it->second.pop_front();
    }
    execute(job);
  }
}

void PluginHost::toLoop(std::function<void()> fn) {
  boost::asio::post(loop_, std::move(fn));
}

void PluginHost::stop() {
  if (pool_) pool_->pool.join();
}

void PluginHost::pushEvent(HandleId handle, std::optional<std::string> transaction, nlohmann::json data,
                           std::optional<nlohmann::json> jsep) {
  boost::asio::post(loop_, [this, handle, transaction = std::move(transaction), data = std::move(data),
                            jsep = std::move(jsep)]() mutable {
    if (target_) target_(handle, std::move(transaction), std::move(data), std::move(jsep));
  });
}

void PluginHost::closePeerConnection(HandleId handle) {
  if (tlCloses) return tlCloses->push_back(handle);  // after the running job's reply
  boost::asio::post(loop_, [this, handle] {
    if (closer_) closer_(handle);
  });
}

}  // namespace portunus::cp
