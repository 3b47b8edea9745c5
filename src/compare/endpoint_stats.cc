#include "src/compare/endpoint_stats.h"

#include <algorithm>
#include <bit>
#include <optional>
#include <utility>

#include "src/core/method_set.h"
#include "src/metrics/metrics.h"

namespace shadowdiff {
namespace {

constexpr size_t kMethodSlots = 10;  // 9 standard methods + "other", as the metrics

using Clock = std::chrono::system_clock;

size_t MethodSlot(std::string_view method) {
  std::optional<uint16_t> bit = MethodSet::BitOf(method);
  if (!bit) return MethodSet::StandardMethods().size();
  return static_cast<size_t>(std::countr_zero(*bit));
}

std::string_view MethodSlotLabel(size_t slot) {
  auto standard = MethodSet::StandardMethods();
  return slot < standard.size() ? standard[slot] : kOverflowFieldLabel;  // "other"
}

int64_t MinuteOf(Clock::time_point t) {
  return std::chrono::floor<std::chrono::minutes>(t.time_since_epoch()).count();
}

}  // namespace

bool IsShadowedOutcome(Outcome outcome) {
  switch (outcome) {
    case Outcome::kMatch:
    case Outcome::kMismatch:
    case Outcome::kNoise:
    case Outcome::kShadowError:
    case Outcome::kShadowTimeout:
    case Outcome::kRollbackUnconfirmed:
      return true;
    case Outcome::kNotShadowed:
    case Outcome::kPrimaryError:
      return false;
  }
  return false;
}

struct EndpointStats::MethodStats {
  struct Bucket {
    int64_t minute = -1;  // minutes since the epoch; -1: never used
    uint64_t requests = 0;
    uint64_t matches = 0;
    uint64_t shadowed = 0;
  };

