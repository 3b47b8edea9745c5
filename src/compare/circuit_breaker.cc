#include "src/compare/circuit_breaker.h"

#include <utility>

namespace shadowdiff {

CircuitBreaker::CircuitBreaker() : CircuitBreaker(Options{}) {}

CircuitBreaker::CircuitBreaker(Options options, Clock clock)
    : options_(options), clock_(std::move(clock)) {}

int64_t CircuitBreaker::NowNs() const {
  auto now = clock_ ? clock_() : std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
}

CircuitBreaker::Admission CircuitBreaker::TryPass() {
  int64_t open_until = open_until_ns_.load(std::memory_order_acquire);
  if (open_until == kNone) return Admission::kAllowed;
  int64_t now = NowNs();
  if (now < open_until) return Admission::kRejected;
  // Half-open: one probe at a time; one outstanding for a whole cool-down is presumed lost.
  int64_t probe = probe_started_ns_.load(std::memory_order_acquire);
  int64_t cool_down = std::chrono::nanoseconds(options_.cool_down).count();
  if (probe != kNone && now - probe < cool_down) return Admission::kRejected;
  if (probe_started_ns_.compare_exchange_strong(probe, now, std::memory_order_acq_rel)) {
    return Admission::kProbe;
  }
  return Admission::kRejected;
}

void CircuitBreaker::Open(int64_t now) {
  failures_.store(0, std::memory_order_relaxed);
  streak_start_ns_.store(kNone, std::memory_order_relaxed);
  open_until_ns_.store(now + std::chrono::nanoseconds(options_.cool_down).count(),
                       std::memory_order_release);
}

void CircuitBreaker::RecordSuccess(Admission admission) {
  if (admission == Admission::kProbe) {
    failures_.store(0, std::memory_order_relaxed);
    streak_start_ns_.store(kNone, std::memory_order_relaxed);
    probe_started_ns_.store(kNone, std::memory_order_release);
    open_until_ns_.store(kNone, std::memory_order_release);
    return;
  }
  if (admission == Admission::kAllowed && open_until_ns_.load(std::memory_order_acquire) == kNone) {
    failures_.store(0, std::memory_order_relaxed);
  }
}

void CircuitBreaker::RecordFailure(Admission admission) {
  if (admission == Admission::kRejected) return;
  int64_t now = NowNs();
  if (admission == Admission::kProbe) {
    Open(now);
    probe_started_ns_.store(kNone, std::memory_order_release);
    times_opened_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (open_until_ns_.load(std::memory_order_acquire) != kNone) return;  // stale
  int64_t start = streak_start_ns_.load(std::memory_order_relaxed);
  int64_t window = std::chrono::nanoseconds(options_.window).count();
  uint32_t streak;
  if (failures_.load(std::memory_order_relaxed) == 0 || start == kNone || now - start > window) {
    streak_start_ns_.store(now, std::memory_order_relaxed);
    failures_.store(1, std::memory_order_relaxed);
    streak = 1;
  } else {
    streak = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  }
  if (streak < options_.failure_threshold) return;
  int64_t closed = kNone;
  int64_t until = now + std::chrono::nanoseconds(options_.cool_down).count();
  if (open_until_ns_.compare_exchange_strong(closed, until, std::memory_order_acq_rel)) {
    failures_.store(0, std::memory_order_relaxed);
    streak_start_ns_.store(kNone, std::memory_order_relaxed);
    times_opened_.fetch_add(1, std::memory_order_relaxed);
  }
}

void CircuitBreaker::Cancel(Admission admission) {
  if (admission == Admission::kProbe) {
    probe_started_ns_.store(kNone, std::memory_order_release);
  }
}

CircuitBreaker::State CircuitBreaker::state() const {
  int64_t open_until = open_until_ns_.load(std::memory_order_acquire);
  if (open_until == kNone) return State::kClosed;
  return NowNs() < open_until ? State::kOpen : State::kHalfOpen;
}

std::string_view CircuitStateName(CircuitBreaker::State state) {
  switch (state) {
    case CircuitBreaker::State::kClosed:
      return "closed";
    case CircuitBreaker::State::kOpen:
      return "open";
    case CircuitBreaker::State::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

}  // namespace shadowdiff
