// EndpointStats: outcome counts, the per-minute trend window (injected clock), the field cap
// with "other" overflow, ordering, and concurrent counting.
#include "src/compare/endpoint_stats.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace shadowdiff {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

// A clock the test moves by hand (read from several threads in the concurrency test).
class FakeClock {
 public:
  FakeClock() : now_(TimePoint(minutes(29'000'000)).time_since_epoch().count()) {}
  EndpointStats::WallClock Fn() {
    return [this] { return TimePoint(TimePoint::duration(now_.load())); };
  }
  void Advance(TimePoint::duration d) { now_ += d.count(); }
  TimePoint Now() const { return TimePoint(TimePoint::duration(now_.load())); }

 private:
  std::atomic<TimePoint::rep> now_;
};

Diff D(std::string path, DiffKind kind = DiffKind::kValue) {
  Diff d;
  d.path = std::move(path);
  d.kind = kind;
  return d;
}

const EndpointStatsEntry* Find(const std::vector<EndpointStatsEntry>& all, std::string_view ep,
                               std::string_view method) {
  for (const auto& e : all) {
    if (e.endpoint == ep && e.method == method) return &e;
  }
  return nullptr;
}

TEST(EndpointStatsTest, CountsOutcomesPerEndpointAndMethodLabel) {
  FakeClock clock;
  EndpointStats stats(clock.Fn());
  stats.CountOutcome("/a", "GET", Outcome::kMatch);
  stats.CountOutcome("/a", "GET", Outcome::kMatch);
  stats.CountOutcome("/a", "GET", Outcome::kMismatch);
  stats.CountOutcome("/a", "GET", Outcome::kNotShadowed);
  stats.CountOutcome("/a", "POST", Outcome::kPrimaryError);
  stats.CountOutcome("/a", "BREW", Outcome::kMatch);  // non-standard: "other", as the metrics
  stats.CountOutcome("unmatched", "GET", Outcome::kNotShadowed);

  auto all = stats.Snapshot();
  ASSERT_EQ(all.size(), 4u);
  const EndpointStatsEntry* get = Find(all, "/a", "GET");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->requests, 4u);
  EXPECT_EQ(get->shadowed, 3u);  // not_shadowed is not
  EXPECT_EQ(get->count(Outcome::kMatch), 2u);
  EXPECT_EQ(get->count(Outcome::kMismatch), 1u);
  EXPECT_EQ(get->count(Outcome::kNotShadowed), 1u);
  EXPECT_EQ(&all[0], get) << "sorted by requests, descending";
  const EndpointStatsEntry* post = Find(all, "/a", "POST");
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(post->count(Outcome::kPrimaryError), 1u);
  EXPECT_EQ(post->shadowed, 0u);
  ASSERT_NE(Find(all, "/a", "other"), nullptr);
  EXPECT_EQ(Find(all, "/a", "BREW"), nullptr);
  ASSERT_NE(Find(all, "unmatched", "GET"), nullptr);
}

TEST(EndpointStatsTest, TrendKeepsTheLastThirtyMinutesOldestFirst) {
  FakeClock clock;
  EndpointStats stats(clock.Fn());
  const TimePoint start = std::chrono::floor<minutes>(clock.Now());
  stats.CountOutcome("/a", "GET", Outcome::kMatch);
  stats.CountOutcome("/a", "GET", Outcome::kMismatch);
  stats.CountOutcome("/a", "GET", Outcome::kNotShadowed);
  clock.Advance(minutes(2));
  stats.CountOutcome("/a", "GET", Outcome::kMatch);

  auto trend = stats.Snapshot()[0].trend;
  ASSERT_EQ(trend.size(), 2u);  // the empty minute in between is left out
  EXPECT_EQ(trend[0].start, start);
  EXPECT_EQ(trend[0].requests, 3u);
  EXPECT_EQ(trend[0].matches, 1u);
  EXPECT_EQ(trend[0].shadowed, 2u);
  EXPECT_EQ(trend[1].start, start + minutes(2));
  EXPECT_EQ(trend[1].requests, 1u);

  // 29 minutes after the first minute it is still in the window; at 30 it is gone.
  clock.Advance(minutes(27));
  EXPECT_EQ(stats.Snapshot()[0].trend.size(), 2u);
  clock.Advance(minutes(1));
  trend = stats.Snapshot()[0].trend;
  ASSERT_EQ(trend.size(), 1u);
  EXPECT_EQ(trend[0].start, start + minutes(2));

  // A bucket is reused for a later minute: the old counts do not leak into it.
  stats.CountOutcome("/a", "GET", Outcome::kMatch);  // minute 30 -> the slot of minute 0
  trend = stats.Snapshot()[0].trend;
  ASSERT_EQ(trend.size(), 2u);
  EXPECT_EQ(trend[1].start, start + minutes(30));
  EXPECT_EQ(trend[1].requests, 1u);
  EXPECT_EQ(trend[1].shadowed, 1u);
  // Totals are since start, not windowed.
  EXPECT_EQ(stats.Snapshot()[0].requests, 5u);
}

