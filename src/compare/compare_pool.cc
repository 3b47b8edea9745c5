#include "src/compare/compare_pool.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "src/io/log.h"

namespace shadowdiff {

ComparePool::ComparePool(size_t workers, size_t queue_capacity)
    : capacity_(std::max<size_t>(queue_capacity, 1)), worker_count_(std::max<size_t>(workers, 1)) {
  workers = worker_count_;
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

ComparePool::~ComparePool() { Stop(std::chrono::steady_clock::now()); }

bool ComparePool::TrySubmit(Job job) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(job));
    depth_.store(queue_.size(), std::memory_order_relaxed);
    // A worker that is awake (running a job, or polling) looks at the queue when its job is
    // done or within kPollInterval: wake a sleeper only when none is, or for a backlog.
    wake = sleeping_ > 0 && (sleeping_ == worker_count_ || queue_.size() >= kWakeBacklog);
  }
  if (wake) work_ready_.notify_one();
  return true;
}

size_t ComparePool::Stop(std::chrono::steady_clock::time_point deadline) {
  if (joined_) return discarded_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    deadline_ = deadline;
    accepting_.store(false, std::memory_order_release);
  }
  work_ready_.notify_all();
  poll_wait_.notify_all();
  for (std::thread& thread : threads_) thread.join();
  joined_ = true;
  std::deque<Job> left;
  {
    std::lock_guard<std::mutex> lock(mu_);
    left.swap(queue_);
    depth_.store(0, std::memory_order_relaxed);
  }
  discarded_ = left.size();
  if (discarded_ > 0) {
    log::Warn("compare_pool_discarded",
              {{"jobs", std::to_string(discarded_)}, {"reason", "stop deadline passed"}});
  }
  return discarded_;
}

void ComparePool::WorkerLoop() {
  CompareScratch scratch;
  bool just_worked = false;  // the last job ran recently: poll before sleeping
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      while (!stopping_ && queue_.empty()) {
        // One poller at a time: the others sleep until a backlog or an idle pool wakes them.
        if (just_worked && polling_ == 0) {
          ++polling_;
          poll_wait_.wait_for(lock, kPollInterval);
          --polling_;
          just_worked = false;  // sleep next time if this poll finds nothing
        } else {
          ++sleeping_;
          work_ready_.wait(lock);
          --sleeping_;
        }
      }
      if (queue_.empty()) return;  // stopping, nothing left
      if (stopping_ && std::chrono::steady_clock::now() >= deadline_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      depth_.store(queue_.size(), std::memory_order_relaxed);
    }
    just_worked = true;
    try {
      job(scratch);
      completed_.fetch_add(1, std::memory_order_relaxed);
    } catch (const std::exception& e) {
      failed_.fetch_add(1, std::memory_order_relaxed);
      log::Error("compare_job_failed", {{"error", e.what()}});
    } catch (...) {
      failed_.fetch_add(1, std::memory_order_relaxed);
      log::Error("compare_job_failed", {{"error", "unknown exception"}});
    }
  }
}

}  // namespace shadowdiff