  std::array<std::atomic<uint64_t>, std::size(kAllOutcomes)> outcomes{};
  std::mutex trend_mu;
  std::array<Bucket, kTrendMinutes> trend;  // guarded by trend_mu; slot minute % kTrendMinutes
  // Guarded by EndpointEntry::fields_mu: (field, kind) -> compared requests it differed in.
  std::map<std::pair<std::string, DiffKind>, uint64_t> fields;
};

struct EndpointStats::EndpointEntry {
  std::array<std::atomic<MethodStats*>, kMethodSlots> methods{};  // created once, never freed
  std::mutex create_mu;                                           // serialises creation
  std::array<std::unique_ptr<MethodStats>, kMethodSlots> owned;   // guarded by create_mu
  std::mutex fields_mu;
  std::unordered_set<std::string> admitted;  // guarded by fields_mu: fields kept by name
};

EndpointStats::EndpointStats(WallClock clock) : clock_(std::move(clock)) {}

EndpointStats::~EndpointStats() = default;

Clock::time_point EndpointStats::Now() const { return clock_ ? clock_() : Clock::now(); }

EndpointStats::EndpointEntry& EndpointStats::EntryFor(std::string_view endpoint) {
  {
    std::shared_lock lock(mu_);
    auto it = endpoints_.find(endpoint);
    if (it != endpoints_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto it = endpoints_.find(endpoint);
  if (it == endpoints_.end()) {
    it = endpoints_.emplace(std::string(endpoint), std::make_unique<EndpointEntry>()).first;
  }
  return *it->second;
}

EndpointStats::MethodStats& EndpointStats::MethodFor(EndpointEntry& entry,
                                                     std::string_view method) {
  const size_t slot = MethodSlot(method);
  MethodStats* stats = entry.methods[slot].load(std::memory_order_acquire);
  if (stats != nullptr) return *stats;
  std::lock_guard lock(entry.create_mu);
  if (!entry.owned[slot]) {
    entry.owned[slot] = std::make_unique<MethodStats>();
    entry.methods[slot].store(entry.owned[slot].get(), std::memory_order_release);
  }
  return *entry.owned[slot];
}

void EndpointStats::CountOutcome(std::string_view endpoint, std::string_view method,
                                 Outcome outcome) {
  MethodStats& stats = MethodFor(EntryFor(endpoint), method);
  stats.outcomes[static_cast<size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
  const int64_t minute = MinuteOf(Now());
  std::lock_guard lock(stats.trend_mu);
  MethodStats::Bucket& bucket =
      stats.trend[static_cast<size_t>(minute % static_cast<int64_t>(kTrendMinutes))];
  if (bucket.minute != minute) {
    if (bucket.minute > minute) return;  // the clock went back more than the window: skip
    bucket = MethodStats::Bucket{minute, 0, 0, 0};
  }
  ++bucket.requests;
  if (outcome == Outcome::kMatch) ++bucket.matches;
  if (IsShadowedOutcome(outcome)) ++bucket.shadowed;
}

void EndpointStats::CountFields(std::string_view endpoint, std::string_view method,
                                const std::vector<Diff>& diffs, uint32_t field_cap) {
  if (diffs.empty()) return;
  EndpointEntry& entry = EntryFor(endpoint);
  MethodStats& stats = MethodFor(entry, method);
  std::vector<std::pair<std::string, DiffKind>> seen;  // distinct keys of this call
  std::lock_guard lock(entry.fields_mu);
  for (const Diff& diff : diffs) {
    std::string field = FieldKey(diff.path);
    if (!entry.admitted.contains(field)) {
      if (entry.admitted.size() < field_cap && field.size() <= kMaxFieldLabelBytes) {
        entry.admitted.insert(field);
      } else {
        field = kOverflowFieldLabel;
      }
    }
    std::pair<std::string, DiffKind> key(std::move(field), diff.kind);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    ++stats.fields[key];
    seen.push_back(std::move(key));
  }
}

std::vector<EndpointStatsEntry> EndpointStats::Snapshot(size_t max_fields) const {
  const int64_t now_minute = MinuteOf(Now());
  std::vector<EndpointStatsEntry> out;
  std::shared_lock lock(mu_);
  for (const auto& [label, entry] : endpoints_) {
    for (size_t slot = 0; slot < kMethodSlots; ++slot) {
      MethodStats* stats = entry->methods[slot].load(std::memory_order_acquire);
      if (stats == nullptr) continue;
      EndpointStatsEntry e;
      e.endpoint = label;
      e.method = std::string(MethodSlotLabel(slot));
      for (Outcome outcome : kAllOutcomes) {
        const uint64_t n =
            stats->outcomes[static_cast<size_t>(outcome)].load(std::memory_order_relaxed);
        e.outcomes[static_cast<size_t>(outcome)] = n;
        e.requests += n;
        if (IsShadowedOutcome(outcome)) e.shadowed += n;
      }
      {
        std::lock_guard trend_lock(stats->trend_mu);
        for (const MethodStats::Bucket& bucket : stats->trend) {
          if (bucket.minute < 0 || bucket.requests == 0) continue;
          if (bucket.minute > now_minute ||
              bucket.minute <= now_minute - static_cast<int64_t>(kTrendMinutes)) {
            continue;
          }
          e.trend.push_back({Clock::time_point(std::chrono::minutes(bucket.minute)),
                             bucket.requests, bucket.matches, bucket.shadowed});
        }
      }
      std::sort(e.trend.begin(), e.trend.end(),
                [](const auto& a, const auto& b) { return a.start < b.start; });
      {
        std::lock_guard fields_lock(entry->fields_mu);
        e.fields.reserve(stats->fields.size());
        for (const auto& [key, count] : stats->fields) {
          e.fields.push_back({key.first, key.second, count});
        }
      }
      std::stable_sort(e.fields.begin(), e.fields.end(),
                       [](const auto& a, const auto& b) { return a.count > b.count; });
      if (e.fields.size() > max_fields) e.fields.resize(max_fields);
      out.push_back(std::move(e));
    }
  }
  lock.unlock();
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.requests > b.requests; });
  return out;
}

}  // namespace shadowdiff