TEST(EndpointStatsTest, FieldsCountOncePerRequestAndOverflowAsOtherAtTheCap) {
  EndpointStats stats;
  // Two elements of one array differ: the field counts once for this request.
  stats.CountFields("/a", "GET", {D("$.items[0].price"), D("$.items[1].price")}, 2);
  stats.CountFields("/a", "GET", {D("$.items[3].price"), D("$.name", DiffKind::kMissing)}, 2);
  // The cap (2 per endpoint, across methods) is reached: new fields count as "other".
  stats.CountFields("/a", "POST", {D("$.late"), D("$.later")}, 2);
  stats.CountFields("/a", "POST", {D("$.name", DiffKind::kMissing)}, 2);  // admitted: by name

  auto all = stats.Snapshot();
  const EndpointStatsEntry* get = Find(all, "/a", "GET");
  ASSERT_NE(get, nullptr);
  ASSERT_EQ(get->fields.size(), 2u);
  EXPECT_EQ(get->fields[0].field, "$.items[*].price");
  EXPECT_EQ(get->fields[0].kind, DiffKind::kValue);
  EXPECT_EQ(get->fields[0].count, 2u);
  EXPECT_EQ(get->fields[1].field, "$.name");
  EXPECT_EQ(get->fields[1].kind, DiffKind::kMissing);
  EXPECT_EQ(get->fields[1].count, 1u);

  const EndpointStatsEntry* post = Find(all, "/a", "POST");
  ASSERT_NE(post, nullptr);
  ASSERT_EQ(post->fields.size(), 2u);
  EXPECT_EQ(post->fields[0].field, "$.name");  // ties: by field name ('$' < 'o')
  EXPECT_EQ(post->fields[0].count, 1u);
  EXPECT_EQ(post->fields[1].field, "other");
  EXPECT_EQ(post->fields[1].count, 1u) << "two overflowing fields in one request count once";
  // Fields alone do not count requests.
  EXPECT_EQ(post->requests, 0u);
}

TEST(EndpointStatsTest, OverlongFieldsCountAsOtherAndSnapshotCapsTheFieldList) {
  EndpointStats stats;
  stats.CountFields("/a", "GET", {D("$." + std::string(300, 'k'))}, 100);
  std::vector<Diff> many;
  for (int i = 0; i < 30; ++i) many.push_back(D("$.f" + std::to_string(i)));
  stats.CountFields("/a", "GET", many, 100);
  stats.CountFields("/a", "GET", {D("$.f7")}, 100);

  auto entry = stats.Snapshot(/*max_fields=*/5)[0];
  ASSERT_EQ(entry.fields.size(), 5u);
  EXPECT_EQ(entry.fields[0].field, "$.f7");
  EXPECT_EQ(entry.fields[0].count, 2u);
  bool other = false;
  const std::vector<EndpointStatsEntry> all = stats.Snapshot(100);
  for (const auto& f : all[0].fields) other = other || f.field == "other";
  EXPECT_TRUE(other);
}

TEST(EndpointStatsTest, ConcurrentCountersAddUp) {
  FakeClock clock;
  EndpointStats stats(clock.Fn());
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&stats, t] {
      const std::string endpoint = t % 2 == 0 ? "/even" : "/odd";
      for (int i = 0; i < kPerThread; ++i) {
        stats.CountOutcome(endpoint, "GET", i % 3 == 0 ? Outcome::kMatch : Outcome::kNotShadowed);
        if (i % 10 == 0) stats.CountFields(endpoint, "GET", {D("$.x")}, 10);
      }
    });
  }
  for (int i = 0; i < 100; ++i) (void)stats.Snapshot();  // readers race the writers
  for (auto& th : threads) th.join();
  auto all = stats.Snapshot();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& e : all) {
    EXPECT_EQ(e.requests, 2u * kPerThread) << e.endpoint;
    uint64_t trend_requests = 0;
    for (const auto& m : e.trend) trend_requests += m.requests;
    EXPECT_EQ(trend_requests, e.requests) << e.endpoint;
    ASSERT_EQ(e.fields.size(), 1u);
    EXPECT_EQ(e.fields[0].count, 2u * (kPerThread / 10));
  }
}

TEST(EndpointStatsTest, ShadowedOutcomes) {
  EXPECT_TRUE(IsShadowedOutcome(Outcome::kMatch));
  EXPECT_TRUE(IsShadowedOutcome(Outcome::kNoise));
  EXPECT_TRUE(IsShadowedOutcome(Outcome::kShadowTimeout));
  EXPECT_TRUE(IsShadowedOutcome(Outcome::kRollbackUnconfirmed));
  EXPECT_FALSE(IsShadowedOutcome(Outcome::kNotShadowed));
  EXPECT_FALSE(IsShadowedOutcome(Outcome::kPrimaryError));
}

}  // namespace
}  // namespace shadowdiff
