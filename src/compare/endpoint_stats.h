// EndpointStats: what GET /api/endpoints shows per (endpoint label, method) — outcome counts
// since start, a per-minute trend of the last kTrendMinutes minutes, and the fields that
// differ most — counted beside the metrics (same calls, same label rules) so that the two
// always agree.
//
// Keys: the endpoint label (template path or "unmatched", as EndpointMetrics::label()) and
// the method label (MethodLabel: a standard method or "other"). Entries are created on first
// use and never removed, so the number of entries is bounded by the config's endpoints (and
// every template ever configured since start) times 10 method slots.
//
// Fields follow shadowdiff_field_mismatches_total exactly: FieldKey(diff.path) per distinct
// (field, kind) per call; per endpoint label the first `field_cap` distinct fields (of at most
// kMaxFieldLabelBytes) are kept by name, the rest count as kOverflowFieldLabel ("other").
//
// Ownership: one per ProxyServer; it outlives every LiveConfig generation (counts survive
// reloads). Thread-safety: every method may be called from any thread. CountOutcome runs on
// the I/O threads (not-shadowed requests) and the comparison workers: after an entry's first
// use it takes a shared lock on the entry index, does atomic increments and holds one short
// per-(endpoint, method) mutex for the trend bucket; it never allocates. CountFields (workers
// only) takes the endpoint's field mutex. Snapshot copies under the same locks.
#ifndef SHADOWDIFF_COMPARE_ENDPOINT_STATS_H_
#define SHADOWDIFF_COMPARE_ENDPOINT_STATS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "src/core/diff.h"
#include "src/core/outcome.h"

namespace shadowdiff {

// Whether `outcome` means the shadow was called and answered or failed (the denominator of
// a match rate): match, mismatch, noise, shadow_error, shadow_timeout, rollback_unconfirmed.
bool IsShadowedOutcome(Outcome outcome);

// One (endpoint, method) as Snapshot() returns it.
struct EndpointStatsEntry {
  struct Minute {
    std::chrono::system_clock::time_point start;  // the minute's first instant (UTC)
    uint64_t requests = 0;
    uint64_t matches = 0;
    uint64_t shadowed = 0;  // IsShadowedOutcome
  };
  struct Field {
    std::string field;  // FieldKey form, or "other"
    DiffKind kind = DiffKind::kValue;
    uint64_t count = 0;
  };

  std::string endpoint;                                      // the endpoint label
  std::string method;                                        // the method label
  std::array<uint64_t, std::size(kAllOutcomes)> outcomes{};  // by static_cast<size_t>(Outcome)
  uint64_t requests = 0;                                     // sum of outcomes
  uint64_t shadowed = 0;                                     // sum of shadowed outcomes
  std::vector<Minute> trend;  // minutes with requests among the last kTrendMinutes, oldest first
  std::vector<Field> fields;  // highest count first (ties: field, then kind), at most max_fields

  uint64_t count(Outcome outcome) const { return outcomes[static_cast<size_t>(outcome)]; }
};

class EndpointStats {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;
  static constexpr size_t kTrendMinutes = 30;

  // `clock` (tests inject one) defaults to std::chrono::system_clock::now.
  explicit EndpointStats(WallClock clock = {});
  ~EndpointStats();
  EndpointStats(const EndpointStats&) = delete;
  EndpointStats& operator=(const EndpointStats&) = delete;

  // One request of (endpoint, method) ended with `outcome` (the same call as
  // EndpointMetrics::CountOutcome).
  void CountOutcome(std::string_view endpoint, std::string_view method, Outcome outcome);

  // The fields of one compared request (the same diffs as EndpointMetrics::CountFields);
  // `field_cap` is limits.field_label_cap of the generation that compared it.
  void CountFields(std::string_view endpoint, std::string_view method,
                   const std::vector<Diff>& diffs, uint32_t field_cap);

  // Every entry, sorted by requests descending (ties: endpoint, then method); each with at
  // most `max_fields` fields.
  std::vector<EndpointStatsEntry> Snapshot(size_t max_fields = 20) const;

 private:
  struct MethodStats;
  struct EndpointEntry;

  EndpointEntry& EntryFor(std::string_view endpoint);
  MethodStats& MethodFor(EndpointEntry& entry, std::string_view method);
  std::chrono::system_clock::time_point Now() const;

  const WallClock clock_;
  mutable std::shared_mutex mu_;  // guards the index; entries themselves are never removed
  std::map<std::string, std::unique_ptr<EndpointEntry>, std::less<>> endpoints_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARE_ENDPOINT_STATS_H_
