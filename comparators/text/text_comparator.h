// Text comparator: two non-JSON, non-form text bodies compared byte for byte. Not a line
// diff: the result is one Diff at path "body" whose values show where the texts first
// differ (see text_value.h for how long texts are summarised).
//
// Pure function; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_TEXT_TEXT_COMPARATOR_H_
#define SHADOWDIFF_COMPARATORS_TEXT_TEXT_COMPARATOR_H_

#include <string_view>

#include "src/core/diff.h"

namespace shadowdiff {

// Appends Diff{"body", kValue, old, new} to out->diffs when the texts differ.
void CompareText(std::string_view old_text, std::string_view new_text, Comparison* out);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_TEXT_TEXT_COMPARATOR_H_
