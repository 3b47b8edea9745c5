#include "src/core/noise_filter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shadowdiff {
namespace {

Comparison Differs(std::vector<std::string> paths) {
  Comparison c;
  for (auto& p : paths) c.diffs.push_back(Diff{p, DiffKind::kValue, "1", "2"});
  return c;
}

TEST(NoiseModelTest, OneSightingMakesAFieldNoisyByDefault) {
  NoiseModel model;
  EXPECT_FALSE(model.IsNoisy("$.ts"));
  model.Observe(Differs({"$.ts"}));
  EXPECT_TRUE(model.IsNoisy("$.ts"));
  EXPECT_FALSE(model.IsNoisy("$.amount"));
  EXPECT_EQ(model.observed(), 1u);
}

TEST(NoiseModelTest, FieldsAreFoldedKeysCountedOncePerComparison) {
  NoiseModel model;
  model.Observe(Differs({"$.items[0].ts", "$.items[7].ts", "$.items[9].ts"}));
  model.Observe(Differs({"$.items[2].ts"}));
  EXPECT_TRUE(model.IsNoisy("$.items[*].ts"));
  std::vector<NoisyField> want = {{"$.items[*].ts", 2}};
  EXPECT_EQ(model.Snapshot(), want);
  // Any index of a noisy array field is noise.
  EXPECT_TRUE(model.AllNoisy(Differs({"$.items[41].ts"}).diffs));
}

TEST(NoiseModelTest, AllNoisyNeedsEveryDiffNoisyAndAtLeastOne) {
  NoiseModel model;
  model.Observe(Differs({"$.ts", "header:date"}));
  EXPECT_TRUE(model.AllNoisy(Differs({"$.ts"}).diffs));
  EXPECT_TRUE(model.AllNoisy(Differs({"header:date", "$.ts"}).diffs));
  EXPECT_FALSE(model.AllNoisy(Differs({"$.ts", "$.amount"}).diffs));
  EXPECT_FALSE(model.AllNoisy({}));
  // Exact field match: a noisy parent does not make its children noisy, nor the reverse.
  EXPECT_FALSE(model.AllNoisy(Differs({"$.ts.nanos"}).diffs));
}

TEST(NoiseModelTest, ThresholdDelaysNoise) {
  NoiseModel model(NoiseModel::Options{.max_fields = 10, .noisy_after = 3});
  model.Observe(Differs({"$.ts"}));
  model.Observe(Differs({"$.ts"}));
  EXPECT_FALSE(model.IsNoisy("$.ts"));
  model.Observe(Differs({"$.ts"}));
  EXPECT_TRUE(model.IsNoisy("$.ts"));
}

TEST(NoiseModelTest, ComparisonsWithABodyProblemAreNotLearned) {
  // Regression guard: one garbled secondary body must not make "$" noisy forever.
  NoiseModel model;
  Comparison broken = Differs({"$"});
  broken.problem = BodyProblem::kInvalidJson;
  broken.problem_side = "new";
  model.Observe(broken);
  EXPECT_FALSE(model.IsNoisy("$"));
  EXPECT_EQ(model.observed(), 0u);
}

TEST(NoiseModelTest, ComparisonsWithADifferentStatusAreNotLearned) {
  // Regression guard: a secondary's one 503 must not make every field of the body noisy.
  NoiseModel model;
  model.Observe(Differs({"status", "$.customer", "$.amount"}));
  EXPECT_FALSE(model.IsNoisy("$.amount"));
  EXPECT_FALSE(model.IsNoisy("status"));
  EXPECT_EQ(model.observed(), 0u);
}

TEST(NoiseModelTest, BoundedFieldCountRefusesNewFields) {
  NoiseModel model(NoiseModel::Options{.max_fields = 2, .noisy_after = 1});
  model.Observe(Differs({"$.a", "$.b", "$.c"}));
  EXPECT_EQ(model.field_count(), 2u);
  EXPECT_EQ(model.fields_refused(), 1u);
  EXPECT_TRUE(model.IsNoisy("$.a"));
  EXPECT_TRUE(model.IsNoisy("$.b"));
  EXPECT_FALSE(model.IsNoisy("$.c"));  // refused: stays a mismatch
  model.Observe(Differs({"$.a"}));     // known fields still count
  EXPECT_EQ(model.Snapshot().front(), (NoisyField{"$.a", 2}));
}

TEST(NoiseModelTest, SnapshotIsSortedByCountThenName) {
  NoiseModel model;
  model.Observe(Differs({"$.b", "$.a", "$.c"}));
  model.Observe(Differs({"$.c"}));
  std::vector<NoisyField> want = {{"$.c", 2}, {"$.a", 1}, {"$.b", 1}};
  EXPECT_EQ(model.Snapshot(), want);
}

}  // namespace
}  // namespace shadowdiff
