#include "comparators/text/text_value.h"

#include <algorithm>

#include "src/core/diff.h"
#include "src/core/diff_json.h"

namespace shadowdiff {
namespace {

// Context shown before the first difference.
constexpr size_t kExcerptLead = 20;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Moves `i` back to the start of a UTF-8 sequence (at most 3 bytes), so excerpts do not
// begin or end inside a character.
size_t CharBoundary(std::string_view text, size_t i) {
  for (int k = 0; k < 3 && i > 0 && i < text.size() && IsContinuationByte(text[i]); ++k) --i;
  return i;
}

std::string Excerpt(std::string_view text, size_t at) {
  size_t begin = CharBoundary(text, at > kExcerptLead ? at - kExcerptLead : 0);
  size_t end = CharBoundary(text, std::min(text.size(), begin + kExcerptBytes));
  std::string out;
  if (begin > 0) out.append("…");
  out.append(text.substr(begin, end - begin));
  if (end < text.size()) out.append("…");
  return out;
}

}  // namespace

TextPosition FirstDifference(std::string_view a, std::string_view b) {
  TextPosition pos;
  size_t n = std::min(a.size(), b.size());
  while (pos.offset < n && a[pos.offset] == b[pos.offset]) {
    if (a[pos.offset] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
    ++pos.offset;
  }
  return pos;
}

std::string TextDiffValue(std::string_view text, const TextPosition& at) {
  std::string quoted = JsonString(text);
  if (quoted.size() <= kMaxDiffValueBytes) return quoted;
  std::string summary = "<" + std::to_string(text.size()) + " bytes; first difference at line " +
                        std::to_string(at.line) + ", column " + std::to_string(at.column) +
                        " (byte " + std::to_string(at.offset) + "): " + Excerpt(text, at.offset) +
                        ">";
  return JsonString(summary);
}

std::string TextDiffValue(std::string_view text) {
  std::string quoted = JsonString(text);
  if (quoted.size() <= kMaxDiffValueBytes) return quoted;
  return JsonString("<" + std::to_string(text.size()) + " bytes: " + Excerpt(text, 0) + ">");
}

}  // namespace shadowdiff
