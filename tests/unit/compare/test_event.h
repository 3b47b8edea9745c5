// Event: a one-shot flag that threads can wait on with a bound, for tests that must wait for
// another thread without sleeping. Thread-safe.
#ifndef SHADOWDIFF_TESTS_UNIT_COMPARE_TEST_EVENT_H_
#define SHADOWDIFF_TESTS_UNIT_COMPARE_TEST_EVENT_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace shadowdiff::testing {

class Event {
 public:
  void Set() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      set_ = true;
    }
    cv_.notify_all();
  }
  // True when set within `timeout`.
  bool WaitFor(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// A counter that can be waited on until it reaches a value, with a bound.
class Counter {
 public:
  void Add(int n = 1) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      value_ += n;
    }
    cv_.notify_all();
  }
  int value() {
    std::lock_guard<std::mutex> lock(mu_);
    return value_;
  }
  bool WaitFor(int at_least, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return value_ >= at_least; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int value_ = 0;
};

}  // namespace shadowdiff::testing

#endif  // SHADOWDIFF_TESTS_UNIT_COMPARE_TEST_EVENT_H_
