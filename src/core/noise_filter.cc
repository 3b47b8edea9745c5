#include "src/core/noise_filter.h"

#include <algorithm>
#include <unordered_set>
#include <utility>

namespace shadowdiff {

NoiseModel::NoiseModel() : NoiseModel(Options{}) {}

NoiseModel::NoiseModel(Options options) : options_(options) {
  if (options_.noisy_after == 0) options_.noisy_after = 1;
}

void NoiseModel::Observe(const Comparison& old_vs_secondary) {
  if (old_vs_secondary.problem != BodyProblem::kNone) return;
  for (const Diff& diff : old_vs_secondary.diffs) {
    if (diff.path == "status") return;  // one instance failed: not a volatile field
  }
  ++observed_;
  // Each field counts once per comparison.
  std::unordered_set<std::string> seen;
  for (const Diff& diff : old_vs_secondary.diffs) {
    std::string key = FieldKey(diff.path);
    if (!seen.insert(key).second) continue;
    auto it = counts_.find(std::string_view(key));
    if (it != counts_.end()) {
      ++it->second;
    } else if (counts_.size() < options_.max_fields) {
      counts_.emplace(std::move(key), 1);
    } else {
      ++fields_refused_;
    }
  }
}

bool NoiseModel::IsNoisy(std::string_view field_key) const {
  auto it = counts_.find(field_key);
  return it != counts_.end() && it->second >= options_.noisy_after;
}

bool NoiseModel::AllNoisy(const std::vector<Diff>& diffs) const {
  if (diffs.empty() || counts_.empty()) return false;
  for (const Diff& diff : diffs) {
    if (!IsNoisy(FieldKey(diff.path))) return false;
  }
  return true;
}

std::vector<NoisyField> NoiseModel::Snapshot() const {
  std::vector<NoisyField> out;
  out.reserve(counts_.size());
  for (const auto& [field, count] : counts_) out.push_back(NoisyField{field, count});
  std::sort(out.begin(), out.end(), [](const NoisyField& a, const NoisyField& b) {
    if (a.count != b.count) return a.count > b.count;
    return a.field < b.field;
  });
  return out;
}

}  // namespace shadowdiff
