#include "src/compare/noise_registry.h"

namespace shadowdiff {

NoiseRegistry::NoiseRegistry(NoiseModel::Options options, size_t max_endpoints)
    : options_(options), max_endpoints_(max_endpoints) {}

void NoiseRegistry::Observe(std::string_view endpoint, const Comparison& old_vs_secondary) {
  std::unique_lock lock(mu_);
  auto it = models_.find(endpoint);
  if (it == models_.end()) {
    if (models_.size() >= max_endpoints_) return;
    it = models_.emplace(std::string(endpoint), NoiseModel(options_)).first;
  }
  it->second.Observe(old_vs_secondary);
}

void NoiseRegistry::Read(std::string_view endpoint,
                         const std::function<void(const NoiseModel*)>& fn) const {
  std::shared_lock lock(mu_);
  auto it = models_.find(endpoint);
  fn(it == models_.end() ? nullptr : &it->second);
}

std::vector<NoisyField> NoiseRegistry::Snapshot(std::string_view endpoint) const {
  std::shared_lock lock(mu_);
  auto it = models_.find(endpoint);
  return it == models_.end() ? std::vector<NoisyField>{} : it->second.Snapshot();
}

std::vector<std::string> NoiseRegistry::Endpoints() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  out.reserve(models_.size());
  for (const auto& [endpoint, model] : models_) out.push_back(endpoint);
  return out;
}

void NoiseRegistry::Reset(std::string_view endpoint) {
  std::unique_lock lock(mu_);
  auto it = models_.find(endpoint);
  if (it != models_.end()) models_.erase(it);
}

void NoiseRegistry::ResetAll() {
  std::unique_lock lock(mu_);
  models_.clear();
}

}  // namespace shadowdiff
