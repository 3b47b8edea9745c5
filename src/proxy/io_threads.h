// IoThreads: the proxy's I/O threads — N threads, each running its own io_context, so that a
// connection and every coroutine of its requests stay on one thread (no locks on the hot
// path). Everything bound to a context (listeners, sessions, upstream pools) is created per
// thread and must be destroyed before the IoThreads; see edge_server.h for the shutdown
// order.
//
// Thread-safety: Start, Stop and RunOn are called by the owning (non-I/O) thread; context(i)
// may be used from any thread as io_context allows (post, dispatch).
#ifndef SHADOWDIFF_PROXY_IO_THREADS_H_
#define SHADOWDIFF_PROXY_IO_THREADS_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace shadowdiff {

class IoThreads {
 public:
  // Creates `count` (at least 1) io_contexts; no thread runs until Start().
  explicit IoThreads(size_t count);
  ~IoThreads();  // Stop()
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  size_t size() const { return contexts_.size(); }
  boost::asio::io_context& context(size_t index) { return *contexts_[index]; }

  // Starts one thread per context; each runs until Stop(), even when it has no work.
  void Start();
  // Stops every context and joins the threads. Idempotent. Work still queued is not run
  // (drain first: EdgeServer::Drain). The contexts stay alive until destruction.
  void Stop();
  bool running() const { return !threads_.empty(); }

  // Runs `fn` on thread `index` and waits until it has run or `timeout` passed (false).
  // Must not be called from an I/O thread. Requires running().
  bool RunOn(size_t index, std::function<void()> fn, std::chrono::milliseconds timeout);

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> work_;
  std::vector<std::thread> threads_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_IO_THREADS_H_
