#include "src/core/outcome_classifier.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace shadowdiff {
namespace {

constexpr UpstreamCall kOk200{TransportResult::kOk, 200};
constexpr UpstreamCall kOk500{TransportResult::kOk, 500};
constexpr UpstreamCall kConnect{TransportResult::kConnectError, 0};
constexpr UpstreamCall kTimeout{TransportResult::kTimeout, 0};
constexpr UpstreamCall kReset{TransportResult::kReset, 0};
constexpr UpstreamCall kGarbage{TransportResult::kProtocolError, 0};

Diff ValueDiff(std::string path) { return Diff{std::move(path), DiffKind::kValue, "1", "2"}; }

Comparison Equal() { return Comparison{}; }
Comparison Differs(std::vector<std::string> paths) {
  Comparison c;
  for (auto& p : paths) c.diffs.push_back(ValueDiff(p));
  return c;
}
Comparison Problem(BodyProblem problem, std::string side) {
  Comparison c;
  c.problem = problem;
  c.problem_side = std::move(side);
  c.diffs.push_back(Diff{"$", DiffKind::kType, "{}", "\"<invalid JSON>\""});
  return c;
}

// A noise model that learned `$.ts` and `header:date`.
NoiseModel LearnedNoise() {
  NoiseModel model;
  model.Observe(Differs({"$.ts", "header:date"}));
  return model;
}

struct Case {
  const char* name;
  OutcomeFacts facts;
  Comparison comparison;
  bool use_noise = false;
  Outcome want;
  size_t want_counted = 0;
};

OutcomeFacts Shadowed(UpstreamCall primary, UpstreamCall shadow) {
  OutcomeFacts f;
  f.primary_call = primary;
  f.shadow_call = shadow;
  return f;
}
OutcomeFacts Rollback(UpstreamCall primary, std::optional<UpstreamCall> shadow, bool confirmed) {
  OutcomeFacts f;
  f.primary_call = primary;
  f.shadow_call = shadow;
  f.shadow_mode = ShadowMode::kRollback;
  f.rollback_confirmed = confirmed;
  return f;
}
OutcomeFacts Skipped(ShadowSkip skip, UpstreamCall primary = kOk200) {
  OutcomeFacts f;
  f.primary_call = primary;
  f.skipped = skip;
  return f;
}
OutcomeFacts NewIsPrimary(OutcomeFacts f) {
  f.primary = Side::kNew;
  return f;
}
OutcomeFacts Dropped(OutcomeFacts f, ShadowSkip skip) {
  f.skipped = skip;
  return f;
}

TEST(OutcomeClassifierTest, Table) {
  const std::vector<Case> cases = {
      {"equal responses", Shadowed(kOk200, kOk200), Equal(), false, Outcome::kMatch},
      {"one diff", Shadowed(kOk200, kOk200), Differs({"$.a"}), false, Outcome::kMismatch, 1},
      {"three diffs all count", Shadowed(kOk200, kOk200), Differs({"$.a", "$.b[0]", "$.b[1]"}),
       false, Outcome::kMismatch, 3},
      {"only noisy fields", Shadowed(kOk200, kOk200), Differs({"$.ts", "header:date"}), true,
       Outcome::kNoise},
      {"noisy and real fields: mismatch counting the real one", Shadowed(kOk200, kOk200),
       Differs({"$.ts", "$.amount"}), true, Outcome::kMismatch, 1},
      {"noisy fields without a model are mismatches", Shadowed(kOk200, kOk200), Differs({"$.ts"}),
       false, Outcome::kMismatch, 1},
      // Not shadowed, for every reason.
      {"off", Skipped(ShadowSkip::kOff), Equal(), false, Outcome::kNotShadowed},
      {"unmatched", Skipped(ShadowSkip::kUnmatched), Equal(), false, Outcome::kNotShadowed},
      {"sampled out", Skipped(ShadowSkip::kSampledOut), Equal(), false, Outcome::kNotShadowed},
      {"tripped", Skipped(ShadowSkip::kTripped), Equal(), false, Outcome::kNotShadowed},
      {"circuit open", Skipped(ShadowSkip::kCircuitOpen), Equal(), false, Outcome::kNotShadowed},
      {"queue full after the shadow answered",
       Dropped(Shadowed(kOk200, kOk200), ShadowSkip::kQueueFull), Differs({"$.a"}), false,
       Outcome::kNotShadowed},
      // Primary failures.
      {"primary connect error", Shadowed(kConnect, kOk200), Equal(), false, Outcome::kPrimaryError},
      {"primary timeout", Shadowed(kTimeout, kOk200), Equal(), false, Outcome::kPrimaryError},
      {"primary reset, not shadowed", Skipped(ShadowSkip::kSampledOut, kReset), Equal(), false,
       Outcome::kPrimaryError},
      {"primary 5xx is an answer: compared", Shadowed(kOk500, kOk500), Equal(), false,
       Outcome::kMatch},
      {"primary 5xx, shadow 200: a real difference", Shadowed(kOk500, kOk200), Differs({"status"}),
       false, Outcome::kMismatch, 1},
      // Shadow failures.
      {"shadow timeout", Shadowed(kOk200, kTimeout), Equal(), false, Outcome::kShadowTimeout},
      {"shadow connect error", Shadowed(kOk200, kConnect), Equal(), false, Outcome::kShadowError},
      {"shadow reset", Shadowed(kOk200, kReset), Equal(), false, Outcome::kShadowError},
      {"shadow garbage", Shadowed(kOk200, kGarbage), Equal(), false, Outcome::kShadowError},
      {"shadow 5xx, primary 200", Shadowed(kOk200, kOk500), Differs({"status"}), false,
       Outcome::kShadowError},
      {"shadow (new) invalid JSON", Shadowed(kOk200, kOk200),
       Problem(BodyProblem::kInvalidJson, "new"), false, Outcome::kShadowError},
      {"shadow (new) undecodable body", Shadowed(kOk200, kOk200),
       Problem(BodyProblem::kDecodeError, "new"), false, Outcome::kShadowError},
      {"primary (old) invalid JSON is a mismatch", Shadowed(kOk200, kOk200),
       Problem(BodyProblem::kInvalidJson, "old"), false, Outcome::kMismatch, 1},
      {"after cutover the shadow is old: old invalid JSON is shadow_error",
       NewIsPrimary(Shadowed(kOk200, kOk200)), Problem(BodyProblem::kInvalidJson, "old"), false,
       Outcome::kShadowError},
      {"after cutover, new invalid JSON is the primary's: mismatch",
       NewIsPrimary(Shadowed(kOk200, kOk200)), Problem(BodyProblem::kInvalidJson, "new"), false,
       Outcome::kMismatch, 1},
      {"too large on the shadow side is compared, not an error", Shadowed(kOk200, kOk200),
       Problem(BodyProblem::kTooLarge, "new"), false, Outcome::kMismatch, 1},
      // Rollback mode.
      {"rollback confirmed and equal", Rollback(kOk200, kOk200, true), Equal(), false,
       Outcome::kMatch},
      {"rollback confirmed, different", Rollback(kOk200, kOk200, true), Differs({"$.id"}), false,
       Outcome::kMismatch, 1},
      {"rollback unconfirmed", Rollback(kOk200, kOk200, false), Equal(), false,
       Outcome::kRollbackUnconfirmed},
      {"rollback unconfirmed beats a primary error", Rollback(kTimeout, kOk200, false), Equal(),
       false, Outcome::kRollbackUnconfirmed},
      {"rollback unconfirmed beats a shadow timeout", Rollback(kOk200, kTimeout, false), Equal(),
       false, Outcome::kRollbackUnconfirmed},
      {"rollback unconfirmed beats a shadow 5xx", Rollback(kOk200, kOk500, false), Equal(), false,
       Outcome::kRollbackUnconfirmed},
      {"rollback unconfirmed beats a queue_full drop",
       Dropped(Rollback(kOk200, kOk200, false), ShadowSkip::kQueueFull), Equal(), false,
       Outcome::kRollbackUnconfirmed},
      {"rollback shadow never connected: nothing was sent", Rollback(kOk200, kConnect, false),
       Equal(), false, Outcome::kShadowError},
      {"rollback endpoint not shadowed (tripped)",
       Dropped(Rollback(kOk200, std::nullopt, false), ShadowSkip::kTripped), Equal(), false,
       Outcome::kNotShadowed},
  };
  NoiseModel noise = LearnedNoise();
  std::set<Outcome> covered;
  for (const Case& c : cases) {
    covered.insert(c.want);
    SCOPED_TRACE(c.name);
    OutcomeFacts facts = c.facts;
    facts.comparison = &c.comparison;
    if (c.use_noise) facts.noise = &noise;
    Classification got = ClassifyOutcome(facts);
    EXPECT_EQ(OutcomeName(got.outcome), OutcomeName(c.want));
    EXPECT_EQ(got.counted.size(), c.want_counted);
  }
  // The table covers every outcome (and keeps doing so when one is added).
  for (Outcome o : kAllOutcomes) EXPECT_TRUE(covered.count(o)) << OutcomeName(o);
}

TEST(OutcomeClassifierTest, CountedDiffsPointIntoTheComparisonAndSkipNoisyFields) {
  NoiseModel noise = LearnedNoise();
  Comparison c = Differs({"$.ts", "$.amount", "$.items[3].price"});
  OutcomeFacts facts = Shadowed(kOk200, kOk200);
  facts.comparison = &c;
  facts.noise = &noise;
  Classification got = ClassifyOutcome(facts);
  ASSERT_EQ(got.outcome, Outcome::kMismatch);
  ASSERT_EQ(got.counted.size(), 2u);
  EXPECT_EQ(got.counted[0], &c.diffs[1]);
  EXPECT_EQ(got.counted[1], &c.diffs[2]);
}

TEST(OutcomeClassifierTest, ShadowAnsweredButNoComparisonIsNotShadowed) {
  OutcomeFacts facts = Shadowed(kOk200, kOk200);
  EXPECT_EQ(ClassifyOutcome(facts).outcome, Outcome::kNotShadowed);
}

TEST(OutcomeClassifierTest, RollbackUnconfirmedRule) {
  EXPECT_TRUE(IsRollbackUnconfirmed(ShadowMode::kRollback, kOk200, false));
  EXPECT_TRUE(IsRollbackUnconfirmed(ShadowMode::kRollback, kReset, false));
  EXPECT_FALSE(IsRollbackUnconfirmed(ShadowMode::kRollback, kOk200, true));
  EXPECT_FALSE(IsRollbackUnconfirmed(ShadowMode::kRollback, kConnect, false));
  EXPECT_FALSE(IsRollbackUnconfirmed(ShadowMode::kRollback, std::nullopt, false));
  EXPECT_FALSE(IsRollbackUnconfirmed(ShadowMode::kCompare, kOk200, false));
}

TEST(OutcomeClassifierTest, SkipNamesAndDrops) {
  EXPECT_EQ(ShadowSkipName(ShadowSkip::kQueueFull), "queue_full");
  EXPECT_EQ(ShadowSkipName(ShadowSkip::kSampledOut), "sampled_out");
  EXPECT_EQ(ShadowSkipName(ShadowSkip::kCircuitOpen), "circuit_open");
  EXPECT_FALSE(IsDrop(ShadowSkip::kOff));
  EXPECT_FALSE(IsDrop(ShadowSkip::kUnmatched));
  EXPECT_TRUE(IsDrop(ShadowSkip::kTripped));
  EXPECT_TRUE(IsDrop(ShadowSkip::kQueueFull));
  EXPECT_EQ(TransportResultName(TransportResult::kProtocolError), "protocol_error");
}

}  // namespace
}  // namespace shadowdiff
