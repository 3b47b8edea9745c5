#include "comparators/text/form_comparator.h"

#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

TEST(CompareFormsTest, FieldOrderDoesNotMatter) {
  Comparison c;
  CompareForms("a=1&b=2", "b=2&a=1", 100, &c);
  EXPECT_TRUE(c.equal());
}

TEST(CompareFormsTest, EncodingDifferencesOfTheSameValueAreEqual) {
  Comparison c;
  CompareForms("name=Ada+Lovelace&e=a%40x.com", "name=Ada%20Lovelace&e=a@x.com", 100, &c);
  EXPECT_TRUE(c.equal());
}

TEST(CompareFormsTest, MissingExtraAndValueInOldOrderThenNew) {
  Comparison c;
  CompareForms("z=1&gone=x&a=2", "new1=n&a=3&z=1&new2=%22q%22", 100, &c);
  ASSERT_EQ(c.diffs.size(), 4u);
  EXPECT_EQ(c.diffs[0], (Diff{"form:gone", DiffKind::kMissing, "\"x\"", ""}));
  EXPECT_EQ(c.diffs[1], (Diff{"form:a", DiffKind::kValue, "\"2\"", "\"3\""}));
  EXPECT_EQ(c.diffs[2], (Diff{"form:new1", DiffKind::kExtra, "", "\"n\""}));
  EXPECT_EQ(c.diffs[3], (Diff{"form:new2", DiffKind::kExtra, "", R"("\"q\"")"}));
}

TEST(CompareFormsTest, RepeatedKeysCompareAsOrderedLists) {
  Comparison same;
  CompareForms("tag=a&x=1&tag=b", "tag=a&tag=b&x=1", 100, &same);
  EXPECT_TRUE(same.equal());

  Comparison c;
  CompareForms("tag=a&tag=b", "tag=b&tag=a", 100, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"form:tag", DiffKind::kValue, R"(["a","b"])", R"(["b","a"])"}));

  Comparison one_vs_two;
  CompareForms("tag=a", "tag=a&tag=a", 100, &one_vs_two);
  ASSERT_EQ(one_vs_two.diffs.size(), 1u);
  EXPECT_EQ(one_vs_two.diffs[0].old_value, R"(["a"])");
  EXPECT_EQ(one_vs_two.diffs[0].new_value, R"(["a","a"])");
}

TEST(CompareFormsTest, StopsAtMaxDiffsCountingExistingOnes) {
  Comparison c;
  c.diffs.push_back(Diff{"status", DiffKind::kValue, "200", "500"});
  CompareForms("a=1&b=1&c=1", "a=2&b=2&c=2", 2, &c);
  EXPECT_EQ(c.diffs.size(), 2u);
  EXPECT_EQ(c.diffs[1].path, "form:a");
  EXPECT_TRUE(c.truncated);
}

}  // namespace
}  // namespace shadowdiff
