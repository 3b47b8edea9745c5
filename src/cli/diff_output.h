// Human-readable rendering of a Comparison, for `shadowdiff diff` (and anything else that
// prints diffs on a terminal). Deterministic: the same Comparison always renders the same
// string, so tests compare whole outputs.
//
// Format, one line per Diff, then at most one problem line, then a summary line:
//
//   $.customer.email  value    "a@x.com" -> "b@x.com"
//   $.customer.phone  missing  "555" -> (absent)
//   $.items[2]        extra    (absent) -> {"sku":"x"}
//   (more differences not shown: the max_diffs cap was reached)
//   body problem: invalid_json: new: invalid JSON at offset 17: ...
//   3 differences (1 missing, 1 extra, 1 value, 0 type), 1 body problem
//
// or just "equal". Columns are separated by two spaces; the path column is as wide as the
// longest path up to max_path_column (longer paths push their line's columns right), the
// kind column as wide as the longest kind present. Values are the Diffs' JSON text,
// "(absent)" for a side without one, and cut after max_value_chars characters with "…".
// Control characters (C0, DEL, C1) in paths, values and details print as \u00XX, so a hostile
// body cannot drive the terminal. Every line ends with "\n".
//
// Pure function; thread-safe.
#ifndef SHADOWDIFF_CLI_DIFF_OUTPUT_H_
#define SHADOWDIFF_CLI_DIFF_OUTPUT_H_

#include <cstddef>
#include <string>

#include "src/core/diff.h"

namespace shadowdiff::cli {

struct DiffOutputOptions {
  size_t max_value_chars = 80;  // Unicode characters per value before the ellipsis
  size_t max_path_column = 48;  // widest the path column is padded to
};

std::string RenderComparison(const Comparison& comparison, const DiffOutputOptions& options = {});

}  // namespace shadowdiff::cli

#endif  // SHADOWDIFF_CLI_DIFF_OUTPUT_H_
