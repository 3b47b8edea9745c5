// Diff and Comparison: what a comparator says about two responses. Values that metrics,
// stores, the UI, replay reports and the CLI all read; nobody re-derives them.
//
// Paths name where a difference is:
//   JSON body    "$.customer.addresses[3].zip", "$['odd key'].x" (JSONPath, normalised)
//   status       "status"
//   headers      "header:content-type" (lower-case name)
//   whole body   "body" (text, binary, form bodies use "body" / "form:<key>")
// FieldKey() folds array indices ("$.a[3].b" -> "$.a[*].b") for metric labels.
#ifndef SHADOWDIFF_CORE_DIFF_H_
#define SHADOWDIFF_CORE_DIFF_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shadowdiff {

enum class DiffKind {
  kMissing,  // present in old, missing in new
  kExtra,    // absent in old, extra in new
  kValue,    // same type, different value
  kType,     // different JSON types (or one side not JSON at all)
};

// "missing", "extra", "value", "type": the names used in metrics and records.
std::string_view DiffKindName(DiffKind kind);

struct Diff {
  std::string path;
  DiffKind kind = DiffKind::kValue;
  // Compact JSON text of each side's value; empty when that side has no value (missing /
  // extra). Always valid JSON when non-empty: a value too large to keep is replaced by a
  // JSON string summarising it (see kMaxDiffValueBytes).
  std::string old_value;
  std::string new_value;

  bool operator==(const Diff&) const = default;
};

// Largest rendered value kept in a Diff before it is summarised.
inline constexpr size_t kMaxDiffValueBytes = 1024;

// Why a body could not be compared structurally. The names are stable (records, reports).
enum class BodyProblem {
  kNone,
  kInvalidJson,  // a side claimed (or was asked to be) JSON and did not parse; see detail
  kTooDeep,      // nesting beyond the configured depth cap
  kTooLarge,     // a body was truncated at the buffering cap: compared by length + hash
  kDecodeError,  // Content-Encoding could not be decoded
};
std::string_view BodyProblemName(BodyProblem problem);  // "invalid_json", "too_deep", ...

// The result of comparing two responses (or two bodies).
struct Comparison {
  std::vector<Diff> diffs;
  // True when more differences existed than the configured cap; `diffs` holds the first.
  bool truncated = false;
  BodyProblem problem = BodyProblem::kNone;
  // Which side(s) the problem is about: "old", "new" or "both"; empty when no problem.
  std::string problem_side;
  // Human-readable detail, e.g. "new: invalid JSON at offset 17: missing a comma".
  std::string problem_detail;

  bool equal() const { return diffs.empty() && problem == BodyProblem::kNone; }
};

// Path building, so every comparator spells paths the same way.
// AppendKey: ".name" for identifier-like keys ([A-Za-z_][A-Za-z0-9_]*), else "['k']" with
// ' and \ escaped by a backslash.
void AppendKey(std::string* path, std::string_view key);
void AppendIndex(std::string* path, size_t index);

// Folds every "[<digits>]" into "[*]"; leaves bracketed keys alone.
std::string FieldKey(std::string_view path);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_DIFF_H_
