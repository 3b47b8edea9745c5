// ExampleBudget: how many examples a store keeps, so that a flood of one mismatch cannot
// fill the disk (or the UI's ring) and hide every other one.
//
// Policy, per time window (default: fixed one-hour windows of the records' own `time`):
//   - at most `per_field` records per (endpoint, method, field), where a record's fields are
//     ExampleRecord::fields (FieldKeys of its diffs), or "outcome:<name>" for a record
//     without diffs (shadow_error, shadow_timeout, rollback_unconfirmed, ...);
//   - a record is admitted when at least one of its fields still has budget (so a new
//     difference always gets through, even in a flood of an old one) and its
//     (endpoint, method) has had fewer than `per_endpoint` records; an admitted record
//     charges each of its fields and its endpoint;
//   - at most `max_keys` counters per window: once full, fields not yet counted have no
//     budget (an adversary inventing field names cannot grow memory);
//   - when a record's time falls in a later window, every counter starts over; a record
//     from an earlier window (clock step back) is charged to the current one.
// 0 for per_field or per_endpoint means unlimited on that axis.
//
// A value type; not thread-safe (each sink guards its own with its lock).
#ifndef SHADOWDIFF_STORE_EXAMPLE_BUDGET_H_
#define SHADOWDIFF_STORE_EXAMPLE_BUDGET_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "src/core/example_record.h"

namespace shadowdiff {

class ExampleBudget {
 public:
  struct Options {
    uint32_t per_field = 20;
    uint32_t per_endpoint = 200;
    std::chrono::seconds window{3600};
    size_t max_keys = 10000;
  };

  ExampleBudget() : ExampleBudget(Options{}) {}
  explicit ExampleBudget(Options options);

  // True (and charged) when `record` fits the budget; false when it must be dropped.
  bool Admit(const ExampleRecord& record);

  uint64_t refused() const { return refused_; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  int64_t window_ = INT64_MIN;                        // index of the current window
  std::unordered_map<std::string, uint32_t> counts_;  // "endpoint\nmethod[\nfield]" -> used
  uint64_t refused_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_EXAMPLE_BUDGET_H_
