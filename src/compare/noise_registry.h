// NoiseRegistry: the learned NoiseModel of every endpoint (src/core/noise_filter.h), shared
// by the comparison workers. Keyed by the endpoint label (the template path, or "unmatched"),
// so what was learned survives a config reload that keeps the endpoint, and the admin API
// can show and reset it by the name it displays.
//
// Bounded: the number of keys is bounded by the config (one per endpoint template) and
// additionally capped at `max_endpoints`; past the cap nothing new is learned.
//
// Thread-safe: one shared_mutex; Observe and Reset take it exclusively, the rest shared.
// Work under the lock is a few hash lookups per diff.
#ifndef SHADOWDIFF_COMPARE_NOISE_REGISTRY_H_
#define SHADOWDIFF_COMPARE_NOISE_REGISTRY_H_

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/noise_filter.h"

namespace shadowdiff {

class NoiseRegistry {
 public:
  explicit NoiseRegistry(NoiseModel::Options options = {}, size_t max_endpoints = 10000);

  // Learns from an old-vs-secondary comparison of `endpoint`.
  void Observe(std::string_view endpoint, const Comparison& old_vs_secondary);

  // Calls fn(const NoiseModel*) under the shared lock; the pointer is null when nothing was
  // learned for `endpoint`, and must not escape fn. Use it to classify with
  // ClassifyOutcome (OutcomeFacts::noise) without copying the model.
  void Read(std::string_view endpoint, const std::function<void(const NoiseModel*)>& fn) const;

  // The endpoint's fields (NoiseModel::Snapshot); empty when nothing was learned.
  std::vector<NoisyField> Snapshot(std::string_view endpoint) const;
  // Endpoints with a model, sorted.
  std::vector<std::string> Endpoints() const;

  // Forgets one endpoint / everything (admin API).
  void Reset(std::string_view endpoint);
  void ResetAll();

 private:
  const NoiseModel::Options options_;
  const size_t max_endpoints_;
  mutable std::shared_mutex mu_;
  std::map<std::string, NoiseModel, std::less<>> models_;  // guarded by mu_
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARE_NOISE_REGISTRY_H_
