#include "src/compare/compare_pool.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "src/io/log.h"

namespace shadowdiff {

ComparePool::ComparePool(size_t workers, size_t queue_capacity)
    : capacity_(std::max<size_t>(queue_capacity, 1)) {
  workers = std::max<size_t>(workers, 1);
  threads_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
}

ComparePool::~ComparePool() { Stop(std::chrono::steady_clock::now()); }

bool ComparePool::TrySubmit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) {
      rejected_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(job));
    depth_.store(queue_.size(), std::memory_order_relaxed);
  }
  work_ready_.notify_one();
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
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      if (stopping_ && std::chrono::steady_clock::now() >= deadline_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      depth_.store(queue_.size(), std::memory_order_relaxed);
    }
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
