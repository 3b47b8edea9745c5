// ComparePool: the bounded worker pool that runs comparisons off the I/O threads
// (ARCHITECTURE.md, "Threads"). N worker threads share one FIFO queue of at most
// `queue_capacity` jobs. Submitting never blocks: when the queue is full TrySubmit returns
// false and the caller counts the drop (shadowdiff_shadow_dropped_total{reason="queue_full"}),
// so a slow comparison can never back-pressure a client.
//
// Each worker owns one CompareScratch for its whole life and passes it to every job it runs,
// so steady-state comparisons reuse their buffers.
//
// Wake-ups are batched: a worker that ran a job and finds the queue empty does not go to
// sleep at once but, unless another worker already does so, looks again after kPollInterval.
// While any worker is awake (running a job or polling), TrySubmit wakes no one (a futex wake on
// the submitting I/O thread and a futex wait on the worker per job, otherwise) unless
// kWakeBacklog jobs are waiting. Only when a poll finds nothing does the worker sleep until a
// TrySubmit wakes it. So under load a job waits at most about kPollInterval (or the job ahead
// of it) before a worker takes it, a busy pool costs one timed wait per kPollInterval, and an
// idle pool costs nothing.
//
// Thread-safety: TrySubmit, queue_depth, completed and dropped may be called from any thread
// at any time. Stop is called once, by the owner, not from a job. A job must not throw (an
// escaping exception is caught, logged and counted as failed, never propagated).
#ifndef SHADOWDIFF_COMPARE_COMPARE_POOL_H_
#define SHADOWDIFF_COMPARE_COMPARE_POOL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "comparators/compare_scratch.h"

namespace shadowdiff {

class ComparePool {
 public:
  // A comparison: runs on a worker with that worker's scratch. Must be copy-constructible
  // (std::function); capture shared state by shared_ptr.
  using Job = std::function<void(CompareScratch&)>;

  // Starts `workers` threads (at least 1); the queue holds at most `queue_capacity` jobs
  // (at least 1) waiting to run.
  ComparePool(size_t workers, size_t queue_capacity);
  // Stop(now) if Stop was not called: queued jobs are discarded, running ones finish.
  ~ComparePool();

  ComparePool(const ComparePool&) = delete;
  ComparePool& operator=(const ComparePool&) = delete;

  // Queues `job` unless the queue is full or the pool is stopping; never blocks on a job.
  // False means the job was not queued (and was destroyed): the caller counts a drop.
  bool TrySubmit(Job job);

  // Stops accepting jobs, lets the workers run queued jobs until `deadline`, then joins
  // them. Jobs still queued at the deadline are discarded (destroyed without running); a job
  // already running is never interrupted, so Stop returns after the deadline by at most one
  // job's run time. Returns how many jobs were discarded. Idempotent.
  size_t Stop(std::chrono::steady_clock::time_point deadline);

  // False once Stop has begun: TrySubmit refuses everything from then on.
  bool accepting() const { return accepting_.load(std::memory_order_acquire); }
  size_t queue_depth() const { return depth_.load(std::memory_order_relaxed); }
  size_t queue_capacity() const { return capacity_; }
  size_t workers() const { return threads_.size(); }
  uint64_t completed() const { return completed_.load(std::memory_order_relaxed); }
  uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }
  uint64_t failed() const { return failed_.load(std::memory_order_relaxed); }

  // How long an idle worker that just ran a job waits before looking at the queue again.
  static constexpr std::chrono::microseconds kPollInterval{2000};
  // With this many jobs waiting, TrySubmit wakes a sleeping worker even while another polls.
  static constexpr size_t kWakeBacklog = 32;

 private:
  void WorkerLoop();

  const size_t capacity_;
  const size_t worker_count_;
  std::mutex mu_;
  std::condition_variable work_ready_;              // sleeping workers wait here
  std::condition_variable poll_wait_;               // polling workers wait here (Stop wakes)
  std::deque<Job> queue_;                           // guarded by mu_
  size_t polling_ = 0;                              // guarded by mu_: workers polling
  size_t sleeping_ = 0;                             // guarded by mu_: workers sleeping
  bool stopping_ = false;                           // guarded by mu_
  std::chrono::steady_clock::time_point deadline_;  // guarded by mu_; valid once stopping_
  bool joined_ = false;                             // touched by Stop only
  size_t discarded_ = 0;                            // touched by Stop only
  std::vector<std::thread> threads_;

  std::atomic<bool> accepting_{true};
  std::atomic<size_t> depth_{0};
  std::atomic<uint64_t> completed_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARE_COMPARE_POOL_H_
