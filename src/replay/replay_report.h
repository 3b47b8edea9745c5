// ReplayReport: what a replay found, per endpoint and method — how many requests were sent,
// each outcome (the metric's outcome names), the fields that differed (field key and kind,
// counted once per request, as shadowdiff_field_mismatches_total counts them) and a few
// stored-example records (already redacted by the proxy) — plus the totals a CI gate reads.
//
// As JSON (`--report FILE.json`, SPEC.md):
//   {"totals":{"sent","match","mismatch","noise","error","not_shadowed","shadowed",
//              "failing","mismatch_rate","bad_entries","unanswered","outcomes":{...}},
//    "endpoints":[{"endpoint","method","sent","match","mismatch","noise","error",
//                  "not_shadowed","shadowed","failing","mismatch_rate","outcomes":{...},
//                  "fields":[{"field","kind","count"}],"examples":[{...},...]}]}
// where
//   error      = shadow_error + shadow_timeout + rollback_unconfirmed + primary_error
//   shadowed   = sent - not_shadowed - primary_error   (the new side was asked and old answered
//                or, with --against-recorded, the recording answered)
//   failing    = mismatch + shadow_error + shadow_timeout + rollback_unconfirmed
//   mismatch_rate = failing / shadowed (0 when nothing was shadowed). Noise is not failing.
// FromJson reads that back and Merge sums two reports (shards of one capture), keeping the
// first examples up to the cap. A plain value; not thread-safe (the runner locks around it).
#ifndef SHADOWDIFF_REPLAY_REPLAY_REPORT_H_
#define SHADOWDIFF_REPLAY_REPLAY_REPORT_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "src/core/diff.h"
#include "src/core/outcome.h"
#include "src/core/result.h"

namespace shadowdiff {

inline constexpr size_t kReportExamplesPerEndpoint = 3;
inline constexpr size_t kReportFieldsPerEndpoint = 200;  // beyond: counted as field "other"

struct OutcomeCounts {
  std::array<uint64_t, std::size(kAllOutcomes)> by_outcome{};

  uint64_t& operator[](Outcome o) { return by_outcome[static_cast<size_t>(o)]; }
  uint64_t operator[](Outcome o) const { return by_outcome[static_cast<size_t>(o)]; }
  uint64_t sent() const;
  uint64_t errors() const;
  uint64_t shadowed() const;
  uint64_t failing() const;
  double mismatch_rate() const;
  void Add(const OutcomeCounts& other);
};

struct EndpointTally {
  std::string endpoint;  // template path or "unmatched"
  std::string method;
  OutcomeCounts counts;
  std::map<std::pair<std::string, std::string>, uint64_t> fields;  // (field, kind) -> requests
  std::vector<std::string> examples;  // stored-example JSON objects, at most the cap

  // (field, kind, count), most frequent first (ties by field name).
  std::vector<std::tuple<std::string, std::string, uint64_t>> TopFields(size_t limit) const;
};

class ReplayReport {
 public:
  // One request's outcome. `diffs` are the counted differences (noise removed); `example`
  // is a stored-example record's JSON (empty: none).
  void Count(std::string_view endpoint, std::string_view method, Outcome outcome,
             const std::vector<Diff>& diffs, std::string_view example);
  // Whether Count would keep an example for (endpoint, method) now: building one is costly,
  // so callers ask first.
  bool WantsExample(std::string_view endpoint, std::string_view method) const;
  // An input entry that could not be replayed.
  void CountBadEntry() { ++bad_entries_; }
  // A request sent to the proxy whose outcome never arrived (the proxy did not answer, or
  // stopped before comparing it).
  void CountUnanswered(uint64_t n = 1) { unanswered_ += n; }

  void Merge(const ReplayReport& other);

  OutcomeCounts Totals() const;
  uint64_t bad_entries() const { return bad_entries_; }
  uint64_t unanswered() const { return unanswered_; }
  // Endpoints by (endpoint, method).
  const std::map<std::pair<std::string, std::string>, EndpointTally>& endpoints() const {
    return endpoints_;
  }

  std::string ToJson() const;
  // Reads a report ToJson wrote (`name` for messages).
  static Result<ReplayReport> FromJson(std::string_view text, std::string_view name);

 private:
  EndpointTally& TallyFor(std::string_view endpoint, std::string_view method);

  std::map<std::pair<std::string, std::string>, EndpointTally> endpoints_;
  uint64_t bad_entries_ = 0;
  uint64_t unanswered_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_REPLAY_REPORT_H_
