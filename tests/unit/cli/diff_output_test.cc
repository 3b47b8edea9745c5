#include "src/cli/diff_output.h"

#include <gtest/gtest.h>

#include <string>

namespace shadowdiff::cli {
namespace {

TEST(RenderComparisonTest, Equal) { EXPECT_EQ(RenderComparison(Comparison{}), "equal\n"); }

TEST(RenderComparisonTest, AlignedColumnsAbsentSidesAndSummary) {
  Comparison c;
  c.diffs = {
      Diff{"$.customer.email", DiffKind::kValue, "\"a@x.com\"", "\"b@x.com\""},
      Diff{"$.customer.phone", DiffKind::kMissing, "\"555\"", ""},
      Diff{"status", DiffKind::kValue, "200", "500"},
      Diff{"$.tags[3]", DiffKind::kExtra, "", "\"vip\""},
  };
  EXPECT_EQ(RenderComparison(c),
            "$.customer.email  value    \"a@x.com\" -> \"b@x.com\"\n"
            "$.customer.phone  missing  \"555\" -> (absent)\n"
            "status            value    200 -> 500\n"
            "$.tags[3]         extra    (absent) -> \"vip\"\n"
            "4 differences (1 missing, 1 extra, 2 value, 0 type)\n");
}

TEST(RenderComparisonTest, KindColumnIsAsWideAsTheWidestKindPresent) {
  Comparison c;
  c.diffs = {Diff{"$.a", DiffKind::kValue, "1", "2"}, Diff{"$.bb", DiffKind::kType, "1", "\"1\""}};
  EXPECT_EQ(RenderComparison(c),
            "$.a   value  1 -> 2\n"
            "$.bb  type   1 -> \"1\"\n"
            "2 differences (0 missing, 0 extra, 1 value, 1 type)\n");
}

TEST(RenderComparisonTest, LongValuesAreCutWithAnEllipsis) {
  Comparison c;
  c.diffs = {Diff{"body", DiffKind::kValue, "\"" + std::string(100, 'a') + "\"",
                  "\"\xC3\xA9\xC3\xA9\xC3\xA9\""}};
  DiffOutputOptions options;
  options.max_value_chars = 10;
  EXPECT_EQ(RenderComparison(c, options),
            "body  value  \"aaaaaaaaa… -> \"\xC3\xA9\xC3\xA9\xC3\xA9\"\n"
            "1 difference (0 missing, 0 extra, 1 value, 0 type)\n");
  options.max_value_chars = 3;  // counts characters, not bytes
  EXPECT_EQ(RenderComparison(c, options),
            "body  value  \"aa… -> \"\xC3\xA9\xC3\xA9…\n"
            "1 difference (0 missing, 0 extra, 1 value, 0 type)\n");
}

TEST(RenderComparisonTest, LongPathsDoNotWidenTheColumnBeyondTheCap) {
  Comparison c;
  std::string long_path = "$." + std::string(20, 'p');
  c.diffs = {Diff{long_path, DiffKind::kValue, "1", "2"}, Diff{"$.a", DiffKind::kValue, "1", "2"}};
  DiffOutputOptions options;
  options.max_path_column = 8;
  EXPECT_EQ(RenderComparison(c, options),
            long_path + "  value  1 -> 2\n" +
                "$.a       value  1 -> 2\n"
                "2 differences (0 missing, 0 extra, 2 value, 0 type)\n");
}

TEST(RenderComparisonTest, ProblemLineAndProblemOnlyComparison) {
  Comparison c;
  c.diffs = {Diff{"$", DiffKind::kType, "{\"a\":1}", "\"<invalid JSON>\""}};
  c.problem = BodyProblem::kInvalidJson;
  c.problem_side = "new";
  c.problem_detail = "new: invalid JSON at offset 0: invalid value";
  EXPECT_EQ(RenderComparison(c),
            "$  type  {\"a\":1} -> \"<invalid JSON>\"\n"
            "body problem: invalid_json: new: invalid JSON at offset 0: invalid value\n"
            "1 difference (0 missing, 0 extra, 0 value, 1 type), 1 body problem\n");

  Comparison only_problem;
  only_problem.problem = BodyProblem::kDecodeError;
  only_problem.problem_side = "old";
  EXPECT_EQ(RenderComparison(only_problem),
            "body problem: decode_error (old)\n"
            "0 differences (0 missing, 0 extra, 0 value, 0 type), 1 body problem\n");
}

TEST(RenderComparisonTest, TruncatedSaysSo) {
  Comparison c;
  c.diffs = {Diff{"$.a", DiffKind::kMissing, "1", ""}};
  c.truncated = true;
  EXPECT_EQ(RenderComparison(c),
            "$.a  missing  1 -> (absent)\n"
            "(more differences not shown: the max_diffs cap was reached)\n"
            "1 difference (1 missing, 0 extra, 0 value, 0 type)\n");
}

TEST(RenderComparisonTest, ControlCharactersCannotReachTheTerminal) {
  Comparison c;
  c.diffs = {Diff{"$['a\x1b[2Jb']", DiffKind::kValue,
                  "\"\xC2\x9B"
                  "31m\"",
                  "\"ok\""}};
  c.problem = BodyProblem::kInvalidJson;
  c.problem_detail = "new: bad\rline";
  EXPECT_EQ(RenderComparison(c),
            "$['a\\u001b[2Jb']  value  \"\\u009b31m\" -> \"ok\"\n"
            "body problem: invalid_json: new: bad\\u000dline\n"
            "1 difference (0 missing, 0 extra, 1 value, 0 type), 1 body problem\n");
}

}  // namespace
}  // namespace shadowdiff::cli
