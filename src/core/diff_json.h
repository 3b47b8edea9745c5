// diff_json: the one JSON shape of a Diff and a Comparison, written with RapidJSON's Writer so
// that stores, reports, `shadowdiff diff --json` and the admin API all spell them alike.
//
//   Diff        {"path":"$.a.b","kind":"value","old":1,"new":2}
//               "old"/"new" are the Diff's JSON text embedded as JSON values (RawValue).
//               A side without a value (kind "missing": no "new"; kind "extra": no "old") is
//               OMITTED, never written as null, so a JSON null value stays distinguishable.
//   Comparison  {"equal":false,"diffs":[...],"truncated":false}
//               plus "problem","problem_side","problem_detail" only when problem != kNone.
//
// Also JSON string quoting for arbitrary bytes (AppendJsonString), which every comparator
// uses to render header values, text and form values as Diff values.
//
// Free functions, no state: thread-safe.
#ifndef SHADOWDIFF_CORE_DIFF_JSON_H_
#define SHADOWDIFF_CORE_DIFF_JSON_H_

#include <rapidjson/rapidjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "src/core/diff.h"

namespace shadowdiff {

// Appends `bytes` as a JSON string literal (with quotes). The result is always valid JSON in
// valid UTF-8: '"', '\\' and control characters are escaped, and every byte that is not
// part of a well-formed UTF-8 sequence becomes U+FFFD (so a Latin-1 or binary value is
// shown lossily, never as broken JSON).
void AppendJsonString(std::string* out, std::string_view bytes);
std::string JsonString(std::string_view bytes);

// RapidJSON type of a compact JSON text, from its first character (for Writer::RawValue).
rapidjson::Type RawJsonType(std::string_view json);

// Writes `bytes` as a JSON string value through AppendJsonString (so invalid UTF-8 in a path
// or detail can never make the output invalid, which Writer::String would allow).
template <typename Writer>
void WriteJsonString(Writer& writer, std::string_view bytes) {
  std::string quoted;
  AppendJsonString(&quoted, bytes);
  writer.RawValue(quoted.data(), quoted.size(), rapidjson::kStringType);
}

// Writes one Diff / a list of Diffs / a Comparison into any RapidJSON Writer (or
// PrettyWriter), so callers can embed them in larger records. Requires every non-empty
// Diff value to be valid JSON (the Diff contract).
template <typename Writer>
void WriteDiff(Writer& writer, const Diff& diff) {
  writer.StartObject();
  writer.Key("path");
  WriteJsonString(writer, diff.path);
  writer.Key("kind");
  std::string_view kind = DiffKindName(diff.kind);
  writer.String(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
  if (!diff.old_value.empty()) {
    writer.Key("old");
    writer.RawValue(diff.old_value.data(), diff.old_value.size(), RawJsonType(diff.old_value));
  }
  if (!diff.new_value.empty()) {
    writer.Key("new");
    writer.RawValue(diff.new_value.data(), diff.new_value.size(), RawJsonType(diff.new_value));
  }
  writer.EndObject();
}

template <typename Writer>
void WriteDiffs(Writer& writer, const std::vector<Diff>& diffs) {
  writer.StartArray();
  for (const Diff& diff : diffs) WriteDiff(writer, diff);
  writer.EndArray();
}

template <typename Writer>
void WriteComparison(Writer& writer, const Comparison& comparison) {
  writer.StartObject();
  writer.Key("equal");
  writer.Bool(comparison.equal());
  writer.Key("diffs");
  WriteDiffs(writer, comparison.diffs);
  writer.Key("truncated");
  writer.Bool(comparison.truncated);
  if (comparison.problem != BodyProblem::kNone) {
    std::string_view name = BodyProblemName(comparison.problem);
    writer.Key("problem");
    writer.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    writer.Key("problem_side");
    WriteJsonString(writer, comparison.problem_side);
    writer.Key("problem_detail");
    WriteJsonString(writer, comparison.problem_detail);
  }
  writer.EndObject();
}

// Compact JSON text of the above.
std::string DiffToJson(const Diff& diff);
std::string DiffsToJson(const std::vector<Diff>& diffs);
std::string ComparisonToJson(const Comparison& comparison);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_DIFF_JSON_H_
