#include "src/cli/diff_output.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace shadowdiff::cli {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kEllipsis = "…";
constexpr std::string_view kAbsent = "(absent)";

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// `text` with control characters escaped, and cut after `max_chars` characters (then "…").
std::string Printable(std::string_view text, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (!IsContinuation(c)) {
      if (chars == max_chars) {
        out.append(kEllipsis);
        return out;
      }
      ++chars;
    }
    unsigned code = 0x100;  // not a control character
    if (c < 0x20 || c == 0x7F) {
      code = c;
    } else if (c == 0xC2 && i + 1 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      code = static_cast<unsigned char>(text[++i]);  // C1 control, U+0080..U+009F
    }
    if (code != 0x100) {
      out.append("\\u00");
      out.push_back(kHex[code >> 4]);
      out.push_back(kHex[code & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

size_t DisplayWidth(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return !IsContinuation(static_cast<unsigned char>(c));
  }));
}

void AppendPadded(std::string* out, std::string_view text, size_t width) {
  out->append(text);
  size_t shown = DisplayWidth(text);
  if (shown < width) out->append(width - shown, ' ');
}

}  // namespace

std::string RenderComparison(const Comparison& comparison, const DiffOutputOptions& options) {
  if (comparison.equal()) return "equal\n";

  constexpr size_t kNoLimit = static_cast<size_t>(-1);
  std::vector<std::string> paths;
  paths.reserve(comparison.diffs.size());
  size_t path_width = 0;
  size_t kind_width = 0;
  std::array<size_t, 4> counts{};  // by DiffKind
  for (const Diff& diff : comparison.diffs) {
    paths.push_back(Printable(diff.path, kNoLimit));
    path_width =
        std::max(path_width, std::min(DisplayWidth(paths.back()), options.max_path_column));
    kind_width = std::max(kind_width, DiffKindName(diff.kind).size());
    ++counts[static_cast<size_t>(diff.kind)];
  }

  std::string out;
  for (size_t i = 0; i < comparison.diffs.size(); ++i) {
    const Diff& diff = comparison.diffs[i];
    AppendPadded(&out, paths[i], path_width);
    out.append("  ");
    AppendPadded(&out, DiffKindName(diff.kind), kind_width);
    out.append("  ");
    out.append(diff.old_value.empty() ? std::string(kAbsent)
                                      : Printable(diff.old_value, options.max_value_chars));
    out.append(" -> ");
    out.append(diff.new_value.empty() ? std::string(kAbsent)
                                      : Printable(diff.new_value, options.max_value_chars));
    out.push_back('\n');
  }
  if (comparison.truncated) {
    out.append("(more differences not shown: the max_diffs cap was reached)\n");
  }
  if (comparison.problem != BodyProblem::kNone) {
    out.append("body problem: ");
    out.append(BodyProblemName(comparison.problem));
    if (!comparison.problem_detail.empty()) {
      out.append(": ");
      out.append(Printable(comparison.problem_detail, kNoLimit));
    } else if (!comparison.problem_side.empty()) {
      out.append(" (" + Printable(comparison.problem_side, kNoLimit) + ")");
    }
    out.push_back('\n');
  }

  size_t total = comparison.diffs.size();
  out.append(std::to_string(total));
  out.append(total == 1 ? " difference (" : " differences (");
  for (DiffKind kind : {DiffKind::kMissing, DiffKind::kExtra, DiffKind::kValue, DiffKind::kType}) {
    if (kind != DiffKind::kMissing) out.append(", ");
    out.append(std::to_string(counts[static_cast<size_t>(kind)]));
    out.push_back(' ');
    out.append(DiffKindName(kind));
  }
  out.push_back(')');
  if (comparison.problem != BodyProblem::kNone) out.append(", 1 body problem");
  out.push_back('\n');
  return out;
}

}  // namespace shadowdiff::cli
