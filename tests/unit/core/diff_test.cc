#include "src/core/diff.h"

#include <gtest/gtest.h>

#include "src/core/exchange.h"
#include "src/core/outcome.h"

namespace shadowdiff {
namespace {

TEST(FieldKeyTest, FoldsIndicesButNotBracketedKeys) {
  EXPECT_EQ(FieldKey("$.customer.addresses[3].zip"), "$.customer.addresses[*].zip");
  EXPECT_EQ(FieldKey("$[0][12]"), "$[*][*]");
  EXPECT_EQ(FieldKey("$['a[1]'].b[2]"), "$['a[1]'].b[*]");
  EXPECT_EQ(FieldKey("$['it\\'s[3]']"), "$['it\\'s[3]']");
  EXPECT_EQ(FieldKey("status"), "status");
  EXPECT_EQ(FieldKey("$.a[]"), "$.a[]");
}

TEST(PathTest, KeysAndIndices) {
  std::string path = "$";
  AppendKey(&path, "customer");
  AppendIndex(&path, 3);
  AppendKey(&path, "zip code");
  AppendKey(&path, "it's");
  AppendKey(&path, "9lives");
  EXPECT_EQ(path, "$.customer[3]['zip code']['it\\'s']['9lives']");
}

TEST(ExchangeTest, FindHeaderIgnoresCase) {
  HeaderList headers = {{"Content-Type", "application/json"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(FindHeader(headers, "content-type"), "application/json");
  EXPECT_EQ(FindHeader(headers, "X-A"), "1");
  EXPECT_FALSE(FindHeader(headers, "missing").has_value());
}

TEST(OutcomeTest, NamesRoundTrip) {
  for (Outcome o : kAllOutcomes) EXPECT_EQ(ParseOutcome(OutcomeName(o)), o);
  EXPECT_FALSE(ParseOutcome("bogus").has_value());
}

TEST(ComparisonTest, EqualMeansNoDiffsAndNoProblem) {
  Comparison c;
  EXPECT_TRUE(c.equal());
  c.problem = BodyProblem::kTooLarge;
  EXPECT_FALSE(c.equal());
  EXPECT_EQ(BodyProblemName(c.problem), "too_large");
}

}  // namespace
}  // namespace shadowdiff
