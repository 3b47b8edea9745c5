#include "src/proxy/upstream_gauges.h"

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

namespace shadowdiff {
namespace {

using Row = std::tuple<std::string, uint64_t, uint64_t>;

std::vector<Row> ReadAll(UpstreamGauges& gauges) {
  std::vector<Row> rows;
  gauges.Read([&](std::string_view role, uint64_t idle, uint64_t active) {
    rows.emplace_back(std::string(role), idle, active);
  });
  return rows;
}

TEST(UpstreamGaugesTest, SumsLivePoolsByRoleAndForgetsReleasedOnes) {
  UpstreamGauges gauges;
  EXPECT_TRUE(ReadAll(gauges).empty());
  auto old_a = gauges.Register("old");
  auto new_a = gauges.Register("new");
  auto old_b = gauges.Register("old");  // the other I/O thread's pool
  old_a->idle = 2;
  old_a->active = 1;
  old_b->idle = 3;
  new_a->active = 4;
  EXPECT_EQ(ReadAll(gauges), (std::vector<Row>{{"old", 5, 1}, {"new", 0, 4}}));

  old_b.reset();  // a reload replaced that pool
  EXPECT_EQ(ReadAll(gauges), (std::vector<Row>{{"old", 2, 1}, {"new", 0, 4}}));
  old_a.reset();
  new_a.reset();
  // A role whose pools are all gone reads as zero, so its gauge does not keep a stale value.
  EXPECT_EQ(ReadAll(gauges), (std::vector<Row>{{"old", 0, 0}, {"new", 0, 0}}));
}

// Pools come and go with reloads; the registry holds the live ones, scraped or not.
TEST(UpstreamGaugesTest, ReleasedGaugesAreForgottenWithoutAScrape) {
  UpstreamGauges gauges;
  auto live = gauges.Register("old");
  for (int reload = 0; reload < 1000; ++reload) {
    auto replaced = gauges.Register("new");
    replaced->idle = 1;
  }  // each reload's pool is gone before the next registers
  EXPECT_EQ(live.use_count(), 2);
  EXPECT_EQ(gauges.size(), 2u);  // `live` and the last released one, forgotten at the next Read
  EXPECT_EQ(ReadAll(gauges), (std::vector<Row>{{"old", 0, 0}, {"new", 0, 0}}));
  EXPECT_EQ(gauges.size(), 1u);
}

}  // namespace
}  // namespace shadowdiff
