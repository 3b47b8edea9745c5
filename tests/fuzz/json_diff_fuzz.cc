// libFuzzer target for the JSON comparator: the input is split at the first 0x1E byte
// (ASCII record separator) into an old and a new body (no separator: the input against
// itself), and both are compared under several rule variants (ordered, unordered, by_key,
// ignore patterns, a small depth cap and diff cap). Any crash, sanitizer report, or a
// Comparison that breaks its contract (a Diff value that is not valid JSON) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "comparators/json/json_differ.h"

namespace shadowdiff {
namespace {

JsonPath PathOrDie(std::string_view text) {
  Result<JsonPath> path = JsonPath::Parse(text);
  if (!path.ok()) std::abort();
  return *path;
}

std::vector<CompareRules> RuleVariants() {
  std::vector<CompareRules> variants(4);
  variants[1].arrays.mode = ArrayMode::kUnordered;
  variants[1].ignore = {PathOrDie("$..id")};
  variants[2].arrays = ArrayRule{ArrayMode::kByKey, "id"};
  variants[2].ignore = {PathOrDie("$..updated_at"), PathOrDie("$.a[*].b")};
  variants[2].number_tolerance = 0.5;
  variants[3].array_overrides = {{PathOrDie("$..*"), ArrayRule{ArrayMode::kByKey, "k"}},
                                 {PathOrDie("$[0]"), ArrayRule{ArrayMode::kUnordered, ""}}};
  variants[3].max_depth = 8;
  variants[3].max_diffs = 3;
  return variants;
}

}  // namespace
}  // namespace shadowdiff

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shadowdiff;
  static const std::vector<CompareRules>* const kRules = new std::vector(RuleVariants());
  static std::vector<const JsonDiffer*>* const kDiffers = [] {
    auto* differs = new std::vector<const JsonDiffer*>();
    for (const CompareRules& rules : *kRules) differs->push_back(new JsonDiffer(rules));
    return differs;
  }();
  static JsonScratch* const scratch = new JsonScratch();

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find('\x1e');
  const std::string_view old_json = input.substr(0, split);
  const std::string_view new_json =
      split == std::string_view::npos ? input : input.substr(split + 1);
  for (const JsonDiffer* differ : *kDiffers) {
    Comparison out;
    differ->Compare(old_json, new_json, *scratch, &out);
    for (const Diff& diff : out.diffs) {
      if (!diff.old_value.empty() && !ValidateJson(diff.old_value, 1000, *scratch).ok())
        std::abort();
      if (!diff.new_value.empty() && !ValidateJson(diff.new_value, 1000, *scratch).ok())
        std::abort();
    }
  }
  return 0;
}
