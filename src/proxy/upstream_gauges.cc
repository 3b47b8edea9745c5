#include "src/proxy/upstream_gauges.h"

#include <algorithm>

namespace shadowdiff {

std::shared_ptr<UpstreamPoolGauge> UpstreamGauges::Register(std::string_view role) {
  auto gauge = std::make_shared<UpstreamPoolGauge>();
  std::lock_guard lock(mu_);
  ForgetReleased();  // bounded by the live pools even when nobody scrapes
  auto it = std::find(roles_.begin(), roles_.end(), role);
  const size_t index = static_cast<size_t>(it - roles_.begin());
  if (it == roles_.end()) roles_.emplace_back(role);
  gauges_.emplace_back(index, gauge);
  return gauge;
}

size_t UpstreamGauges::size() const {
  std::lock_guard lock(mu_);
  return gauges_.size();
}

void UpstreamGauges::ForgetReleased() {
  // A gauge only this registry still holds belongs to a destroyed pool.
  std::erase_if(gauges_, [](const auto& entry) { return entry.second.use_count() == 1; });
}

void UpstreamGauges::Read(
    const std::function<void(std::string_view role, uint64_t idle, uint64_t active)>& fn) {
  std::vector<std::pair<uint64_t, uint64_t>> sums;
  std::vector<std::string> roles;
  {
    std::lock_guard lock(mu_);
    ForgetReleased();
    sums.resize(roles_.size());
    for (const auto& [role, gauge] : gauges_) {
      sums[role].first += gauge->idle.load(std::memory_order_relaxed);
      sums[role].second += gauge->active.load(std::memory_order_relaxed);
    }
    roles = roles_;
  }
  for (size_t i = 0; i < roles.size(); ++i) fn(roles[i], sums[i].first, sums[i].second);
}

}  // namespace shadowdiff
