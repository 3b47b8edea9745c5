#include "comparators/status/status_comparator.h"

#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

TEST(CompareStatusTest, EqualStatusesAddNothing) {
  Comparison c;
  CompareStatus(200, 200, &c);
  EXPECT_TRUE(c.equal());
}

TEST(CompareStatusTest, DifferentStatusesAreAValueDiffWithJsonNumbers) {
  Comparison c;
  CompareStatus(200, 500, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"status", DiffKind::kValue, "200", "500"}));
}

TEST(CompareStatusTest, AppendsAfterExistingDiffs) {
  Comparison c;
  c.diffs.push_back(Diff{"header:x", DiffKind::kExtra, "", "\"1\""});
  CompareStatus(404, 200, &c);
  ASSERT_EQ(c.diffs.size(), 2u);
  EXPECT_EQ(c.diffs[1].old_value, "404");
}

}  // namespace
}  // namespace shadowdiff
