// JsonRuleSet: the parts of CompareRules that the JSON walk consults at every node, compiled
// once: ignore patterns and per-path array modes in one JsonPathSet, plus the scalar limits.
//
// Pattern ids [0, ignore_count) are rules.ignore, the rest rules.array_overrides in order
// (so "the first override that matches" is the lowest accepted id above ignore_count).
//
// Immutable after construction; safe to share between threads.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_RULE_SET_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_RULE_SET_H_

#include <cstddef>
#include <vector>

#include "comparators/compare_rules.h"
#include "comparators/json/json_path_set.h"

namespace shadowdiff {

class JsonRuleSet {
 public:
  using State = JsonPathSet::State;

  explicit JsonRuleSet(const CompareRules& rules);

  const JsonPathSet& paths() const { return paths_; }

  // True when the node whose state set is states[begin, end) is ignored (with its subtree).
  bool Ignored(const std::vector<State>& states, size_t begin, size_t end) const;
  // The array rule for the array whose state set is states[begin, end).
  const ArrayRule& ArrayRuleFor(const std::vector<State>& states, size_t begin, size_t end) const;

  double number_tolerance() const { return number_tolerance_; }
  size_t max_depth() const { return max_depth_; }
  size_t max_diffs() const { return max_diffs_; }

 private:
  static std::vector<JsonPath> AllPatterns(const CompareRules& rules);

  JsonPathSet paths_;
  size_t ignore_count_;
  std::vector<ArrayRule> overrides_;
  ArrayRule default_array_rule_;
  double number_tolerance_;
  size_t max_depth_;
  size_t max_diffs_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_RULE_SET_H_
