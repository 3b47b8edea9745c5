// Test support for the JSON comparator tests: build CompareRules tersely and render a
// Comparison as lines "path kind old new" (absent values as `-`), the golden-file format.
#ifndef SHADOWDIFF_TESTS_UNIT_COMPARATORS_JSON_JSON_TEST_SUPPORT_H_
#define SHADOWDIFF_TESTS_UNIT_COMPARATORS_JSON_JSON_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "comparators/compare_rules.h"
#include "comparators/json/json_differ.h"
#include "comparators/json/json_path.h"

namespace shadowdiff::testing {

inline JsonPath PathOf(std::string_view text) {
  Result<JsonPath> path = JsonPath::Parse(text);
  EXPECT_TRUE(path.ok()) << text;
  return path.ok() ? *path : JsonPath();
}

inline std::string DiffLine(const Diff& d) {
  return d.path + " " + std::string(DiffKindName(d.kind)) + " " +
         (d.old_value.empty() ? "-" : d.old_value) + " " +
         (d.new_value.empty() ? "-" : d.new_value);
}

inline std::vector<std::string> DiffLines(const Comparison& c) {
  std::vector<std::string> lines;
  for (const Diff& d : c.diffs) lines.push_back(DiffLine(d));
  if (c.truncated) lines.push_back("truncated");
  if (c.problem != BodyProblem::kNone) {
    lines.push_back("problem " + std::string(BodyProblemName(c.problem)) + " " + c.problem_side);
  }
  return lines;
}

inline Comparison CompareJson(std::string_view old_json, std::string_view new_json,
                              const CompareRules& rules = CompareRules()) {
  const JsonDiffer differ(rules);
  JsonScratch scratch;
  Comparison out;
  differ.Compare(old_json, new_json, scratch, &out);
  return out;
}

inline std::vector<std::string> Lines(std::string_view old_json, std::string_view new_json,
                                      const CompareRules& rules = CompareRules()) {
  return DiffLines(CompareJson(old_json, new_json, rules));
}

using Lines_ = std::vector<std::string>;

}  // namespace shadowdiff::testing

#endif  // SHADOWDIFF_TESTS_UNIT_COMPARATORS_JSON_JSON_TEST_SUPPORT_H_
