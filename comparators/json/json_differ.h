// JsonDiffer: the structural JSON comparator. Parses two bodies and reports where they
// differ as Diffs (path, kind, old, new), under an endpoint's CompareRules:
//
//   - objects compare as maps (member order ignored). A key repeated inside one object is
//     paired by occurrence: the k-th `"a"` in old with the k-th `"a"` in new; surplus
//     occurrences are missing / extra at the same path.
//   - numbers compare by value from their text, exactly (1 == 1.0 == 1e0, -0 == 0, integers
//     beyond 2^64 digit by digit), then within rules.number_tolerance if that is > 0.
//   - rules.ignore paths are skipped with their whole subtree, on both sides.
//   - arrays compare per rules.arrays / rules.array_overrides: ordered, unordered (multiset)
//     or by_key. Paths carry the OLD index for pairs and missing elements and the NEW index
//     for extra elements.
//   - values in Diffs are compact JSON; longer than kMaxDiffValueBytes they become a JSON
//     string summarising them.
//   - at most rules.max_diffs Diffs are reported (Comparison::truncated past it).
//
// Nothing recurses: parsing, the walk, hashing and rendering use explicit stacks, and
// nesting deeper than rules.max_depth is refused (BodyProblem::kTooDeep).
//
// Thread-safety: a JsonDiffer is immutable after construction and may be shared by any
// number of threads; each thread passes its own JsonScratch.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_DIFFER_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_DIFFER_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "comparators/compare_rules.h"
#include "comparators/json/json_scratch.h"
#include "src/core/diff.h"
#include "src/core/result.h"

namespace shadowdiff {

class JsonRuleSet;  // json_rule_set.h: the compiled ignore and array rules.

class JsonDiffer {
 public:
  // Compiles rules.ignore and the array rules once. `rules` need not outlive the differ.
  explicit JsonDiffer(const CompareRules& rules);
  ~JsonDiffer();
  JsonDiffer(const JsonDiffer&) = delete;
  JsonDiffer& operator=(const JsonDiffer&) = delete;

  // Parses both texts (exactly these bytes: a NUL inside is invalid JSON) and appends the
  // differences to out->diffs (out->truncated when rules.max_diffs was reached).
  //
  // If a side is not valid JSON: out->problem = BodyProblem::kInvalidJson, problem_side
  // "old" / "new" / "both", problem_detail e.g. "new: invalid JSON at offset 17: missing a
  // comma or `}` after an object member" (both: "old: ...; new: ..."), and, when only one
  // side is invalid, one Diff{"$", kType, <valid side's value>, "\"<invalid JSON>\""}.
  // Nesting beyond rules.max_depth likewise with BodyProblem::kTooDeep, detail "new: nesting
  // deeper than 128", and "\"<nesting too deep>\"" as the value (invalid wins over too deep
  // when the two sides have different problems).
  void Compare(std::string_view old_json, std::string_view new_json, JsonScratch& scratch,
               Comparison* out) const;

 private:
  std::unique_ptr<const JsonRuleSet> rules_;
};

// Validation only (the JSONTestSuite conformance test, the CLI): ok, or an Error
// "invalid JSON at offset N: reason" or "nesting deeper than N".
Status ValidateJson(std::string_view text, size_t max_depth, JsonScratch& scratch);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_DIFFER_H_
