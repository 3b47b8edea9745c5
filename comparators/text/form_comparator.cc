#include "comparators/text/form_comparator.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "comparators/body_codec/form_parser.h"
#include "comparators/text/text_value.h"
#include "src/core/diff_json.h"

namespace shadowdiff {
namespace {

// A form's values grouped by key, keys in order of first appearance.
struct GroupedForm {
  std::vector<std::string> keys;
  std::unordered_map<std::string, std::vector<std::string>> values;
};

GroupedForm Group(std::string_view body) {
  GroupedForm form;
  for (auto& [key, value] : ParseForm(body)) {
    auto [it, inserted] = form.values.try_emplace(key);
    if (inserted) form.keys.push_back(key);
    it->second.push_back(std::move(value));
  }
  return form;
}

std::string RenderValues(const std::vector<std::string>& values, bool as_list) {
  if (!as_list) return TextDiffValue(values.front());
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(&out, values[i]);
  }
  out.push_back(']');
  if (out.size() <= kMaxDiffValueBytes) return out;
  return JsonString("<" + std::to_string(values.size()) + " values, " + std::to_string(out.size()) +
                    " bytes of JSON>");
}

void Add(Diff diff, size_t max_diffs, Comparison* out) {
  if (out->diffs.size() >= max_diffs) {
    out->truncated = true;
    return;
  }
  out->diffs.push_back(std::move(diff));
}

}  // namespace

void CompareForms(std::string_view old_body, std::string_view new_body, size_t max_diffs,
                  Comparison* out) {
  GroupedForm old_form = Group(old_body);
  GroupedForm new_form = Group(new_body);
  for (const std::string& key : old_form.keys) {
    const std::vector<std::string>& old_values = old_form.values[key];
    auto it = new_form.values.find(key);
    if (it == new_form.values.end()) {
      Add(Diff{"form:" + key, DiffKind::kMissing, RenderValues(old_values, old_values.size() > 1),
               ""},
          max_diffs, out);
      continue;
    }
    const std::vector<std::string>& new_values = it->second;
    if (old_values == new_values) continue;
    bool as_list = old_values.size() > 1 || new_values.size() > 1;
    Add(Diff{"form:" + key, DiffKind::kValue, RenderValues(old_values, as_list),
             RenderValues(new_values, as_list)},
        max_diffs, out);
  }
  for (const std::string& key : new_form.keys) {
    if (old_form.values.count(key)) continue;
    const std::vector<std::string>& new_values = new_form.values[key];
    Add(Diff{"form:" + key, DiffKind::kExtra, "", RenderValues(new_values, new_values.size() > 1)},
        max_diffs, out);
  }
}

}  // namespace shadowdiff
