#include "comparators/json/json_differ.h"

#include <string>
#include <utility>

#include "comparators/json/json_render.h"
#include "comparators/json/json_rule_set.h"
#include "comparators/json/json_scratch_state.h"

namespace shadowdiff {
namespace {

// What a Diff shows for a side that could not be parsed.
std::string ProblemPlaceholder(const JsonParseOutcome& outcome) {
  return outcome.kind == JsonParseOutcome::Kind::kTooDeep ? "\"<nesting too deep>\""
                                                          : "\"<invalid JSON>\"";
}

BodyProblem ProblemOf(const JsonParseOutcome& outcome) {
  return outcome.kind == JsonParseOutcome::Kind::kTooDeep ? BodyProblem::kTooDeep
                                                          : BodyProblem::kInvalidJson;
}

void AddDiff(Diff diff, size_t max_diffs, Comparison* out) {
  if (out->diffs.size() >= max_diffs) {
    out->truncated = true;
    return;
  }
  out->diffs.push_back(std::move(diff));
}

}  // namespace

JsonDiffer::JsonDiffer(const CompareRules& rules) : rules_(std::make_unique<JsonRuleSet>(rules)) {}
JsonDiffer::~JsonDiffer() = default;

void JsonDiffer::Compare(std::string_view old_json, std::string_view new_json, JsonScratch& scratch,
                         Comparison* out) const {
  JsonScratchState& s = scratch.state();
  const size_t max_depth = rules_->max_depth();
  const JsonParseOutcome old_outcome = s.parser.Parse(old_json, max_depth, &s.old_doc);
  if (old_json == new_json && old_outcome.ok()) return;  // identical valid texts
  const JsonParseOutcome new_outcome =
      old_json == new_json ? old_outcome : s.parser.Parse(new_json, max_depth, &s.new_doc);
  if (old_outcome.ok() && new_outcome.ok()) {
    s.walk.Run(*rules_, s.old_doc, s.new_doc, out);
    return;
  }
  if (!old_outcome.ok() && !new_outcome.ok()) {
    const bool invalid = old_outcome.kind == JsonParseOutcome::Kind::kInvalid ||
                         new_outcome.kind == JsonParseOutcome::Kind::kInvalid;
    out->problem = invalid ? BodyProblem::kInvalidJson : BodyProblem::kTooDeep;
    out->problem_side = "both";
    out->problem_detail =
        "old: " + old_outcome.Describe(max_depth) + "; new: " + new_outcome.Describe(max_depth);
    return;
  }
  const bool old_bad = !old_outcome.ok();
  const JsonParseOutcome& bad = old_bad ? old_outcome : new_outcome;
  out->problem = ProblemOf(bad);
  out->problem_side = old_bad ? "old" : "new";
  out->problem_detail = out->problem_side + ": " + bad.Describe(max_depth);
  Diff diff;
  diff.path = "$";
  diff.kind = DiffKind::kType;
  const JsonDocument& valid = old_bad ? s.new_doc : s.old_doc;
  std::string rendered;
  RenderDiffValue(valid, valid.root(), &rendered);
  (old_bad ? diff.new_value : diff.old_value) = std::move(rendered);
  (old_bad ? diff.old_value : diff.new_value) = ProblemPlaceholder(bad);
  AddDiff(std::move(diff), rules_->max_diffs(), out);
}

Status ValidateJson(std::string_view text, size_t max_depth, JsonScratch& scratch) {
  JsonScratchState& s = scratch.state();
  const JsonParseOutcome outcome = s.parser.Parse(text, max_depth, &s.old_doc);
  if (outcome.ok()) return Status();
  return Error{outcome.Describe(max_depth)};
}

}  // namespace shadowdiff
