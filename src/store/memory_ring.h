// MemoryRing: the last examples, in memory, for the admin API and the dashboard
// (`GET /api/mismatches?endpoint=&limit=`, "recent examples side by side").
//
// Bounded by count (`capacity` records) and by bytes (`max_bytes` of JSON); the oldest are
// evicted first. An ExampleBudget (example_budget.h) applies at Offer as in the JSONL store,
// so a flood of one mismatch cannot push every other example out of the ring (set
// budget.per_field and budget.per_endpoint to 0 to keep simply the latest).
//
// Thread-safety: every method is safe from any thread (one mutex; Offer does O(1) work
// under it, Recent O(size)). Records are shared, immutable, with the other sinks.
#ifndef SHADOWDIFF_STORE_MEMORY_RING_H_
#define SHADOWDIFF_STORE_MEMORY_RING_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "src/store/example_budget.h"
#include "src/store/example_sink.h"

namespace shadowdiff {

class MemoryRing : public ExampleSink {
 public:
  struct Options {
    size_t capacity = 1000;
    size_t max_bytes = size_t{64} << 20;
    ExampleBudget::Options budget;
  };

  MemoryRing() : MemoryRing(Options{}) {}
  explicit MemoryRing(Options options);

  using ExampleSink::Offer;
  void Offer(PendingExample& example) override;

  // Newest first, at most `limit`. An empty `endpoint` matches every endpoint, else the
  // endpoint label must be equal; an empty `field` matches every record, else one of the
  // record's fields must be equal (FieldKey form, e.g. "$.items[*].price", or
  // "outcome:shadow_error" for records without diffs).
  std::vector<std::shared_ptr<const ExampleRecord>> Recent(std::string_view endpoint,
                                                           std::string_view field,
                                                           size_t limit) const;

  size_t size() const;
  size_t bytes() const;
  uint64_t dropped_budget() const;

 private:
  const Options options_;
  mutable std::mutex mu_;
  std::deque<std::shared_ptr<const ExampleRecord>> records_;  // guarded by mu_; oldest first
  size_t bytes_ = 0;                                          // guarded by mu_
  ExampleBudget budget_;                                      // guarded by mu_
  uint64_t dropped_budget_ = 0;                               // guarded by mu_
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_MEMORY_RING_H_
