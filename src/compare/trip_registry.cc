#include "src/compare/trip_registry.h"

namespace shadowdiff {

TripRegistry::TripRegistry(size_t endpoint_count)
    : size_(endpoint_count), tripped_at_(std::make_unique<std::atomic<int64_t>[]>(endpoint_count)) {
  for (size_t i = 0; i < size_; ++i) tripped_at_[i].store(0, std::memory_order_relaxed);
}

bool TripRegistry::IsTripped(size_t id) const { return TrippedAt(id) != 0; }

bool TripRegistry::Trip(size_t id, int64_t now_unix_ms) {
  if (id >= size_) return false;
  int64_t expected = 0;
  return tripped_at_[id].compare_exchange_strong(expected, now_unix_ms > 0 ? now_unix_ms : 1,
                                                 std::memory_order_acq_rel);
}

int64_t TripRegistry::TrippedAt(size_t id) const {
  if (id >= size_) return 0;
  return tripped_at_[id].load(std::memory_order_acquire);
}

bool TripRegistry::Reset(size_t id) {
  if (id >= size_) return false;
  return tripped_at_[id].exchange(0, std::memory_order_acq_rel) != 0;
}

size_t TripRegistry::ResetAll() {
  size_t count = 0;
  for (size_t i = 0; i < size_; ++i) count += Reset(i) ? 1 : 0;
  return count;
}

std::vector<size_t> TripRegistry::TrippedIds() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < size_; ++i) {
    if (IsTripped(i)) out.push_back(i);
  }
  return out;
}

}  // namespace shadowdiff
