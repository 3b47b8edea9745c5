// TripRegistry, InflightLimiter and NoiseRegistry: the small shared state of the fan-out.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "src/compare/inflight_limiter.h"
#include "src/compare/noise_registry.h"
#include "src/compare/trip_registry.h"

namespace shadowdiff {
namespace {

TEST(TripRegistryTest, TripOnceResetAndOutOfRange) {
  TripRegistry trips(3);
  EXPECT_FALSE(trips.IsTripped(1));
  EXPECT_TRUE(trips.Trip(1, 1700000000000));
  EXPECT_FALSE(trips.Trip(1, 1700000000500));  // already tripped: the first time is kept
  EXPECT_TRUE(trips.IsTripped(1));
  EXPECT_EQ(trips.TrippedAt(1), 1700000000000);
  EXPECT_FALSE(trips.IsTripped(0));
  EXPECT_EQ(trips.TrippedIds(), std::vector<size_t>{1});
  EXPECT_FALSE(trips.Trip(3, 1));  // out of range
  EXPECT_FALSE(trips.IsTripped(3));
  EXPECT_TRUE(trips.Reset(1));
  EXPECT_FALSE(trips.Reset(1));
  EXPECT_FALSE(trips.IsTripped(1));
  trips.Trip(0, 1);
  trips.Trip(2, 1);
  EXPECT_EQ(trips.ResetAll(), 2u);
  EXPECT_TRUE(trips.TrippedIds().empty());
}

TEST(TripRegistryTest, ExactlyOneConcurrentTripperWins) {
  TripRegistry trips(1);
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      if (trips.Trip(0, 100 + t)) winners.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_TRUE(trips.IsTripped(0));
}

TEST(InflightLimiterTest, CapsAndReleasesByRaii) {
  InflightLimiter limiter(2);
  InflightLimiter::Token a = limiter.TryAcquire();
  InflightLimiter::Token b = limiter.TryAcquire();
  InflightLimiter::Token c = limiter.TryAcquire();
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  EXPECT_FALSE(c);
  EXPECT_EQ(limiter.in_flight(), 2u);
  {
    InflightLimiter::Token moved = std::move(a);
    EXPECT_FALSE(a);  // NOLINT(bugprone-use-after-move): a moved-from token is empty
    EXPECT_EQ(limiter.in_flight(), 2u);
  }
  EXPECT_EQ(limiter.in_flight(), 1u);
  b.Release();
  b.Release();  // idempotent
  EXPECT_EQ(limiter.in_flight(), 0u);
  limiter.set_cap(0);
  EXPECT_FALSE(limiter.TryAcquire());
}

TEST(InflightLimiterTest, NeverExceedsTheCapUnderContention) {
  InflightLimiter limiter(3);
  std::atomic<uint32_t> max_seen{0};
  std::atomic<int> acquired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) {
        InflightLimiter::Token token = limiter.TryAcquire();
        if (!token) continue;
        acquired.fetch_add(1);
        uint32_t now = limiter.in_flight();
        uint32_t seen = max_seen.load();
        while (now > seen && !max_seen.compare_exchange_weak(seen, now)) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(max_seen.load(), 3u);
  EXPECT_GT(acquired.load(), 0);
  EXPECT_EQ(limiter.in_flight(), 0u);
}

Comparison Differs(std::vector<std::string> paths) {
  Comparison c;
  for (auto& p : paths) c.diffs.push_back(Diff{p, DiffKind::kValue, "1", "2"});
  return c;
}

TEST(NoiseRegistryTest, LearnsPerEndpoint) {
  NoiseRegistry registry;
  registry.Observe("/a", Differs({"$.ts"}));
  bool noisy_a = false, noisy_b = true;
  registry.Read("/a",
                [&](const NoiseModel* m) { noisy_a = m && m->AllNoisy(Differs({"$.ts"}).diffs); });
  registry.Read("/b", [&](const NoiseModel* m) { noisy_b = m != nullptr; });
  EXPECT_TRUE(noisy_a);
  EXPECT_FALSE(noisy_b);
  EXPECT_EQ(registry.Snapshot("/a"), (std::vector<NoisyField>{{"$.ts", 1}}));
  EXPECT_TRUE(registry.Snapshot("/b").empty());
  EXPECT_EQ(registry.Endpoints(), std::vector<std::string>{"/a"});
  registry.Reset("/a");
  EXPECT_TRUE(registry.Endpoints().empty());
}

TEST(NoiseRegistryTest, EndpointCapIsHonoured) {
  NoiseRegistry registry(NoiseModel::Options{}, 1);
  registry.Observe("/a", Differs({"$.ts"}));
  registry.Observe("/b", Differs({"$.ts"}));
  EXPECT_EQ(registry.Endpoints(), std::vector<std::string>{"/a"});
}

TEST(NoiseRegistryTest, ConcurrentObserveAndRead) {
  NoiseRegistry registry;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i)
      registry.Observe("/a", Differs({"$.f" + std::to_string(i % 50)}));
    done = true;
  });
  int reads = 0;
  while (!done.load()) {
    registry.Read("/a", [&](const NoiseModel* m) {
      if (m != nullptr) reads += m->field_count() > 0 ? 1 : 0;
    });
  }
  writer.join();
  EXPECT_EQ(registry.Snapshot("/a").size(), 50u);
  EXPECT_EQ(registry.Snapshot("/a").front().count, 40u);
  (void)reads;
}

}  // namespace
}  // namespace shadowdiff
