// TripRegistry: which endpoints are "tripped" (SPEC.md, rollback protocol): a rollback-mode
// shadow answered without a matching Shadow-Rolled-Back, so no later request's shadow call
// may reach that endpoint until the admin API resets it.
//
// One slot per endpoint id (Endpoint::id, file order), fixed at construction; create it with
// one extra slot if unmatched requests can be shadowed in rollback mode and give them the
// last id. A config reload builds a new registry; the wiring carries trips over by endpoint
// (TrippedIds) so a reload cannot silently un-trip an endpoint.
//
// Thread-safety: every method is safe from any thread. IsTripped is one atomic load
// (acquire) and never locks, for the I/O threads; Trip is visible to every IsTripped that
// starts after it returns. An out-of-range id is never tripped and cannot be tripped.
#ifndef SHADOWDIFF_COMPARE_TRIP_REGISTRY_H_
#define SHADOWDIFF_COMPARE_TRIP_REGISTRY_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace shadowdiff {

class TripRegistry {
 public:
  explicit TripRegistry(size_t endpoint_count);

  bool IsTripped(size_t id) const;
  // Trips `id`, recording `now_unix_ms` (> 0) as when. Returns true when this call tripped it
  // (false: already tripped, or out of range), so exactly one caller logs and counts.
  bool Trip(size_t id, int64_t now_unix_ms);
  // When `id` was tripped (unix ms), or 0 when it is not.
  int64_t TrippedAt(size_t id) const;
  // Un-trips `id`; returns true when it was tripped.
  bool Reset(size_t id);
  // Un-trips every endpoint; returns how many were tripped.
  size_t ResetAll();
  std::vector<size_t> TrippedIds() const;

  size_t size() const { return size_; }

 private:
  size_t size_;
  std::unique_ptr<std::atomic<int64_t>[]> tripped_at_;  // 0: not tripped
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARE_TRIP_REGISTRY_H_
