#include "comparators/json/json_rule_set.h"

namespace shadowdiff {

std::vector<JsonPath> JsonRuleSet::AllPatterns(const CompareRules& rules) {
  std::vector<JsonPath> all = rules.ignore;
  for (const auto& [path, rule] : rules.array_overrides) all.push_back(path);
  return all;
}

JsonRuleSet::JsonRuleSet(const CompareRules& rules)
    : paths_(AllPatterns(rules)),
      ignore_count_(rules.ignore.size()),
      default_array_rule_(rules.arrays),
      number_tolerance_(rules.number_tolerance),
      max_depth_(rules.max_depth),
      max_diffs_(rules.max_diffs) {
  for (const auto& [path, rule] : rules.array_overrides) overrides_.push_back(rule);
}

bool JsonRuleSet::Ignored(const std::vector<State>& states, size_t begin, size_t end) const {
  for (size_t i = begin; i < end; ++i) {
    if (paths_.AcceptedPattern(states[i]) < ignore_count_) return true;
  }
  return false;
}

const ArrayRule& JsonRuleSet::ArrayRuleFor(const std::vector<State>& states, size_t begin,
                                           size_t end) const {
  uint32_t best = JsonPathSet::kNoPattern;
  for (size_t i = begin; i < end; ++i) {
    const uint32_t k = paths_.AcceptedPattern(states[i]);
    if (k != JsonPathSet::kNoPattern && k >= ignore_count_ && k < best) best = k;
  }
  if (best == JsonPathSet::kNoPattern) return default_array_rule_;
  return overrides_[best - ignore_count_];
}

}  // namespace shadowdiff
