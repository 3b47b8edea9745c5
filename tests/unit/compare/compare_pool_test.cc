#include "src/compare/compare_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "tests/unit/compare/test_event.h"

namespace shadowdiff {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;
using testing::Counter;
using testing::Event;

// Submits a job that signals `started` and then blocks until `release` is set.
void SubmitBlocker(ComparePool& pool, Event& started, Event& release) {
  ASSERT_TRUE(pool.TrySubmit([&](CompareScratch&) {
    started.Set();
    release.WaitFor(seconds(30));
  }));
  ASSERT_TRUE(started.WaitFor());
}

TEST(ComparePoolTest, RunsEveryJobOnItsWorkersWithAScratchPerWorker) {
  ComparePool pool(3, 1000);
  Counter done;
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::set<CompareScratch*> scratches;
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&](CompareScratch& scratch) {
      {
        std::lock_guard<std::mutex> lock(mu);
        threads.insert(std::this_thread::get_id());
        scratches.insert(&scratch);
      }
      done.Add();
    }));
  }
  ASSERT_TRUE(done.WaitFor(500));
  EXPECT_EQ(pool.Stop(steady_clock::now() + seconds(10)), 0u);
  EXPECT_EQ(pool.completed(), 500u);
  EXPECT_LE(threads.size(), 3u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u);  // never on the caller
  EXPECT_EQ(scratches.size(), threads.size());               // one scratch per worker
}

TEST(ComparePoolTest, FullQueueRejectsWithoutBlocking) {
  ComparePool pool(1, 2);
  Event started, release;
  SubmitBlocker(pool, started, release);
  Counter done;
  EXPECT_TRUE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  EXPECT_TRUE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  EXPECT_EQ(pool.queue_depth(), 2u);
  auto before = steady_clock::now();
  EXPECT_FALSE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  EXPECT_LT(steady_clock::now() - before, seconds(1));  // did not wait for the blocker
  EXPECT_EQ(pool.rejected(), 1u);
  release.Set();
  ASSERT_TRUE(done.WaitFor(2));
  pool.Stop(steady_clock::now() + seconds(10));
  EXPECT_EQ(done.value(), 2);
  EXPECT_EQ(pool.queue_depth(), 0u);
}

TEST(ComparePoolTest, StopDrainsQueuedJobsBeforeTheDeadline) {
  ComparePool pool(1, 10);
  Event started, release;
  SubmitBlocker(pool, started, release);
  Counter done;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  release.Set();
  EXPECT_EQ(pool.Stop(steady_clock::now() + seconds(10)), 0u);
  EXPECT_EQ(done.value(), 5);
  EXPECT_FALSE(pool.TrySubmit([](CompareScratch&) {}));  // stopped
}

TEST(ComparePoolTest, StopDiscardsWhatIsStillQueuedAtTheDeadline) {
  ComparePool pool(1, 10);
  Event started, release;
  SubmitBlocker(pool, started, release);
  Counter done;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  size_t discarded = 0;
  std::thread stopper([&] { discarded = pool.Stop(steady_clock::now()); });
  // Wait (bounded) until Stop has begun, then let the running job finish.
  for (auto until = steady_clock::now() + seconds(10);
       pool.accepting() && steady_clock::now() < until;) {
    std::this_thread::yield();
  }
  EXPECT_FALSE(pool.accepting());
  EXPECT_FALSE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  release.Set();
  stopper.join();
  EXPECT_EQ(done.value(), 0);  // the deadline had passed: nothing queued ran
  EXPECT_EQ(discarded, 5u);
  EXPECT_EQ(pool.completed(), 1u);  // the running job was not interrupted
}

TEST(ComparePoolTest, ThrowingJobIsCountedAndTheWorkerSurvives) {
  ComparePool pool(1, 10);
  Counter done;
  ASSERT_TRUE(pool.TrySubmit([](CompareScratch&) { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
  ASSERT_TRUE(done.WaitFor(1));
  pool.Stop(steady_clock::now() + seconds(10));
  EXPECT_EQ(pool.failed(), 1u);
  EXPECT_EQ(pool.completed(), 1u);
}

TEST(ComparePoolTest, ManySubmittersAreCountedExactly) {
  ComparePool pool(2, 64);
  Counter done;
  std::atomic<int> accepted{0};
  std::vector<std::thread> submitters;
  for (int t = 0; t < 4; ++t) {
    submitters.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        if (pool.TrySubmit([&](CompareScratch&) { done.Add(); })) accepted.fetch_add(1);
      }
    });
  }
  for (auto& t : submitters) t.join();
  ASSERT_TRUE(done.WaitFor(accepted.load()));
  pool.Stop(steady_clock::now() + seconds(10));
  EXPECT_EQ(static_cast<uint64_t>(accepted.load()), pool.completed());
  EXPECT_EQ(pool.completed() + pool.rejected(), 8000u);
}

TEST(ComparePoolTest, DestructorWithoutStopDoesNotHang) {
  Counter done;
  {
    ComparePool pool(2, 10);
    ASSERT_TRUE(pool.TrySubmit([&](CompareScratch&) { done.Add(); }));
    ASSERT_TRUE(done.WaitFor(1));
  }
  EXPECT_EQ(done.value(), 1);
}

}  // namespace
}  // namespace shadowdiff
