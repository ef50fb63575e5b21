#define BOOST_TEST_MODULE controlplane_plugin_host
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "controlplane/plugin/PluginHost.hpp"

using namespace portunus::cp;

namespace {

/** Runs the control loop until `n` completions arrived (or 10 s passed). */
void runUntil(boost::asio::io_context& loop, const std::atomic<int>& done, int n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (done.load() < n && std::chrono::steady_clock::now() < deadline) {
    loop.run_for(std::chrono::milliseconds(5));
    loop.restart();
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(jobs_of_one_handle_run_in_order_and_never_overlap) {
  boost::asio::io_context loop;
  PluginHost host(loop, 4);
  std::mutex mu;
  std::vector<int> order;
  std::atomic<int> running{0}, overlaps{0}, done{0};
  constexpr int kJobs = 200;
  for (int i = 0; i < kJobs; ++i)
    host.runOrdered(
        7,
        [&, i] {
          if (running.fetch_add(1) != 0) ++overlaps;
          if (i % 10 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
          {
            std::lock_guard lock(mu);
            order.push_back(i);
          }
          running.fetch_sub(1);
        },
        [&] { ++done; });
  runUntil(loop, done, kJobs);
  BOOST_TEST(done.load() == kJobs);
  BOOST_TEST(overlaps.load() == 0);
  BOOST_REQUIRE(order.size() == static_cast<std::size_t>(kJobs));
  for (int i = 0; i < kJobs; ++i)
    BOOST_TEST(order[static_cast<std::size_t>(i)] == i);
}

BOOST_AUTO_TEST_CASE(a_slow_handle_does_not_hold_up_another) {
  boost::asio::io_context loop;
  PluginHost host(loop, 2);
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  host.runOrdered(1, [&] {
    while (!release.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  host.runOrdered(
      2, [] {}, [&] { ++done; });
  runUntil(loop, done, 1);
  BOOST_TEST(done.load() == 1);  // handle 2 finished while handle 1 still blocks a worker
  release = true;
}

BOOST_AUTO_TEST_CASE(a_failing_job_does_not_stop_the_queue) {
  boost::asio::io_context loop;
  PluginHost host(loop, 2);
  std::atomic<int> done{0};
  host.runOrdered(
      3, [] { throw std::runtime_error("boom"); }, [&] { ++done; });
  host.runOrdered(
      3, [] {}, [&] { ++done; });
  runUntil(loop, done, 2);
  BOOST_TEST(done.load() == 2);
}
