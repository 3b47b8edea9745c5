#include "src/compare/circuit_breaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace shadowdiff {
namespace {

using Admission = CircuitBreaker::Admission;
using State = CircuitBreaker::State;
using std::chrono::milliseconds;

// A clock the test moves by hand.
class FakeClock {
 public:
  CircuitBreaker::Clock AsClock() {
    return [this] { return std::chrono::steady_clock::time_point(milliseconds(now_ms_.load())); };
  }
  void Advance(milliseconds by) { now_ms_.fetch_add(by.count()); }

 private:
  std::atomic<int64_t> now_ms_{1'000'000};
};

CircuitBreaker::Options Opts() {
  return CircuitBreaker::Options{
      .failure_threshold = 3, .window = milliseconds(1000), .cool_down = milliseconds(5000)};
}

void Fail(CircuitBreaker& breaker) {
  Admission a = breaker.TryPass();
  ASSERT_NE(a, Admission::kRejected);
  breaker.RecordFailure(a);
}

TEST(CircuitBreakerTest, OpensAfterKConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  Fail(breaker);
  Fail(breaker);
  EXPECT_EQ(breaker.state(), State::kClosed);
  Fail(breaker);
  EXPECT_EQ(breaker.state(), State::kOpen);
  EXPECT_EQ(breaker.TryPass(), Admission::kRejected);
  EXPECT_EQ(breaker.times_opened(), 1u);
}

TEST(CircuitBreakerTest, ASuccessResetsTheStreak) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  Fail(breaker);
  Fail(breaker);
  breaker.RecordSuccess(breaker.TryPass());
  Fail(breaker);
  Fail(breaker);
  EXPECT_EQ(breaker.state(), State::kClosed);
}

TEST(CircuitBreakerTest, FailuresSpreadBeyondTheWindowDoNotOpen) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  Fail(breaker);
  Fail(breaker);
  clock.Advance(milliseconds(1500));  // the streak started 1.5 s ago: a new one starts
  Fail(breaker);
  EXPECT_EQ(breaker.state(), State::kClosed);
  Fail(breaker);
  Fail(breaker);
  EXPECT_EQ(breaker.state(), State::kOpen);
}

TEST(CircuitBreakerTest, HalfOpenLetsOneProbeThroughAndItsSuccessCloses) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  for (int i = 0; i < 3; ++i) Fail(breaker);
  clock.Advance(milliseconds(4999));
  EXPECT_EQ(breaker.TryPass(), Admission::kRejected);
  clock.Advance(milliseconds(1));
  EXPECT_EQ(breaker.state(), State::kHalfOpen);
  Admission probe = breaker.TryPass();
  EXPECT_EQ(probe, Admission::kProbe);
  EXPECT_EQ(breaker.TryPass(), Admission::kRejected);  // only one probe
  EXPECT_EQ(breaker.TryPass(), Admission::kRejected);
  breaker.RecordSuccess(probe);
  EXPECT_EQ(breaker.state(), State::kClosed);
  EXPECT_EQ(breaker.TryPass(), Admission::kAllowed);
}

TEST(CircuitBreakerTest, FailedProbeReopensForAnotherCoolDown) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  for (int i = 0; i < 3; ++i) Fail(breaker);
  clock.Advance(milliseconds(5000));
  Admission probe = breaker.TryPass();
  ASSERT_EQ(probe, Admission::kProbe);
  breaker.RecordFailure(probe);
  EXPECT_EQ(breaker.state(), State::kOpen);
  clock.Advance(milliseconds(4000));
  EXPECT_EQ(breaker.TryPass(), Admission::kRejected);
  clock.Advance(milliseconds(1000));
  EXPECT_EQ(breaker.TryPass(), Admission::kProbe);
  EXPECT_EQ(breaker.times_opened(), 2u);
}

TEST(CircuitBreakerTest, ALostProbeIsReplacedAfterACoolDown) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  for (int i = 0; i < 3; ++i) Fail(breaker);
  clock.Advance(milliseconds(5000));
  ASSERT_EQ(breaker.TryPass(), Admission::kProbe);  // never reported
  clock.Advance(milliseconds(4999));
  EXPECT_EQ(breaker.TryPass(), Admission::kRejected);
  clock.Advance(milliseconds(1));
  EXPECT_EQ(breaker.TryPass(), Admission::kProbe);
}

TEST(CircuitBreakerTest, ACancelledProbeFreesTheSlotWithoutClosing) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  for (int i = 0; i < 3; ++i) Fail(breaker);
  clock.Advance(milliseconds(5000));
  Admission probe = breaker.TryPass();
  ASSERT_EQ(probe, Admission::kProbe);
  breaker.Cancel(probe);  // the call was never made
  EXPECT_EQ(breaker.state(), State::kHalfOpen);
  EXPECT_EQ(breaker.TryPass(), Admission::kProbe);  // the next caller probes at once
  breaker.Cancel(Admission::kAllowed);              // no-op
  EXPECT_EQ(breaker.state(), State::kHalfOpen);
}

TEST(CircuitBreakerTest, StaleResultsWhileOpenAreIgnored) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  Admission early = breaker.TryPass();  // admitted while closed, answers late
  for (int i = 0; i < 3; ++i) Fail(breaker);
  breaker.RecordSuccess(early);
  EXPECT_EQ(breaker.state(), State::kOpen);
}

TEST(CircuitBreakerTest, ConcurrentCallersGetExactlyOneProbe) {
  FakeClock clock;
  CircuitBreaker breaker(Opts(), clock.AsClock());
  for (int i = 0; i < 3; ++i) Fail(breaker);
  clock.Advance(milliseconds(5000));
  std::atomic<int> probes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        if (breaker.TryPass() == Admission::kProbe) probes.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(probes.load(), 1);
}

TEST(CircuitBreakerTest, StateNames) {
  EXPECT_EQ(CircuitStateName(State::kHalfOpen), "half_open");
  EXPECT_EQ(CircuitStateName(State::kOpen), "open");
}

}  // namespace
}  // namespace shadowdiff
