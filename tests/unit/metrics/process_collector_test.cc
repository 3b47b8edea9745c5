// ProcessCollector's /proc parsing, on fixed texts (the live values are checked through
// Metrics::Serialize in metrics_test).
#include "src/metrics/process_collector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace shadowdiff {
namespace {

// A real line of /proc/<pid>/stat, with a command name made of spaces and parentheses.
constexpr std::string_view kStat =
    "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 25 0 0 20 0 9 0 777000 "
    "123456789 2500 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0\n";

TEST(ParseProcStatTest, CountsFieldsFromTheLastParenthesis) {
  std::optional<ProcStat> stat = ParseProcStat(kStat);
  ASSERT_TRUE(stat.has_value());
  EXPECT_EQ(stat->utime_ticks, 150u);
  EXPECT_EQ(stat->stime_ticks, 25u);
  EXPECT_EQ(stat->start_ticks_after_boot, 777000u);
  EXPECT_EQ(stat->virtual_bytes, 123456789u);
  EXPECT_EQ(stat->resident_pages, 2500u);
}

TEST(ParseProcStatTest, RefusesMalformedText) {
  EXPECT_FALSE(ParseProcStat("").has_value());
  EXPECT_FALSE(ParseProcStat("4242 (a").has_value());
  EXPECT_FALSE(ParseProcStat("4242 (a) S 1 2 3").has_value());  // too few fields
  std::string bad(kStat);
  bad.replace(bad.find(" 150 "), 5, " x50 ");
  EXPECT_FALSE(ParseProcStat(bad).has_value());
}

TEST(ParseBootTimeTest, ReadsTheBtimeLine) {
  EXPECT_EQ(ParseBootTime("cpu  1 2 3\nintr 5\nbtime 1700000000\nprocesses 9\n"), 1700000000u);
  EXPECT_FALSE(ParseBootTime("cpu  1 2 3\n").has_value());
  EXPECT_FALSE(ParseBootTime("btime soon\n").has_value());
}

TEST(ProcessCollectorTest, CollectsTheStandardProcessFamilies) {
  std::vector<prometheus::MetricFamily> families = ProcessCollector().Collect();
  std::vector<std::string> names;
  for (const auto& f : families) names.push_back(f.name);
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

}  // namespace
}  // namespace shadowdiff
