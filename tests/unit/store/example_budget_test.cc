#include "src/store/example_budget.h"

#include <gtest/gtest.h>

#include "tests/unit/store/store_test_util.h"

namespace shadowdiff {
namespace {

using testing::Hour;
using testing::MakeRecord;

ExampleBudget::Options Opts(uint32_t per_field, uint32_t per_endpoint, size_t max_keys = 10000) {
  ExampleBudget::Options o;
  o.per_field = per_field;
  o.per_endpoint = per_endpoint;
  o.max_keys = max_keys;
  return o;
}

TEST(ExampleBudgetTest, CapsEachFieldPerWindow) {
  ExampleBudget budget(Opts(2, 0));
  EXPECT_TRUE(budget.Admit(*MakeRecord(1, "/a", {"$.x"})));
  EXPECT_TRUE(budget.Admit(*MakeRecord(2, "/a", {"$.x"})));
  EXPECT_FALSE(budget.Admit(*MakeRecord(3, "/a", {"$.x"})));
  // Another field, endpoint or method has its own budget.
  EXPECT_TRUE(budget.Admit(*MakeRecord(4, "/a", {"$.y"})));
  EXPECT_TRUE(budget.Admit(*MakeRecord(5, "/b", {"$.x"})));
  EXPECT_EQ(budget.refused(), 1u);
}

TEST(ExampleBudgetTest, ANewFieldGetsThroughAFlood) {
  ExampleBudget budget(Opts(2, 0));
  for (int i = 0; i < 10; ++i) budget.Admit(*MakeRecord(i, "/a", {"$.x"}));
  // $.x is spent, $.y is new: admitted, and charges both.
  EXPECT_TRUE(budget.Admit(*MakeRecord(20, "/a", {"$.x", "$.y"})));
  EXPECT_TRUE(budget.Admit(*MakeRecord(21, "/a", {"$.y"})));
  EXPECT_FALSE(budget.Admit(*MakeRecord(22, "/a", {"$.y"})));
}

TEST(ExampleBudgetTest, CapsEachEndpoint) {
  ExampleBudget budget(Opts(0, 3));
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(budget.Admit(*MakeRecord(i, "/a", {"$.f" + std::to_string(i)})));
  EXPECT_FALSE(budget.Admit(*MakeRecord(9, "/a", {"$.new"})));
  EXPECT_TRUE(budget.Admit(*MakeRecord(9, "/b", {"$.new"})));
}

TEST(ExampleBudgetTest, ErrorsWithoutDiffsAreBudgetedByOutcome) {
  ExampleBudget budget(Opts(1, 0));
  EXPECT_TRUE(budget.Admit(*MakeRecord(1, "/a", {}, Hour(0), 40, Outcome::kShadowTimeout)));
  EXPECT_FALSE(budget.Admit(*MakeRecord(2, "/a", {}, Hour(0), 40, Outcome::kShadowTimeout)));
  EXPECT_TRUE(budget.Admit(*MakeRecord(3, "/a", {}, Hour(0), 40, Outcome::kShadowError)));
}

TEST(ExampleBudgetTest, ANewWindowStartsOver) {
  ExampleBudget budget(Opts(1, 0));
  EXPECT_TRUE(budget.Admit(*MakeRecord(1, "/a", {"$.x"}, Hour(0))));
  EXPECT_FALSE(budget.Admit(*MakeRecord(2, "/a", {"$.x"}, Hour(0))));
  EXPECT_TRUE(budget.Admit(*MakeRecord(3, "/a", {"$.x"}, Hour(1))));
  // A record from an earlier hour (clock stepped back) is charged to the current one.
  EXPECT_FALSE(budget.Admit(*MakeRecord(4, "/a", {"$.x"}, Hour(0))));
}

TEST(ExampleBudgetTest, KeyCapBoundsMemory) {
  ExampleBudget budget(Opts(5, 0, 2));
  EXPECT_TRUE(budget.Admit(*MakeRecord(1, "/a", {"$.f1"})));
  EXPECT_TRUE(budget.Admit(*MakeRecord(2, "/a", {"$.f2"})));
  EXPECT_FALSE(budget.Admit(*MakeRecord(3, "/a", {"$.f3"})));  // no room for a counter
  EXPECT_TRUE(budget.Admit(*MakeRecord(4, "/a", {"$.f1"})));   // known fields still count
}

TEST(ExampleBudgetTest, ZeroMeansUnlimited) {
  ExampleBudget budget(Opts(0, 0));
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(budget.Admit(*MakeRecord(i)));
}

}  // namespace
}  // namespace shadowdiff
