// CircuitBreaker: stops shadowing an upstream target that keeps failing, and retries it
// later. One per shadow target, shared by every I/O thread.
//
//   closed     every call passes. `failure_threshold` consecutive failures, the first of
//              them at most `window` before the last, open the breaker.
//   open       every call is refused (the caller counts reason="circuit_open") for
//              `cool_down`.
//   half-open  after the cool-down ONE call passes as a probe; the rest are refused. The
//              probe's success closes the breaker, its failure re-opens it for another
//              cool-down. A probe that never reports back is presumed lost after one
//              cool-down, and another probe may pass.
// A failure is what the caller says it is: the proxy reports connect errors, timeouts,
// resets and protocol errors (TransportResult other than kOk). A success resets the streak.
// Results of calls admitted while closed that arrive after the breaker opened are ignored
// (they say nothing about the target's state now).
//
// Thread-safety: lock-free (atomics), safe from any thread. Under concurrent failures the
// streak count is approximate (a race can lose a count, delaying the trip by a call); the
// transitions themselves (open once, one probe at a time) are exact.
// The clock is injectable for tests; it must be safe to call from several threads.
#ifndef SHADOWDIFF_COMPARE_CIRCUIT_BREAKER_H_
#define SHADOWDIFF_COMPARE_CIRCUIT_BREAKER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

namespace shadowdiff {

class CircuitBreaker {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  struct Options {
    uint32_t failure_threshold = 5;
    std::chrono::milliseconds window{10000};
    std::chrono::milliseconds cool_down{5000};
  };

  enum class State { kClosed, kOpen, kHalfOpen };
  // What TryPass decided for one call; pass it back to RecordSuccess / RecordFailure.
  enum class Admission { kRejected, kAllowed, kProbe };

  CircuitBreaker();  // default Options, steady_clock
  // A null clock means std::chrono::steady_clock::now.
  explicit CircuitBreaker(Options options, Clock clock = nullptr);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  Admission TryPass();
  // Report how an admitted call (kAllowed or kProbe) ended. kRejected is ignored.
  void RecordSuccess(Admission admission);
  void RecordFailure(Admission admission);
  // Hands back an admission whose call was never made (e.g. refused by the in-flight cap):
  // a probe slot is freed for the next caller, and the breaker's state does not change.
  // (RecordSuccess would close the breaker without the target having been tried.)
  void Cancel(Admission admission);

  State state() const;
  uint64_t times_opened() const { return times_opened_.load(std::memory_order_relaxed); }

 private:
  static constexpr int64_t kNone = std::numeric_limits<int64_t>::min();
  int64_t NowNs() const;
  void Open(int64_t now);

  const Options options_;
  const Clock clock_;
  std::atomic<uint32_t> failures_{0};             // current streak
  std::atomic<int64_t> streak_start_ns_{kNone};   // first failure of the streak
  std::atomic<int64_t> open_until_ns_{kNone};     // kNone: closed
  std::atomic<int64_t> probe_started_ns_{kNone};  // kNone: no probe out
  std::atomic<uint64_t> times_opened_{0};
};

std::string_view CircuitStateName(CircuitBreaker::State state);  // "closed", "open", "half_open"

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARE_CIRCUIT_BREAKER_H_
