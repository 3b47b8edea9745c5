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
