#include "comparators/text/text_comparator.h"

#include "comparators/text/text_value.h"

namespace shadowdiff {

void CompareText(std::string_view old_text, std::string_view new_text, Comparison* out) {
  if (old_text == new_text) return;
  TextPosition at = FirstDifference(old_text, new_text);
  out->diffs.push_back(
      Diff{"body", DiffKind::kValue, TextDiffValue(old_text, at), TextDiffValue(new_text, at)});
}

}  // namespace shadowdiff
