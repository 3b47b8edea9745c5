// NoiseModel: what one endpoint has learned about its volatile fields, Diffy's idea done per
// field. When the optional `targets.secondary` (a second instance of the old service)
// answers, the old-vs-secondary comparison is Observe()d: every field that differs there
// differs between two copies of the SAME code, so it is noise (timestamps, request ids,
// random tokens). A primary-vs-shadow comparison whose every diff lies in a noisy field is
// outcome `noise`, not `mismatch` (see outcome_classifier.h).
//
// Policy:
//   - A field is FieldKey(diff.path) ("$.items[*].ts", "header:date", "status").
//   - Counts are per comparison: a field differing in 40 array elements of one response
//     counts once, so a count reads "seen differing in N of observed() responses".
//   - Threshold: a field is noisy once its count reaches Options::noisy_after (default 1).
//     Two instances of the old code should never disagree, so one sighting is evidence;
//     a higher threshold only delays learning while real noise is reported as mismatch.
//   - Comparisons with a body problem (invalid JSON, too deep, too large, undecodable) or a
//     different status are not learned from: their diffs describe a failed or broken answer
//     (a secondary's one 503 or garbled body), not volatile fields, and learning from them
//     would hide real mismatches in every field that answer touched, forever.
//   - Bounded: at most Options::max_fields distinct fields. A new field past the cap is not
//     learned (counted in fields_refused()): its diffs stay `mismatch`, the safe direction.
//   - Nothing decays; the model lives as long as its holder (NoiseRegistry in src/compare,
//     which the admin API may reset).
//
// A plain value type: not thread-safe (NoiseRegistry in src/compare adds the mutex).
#ifndef SHADOWDIFF_CORE_NOISE_FILTER_H_
#define SHADOWDIFF_CORE_NOISE_FILTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "src/core/diff.h"

namespace shadowdiff {

// One learned field, as the admin API shows it.
struct NoisyField {
  std::string field;   // FieldKey, e.g. "$.items[*].updated_at"
  uint64_t count = 0;  // old-vs-secondary comparisons in which it differed

  bool operator==(const NoisyField&) const = default;
};

class NoiseModel {
 public:
  struct Options {
    size_t max_fields = 1000;
    uint64_t noisy_after = 1;  // count at which a field becomes noisy; >= 1
  };

  NoiseModel();
  explicit NoiseModel(Options options);

  // Learns from one old-vs-secondary comparison (see the policy above).
  void Observe(const Comparison& old_vs_secondary);

  // True when `field_key` (already folded by FieldKey) has reached the threshold.
  bool IsNoisy(std::string_view field_key) const;
  // True when `diffs` is non-empty and every diff's field is noisy. An empty list is not
  // noise: nothing differed.
  bool AllNoisy(const std::vector<Diff>& diffs) const;

  // Every learned field (noisy or still below the threshold), highest count first, ties by
  // field name.
  std::vector<NoisyField> Snapshot() const;

  uint64_t observed() const { return observed_; }  // comparisons learned from
  size_t field_count() const { return counts_.size(); }
  uint64_t fields_refused() const { return fields_refused_; }
  const Options& options() const { return options_; }

 private:
  // Transparent hashing so lookups by string_view do not allocate.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using CountMap = std::unordered_map<std::string, uint64_t, Hash, std::equal_to<>>;

  Options options_;
  CountMap counts_;
  uint64_t observed_ = 0;
  uint64_t fields_refused_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_NOISE_FILTER_H_
