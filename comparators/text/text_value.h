// Text as a Diff value: a JSON string of the text, or, when that would exceed
// kMaxDiffValueBytes, a JSON string summarising it (length, where it first differs from
// the other side, and an excerpt from there).
//
// Pure functions; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_TEXT_TEXT_VALUE_H_
#define SHADOWDIFF_COMPARATORS_TEXT_TEXT_VALUE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace shadowdiff {

// Where two texts first differ. Lines and columns are 1-based, columns count bytes.
struct TextPosition {
  size_t offset = 0;
  size_t line = 1;
  size_t column = 1;
};

// The position of the first byte where `a` and `b` differ (or where the shorter one ends).
TextPosition FirstDifference(std::string_view a, std::string_view b);

// `text` as a JSON string if it fits in kMaxDiffValueBytes, else a JSON string summary:
//   "<5000 bytes; first difference at line 3, column 7 (byte 88): …excerpt…>"
// where the excerpt is at most kExcerptBytes of `text` starting a little before `at`.
std::string TextDiffValue(std::string_view text, const TextPosition& at);

// Same, for a value with no counterpart to differ from (summary names only the length and
// shows the start).
std::string TextDiffValue(std::string_view text);

inline constexpr size_t kExcerptBytes = 120;

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_TEXT_TEXT_VALUE_H_
