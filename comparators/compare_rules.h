// CompareRules: everything that decides how two responses of one endpoint are compared,
// as resolved from endpoints.yaml (defaults, then each level of the endpoint tree).
// A plain value: the config loader fills it, comparators compile it once per load
// (ResponseComparator::Compile) and never re-read the YAML.
#ifndef SHADOWDIFF_COMPARATORS_COMPARE_RULES_H_
#define SHADOWDIFF_COMPARATORS_COMPARE_RULES_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "comparators/json/json_path.h"

namespace shadowdiff {

enum class ArrayMode {
  kOrdered,    // element i against element i
  kUnordered,  // as multisets: only counts of equal elements matter
  kByKey,      // elements paired by the value of member `key`; those lacking it by position
};

struct ArrayRule {
  ArrayMode mode = ArrayMode::kOrdered;
  std::string key;  // for kByKey

  bool operator==(const ArrayRule&) const = default;
};

struct CompareRules {
  bool status = true;
  // Response headers compared, lower-case names.
  std::vector<std::string> headers = {"content-type"};
  // Paths never compared (volatile fields). Children's lists add to their parents'.
  std::vector<JsonPath> ignore;
  // Mode for every array not named in array_overrides.
  ArrayRule arrays;
  // Per-path modes: the first pattern that matches an array's path wins.
  std::vector<std::pair<JsonPath, ArrayRule>> array_overrides;
  // Absolute tolerance for numbers; 0 compares exactly (1 == 1.0 either way).
  double number_tolerance = 0;
  // Nesting deeper than this is refused (BodyProblem::kTooDeep), never recursed into.
  size_t max_depth = 128;
  // At most this many diffs are kept per comparison (Comparison::truncated past it).
  size_t max_diffs = 1000;
  // Bodies larger than this (after decoding) are compared by length + hash.
  size_t max_body_bytes = 8 * 1024 * 1024;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_COMPARE_RULES_H_
