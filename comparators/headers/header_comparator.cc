#include "comparators/headers/header_comparator.h"

#include "comparators/text/text_value.h"

namespace shadowdiff {
namespace {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// How many field lines carry header `name`, counting to 2 at most; *first is the first
// one's value (when there is one).
int CountFieldLines(const HeaderList& headers, std::string_view name, const std::string** first) {
  int lines = 0;
  for (const auto& [n, v] : headers) {
    if (!EqualsIgnoreCase(n, name)) continue;
    if (++lines == 2) return 2;
    *first = &v;
  }
  return lines;
}

// True when the joined values of `name` are equal, decided without joining them: when each
// side has at most one field line (the usual case). False when that cannot be told so.
bool SingleValuesEqual(const HeaderList& old_headers, const HeaderList& new_headers,
                       std::string_view name) {
  const std::string* old_value = nullptr;
  const std::string* new_value = nullptr;
  const int old_lines = CountFieldLines(old_headers, name, &old_value);
  if (old_lines > 1) return false;
  const int new_lines = CountFieldLines(new_headers, name, &new_value);
  if (new_lines != old_lines) return false;
  return old_lines == 0 || *old_value == *new_value;
}

}  // namespace

std::optional<std::string> JoinedHeaderValue(const HeaderList& headers, std::string_view name) {
  std::optional<std::string> joined;
  for (const auto& [n, v] : headers) {
    if (!EqualsIgnoreCase(n, name)) continue;
    if (joined) {
      joined->append(", ");
      joined->append(v);
    } else {
      joined = v;
    }
  }
  return joined;
}

void CompareHeaders(const HeaderList& old_headers, const HeaderList& new_headers,
                    const std::vector<std::string>& names, Comparison* out) {
  for (const std::string& name : names) {
    if (SingleValuesEqual(old_headers, new_headers, name)) continue;
    std::optional<std::string> old_value = JoinedHeaderValue(old_headers, name);
    std::optional<std::string> new_value = JoinedHeaderValue(new_headers, name);
    if (old_value == new_value) continue;
    std::string path = "header:" + ToLower(name);
    if (!new_value) {
      out->diffs.push_back(Diff{path, DiffKind::kMissing, TextDiffValue(*old_value), ""});
    } else if (!old_value) {
      out->diffs.push_back(Diff{path, DiffKind::kExtra, "", TextDiffValue(*new_value)});
    } else {
      TextPosition at = FirstDifference(*old_value, *new_value);
      out->diffs.push_back(Diff{path, DiffKind::kValue, TextDiffValue(*old_value, at),
                                TextDiffValue(*new_value, at)});
    }
  }
}

}  // namespace shadowdiff
