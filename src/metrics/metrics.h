// Metrics: every Prometheus metric shadowdiff exports, and the only place their names, types,
// labels, label values and histogram buckets live (SPEC.md, "Metrics").
//
// Ownership: one Metrics per process, owned by the wiring in main; it owns its
// prometheus::Registry and the process collector, and every EndpointMetrics it hands out. It
// must outlive every EndpointMetrics reference and EndpointMetricsTable it returned.
//
// Thread-safety: every method may be called from any thread at any time, including during
// Serialize() and Bind(). The per-request calls take no lock of ours once a label set has been
// used: they load a cached prometheus::Counter* / Histogram* and update it atomically (a
// prometheus Histogram takes its own short mutex). CountFields takes a per-endpoint mutex; it
// runs on the comparison workers, not on the I/O threads.
//
// Config reload: per-endpoint series are keyed by the `endpoint` label (the template path),
// never by a Config. Bind(config) returns a table from that config's Endpoint::id to the
// long-lived EndpointMetrics of each label, so an endpoint present before and after a reload
// keeps counting into the same series (counters never go backwards). Series of endpoints that
// left the config stay in the output with their last values until the process restarts.
// Callers keep the table beside the Config it was built from (same generation), so a request
// matched against one Config never counts into another Config's ids.
//
// Bounded cardinality: `method` is a standard method name or "other"; `field` is capped per
// endpoint at Limits::field_label_cap distinct values (first come; the rest count as "other");
// `endpoint` is bounded by the config; `reason`, `side`, `outcome`, `kind` are enums.
#ifndef SHADOWDIFF_METRICS_METRICS_H_
#define SHADOWDIFF_METRICS_METRICS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <prometheus/gauge.h>  // callers update the gauges below directly

#include "src/core/config.h"
#include "src/core/diff.h"
#include "src/core/endpoint_tree.h"
#include "src/core/outcome.h"
#include "src/core/shadow_skip.h"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace shadowdiff {

class ProcessCollector;

// The `side` label of shadowdiff_upstream_duration_seconds.
enum class UpstreamSide { kOld, kNew, kSecondary };
inline constexpr size_t kUpstreamSideCount = 3;
std::string_view UpstreamSideName(UpstreamSide side);  // "old", "new", "secondary"

// The `reason` label of shadowdiff_shadow_dropped_total is ShadowSkipName (src/core/shadow_skip.h).

// The `method` label for a request method: the method itself when it is one of
// MethodSet::StandardMethods(), else "other" (clients choose methods; labels stay bounded).
std::string_view MethodLabel(std::string_view method);

// The `field` value that counts every field beyond an endpoint's cap.
inline constexpr std::string_view kOverflowFieldLabel = "other";
// Longer field paths (hostile keys) count as "other" too.
inline constexpr size_t kMaxFieldLabelBytes = 256;
// The `endpoint` label of requests that matched no endpoint.
inline constexpr std::string_view kUnmatchedEndpointLabel = "unmatched";
// Upper bounds of shadowdiff_upstream_duration_seconds, in seconds (1 ms .. 10 s).
inline constexpr double kUpstreamDurationBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                      0.25,  0.5,    1,     2.5,  5,     10};

// The `reason` label of shadowdiff_postgres_store_dropped_total: why a record offered to the
// PostgreSQL example store (src/store/postgres_sink.h) was not written.
enum class PostgresStoreDrop {
  kBudget,        // refused by the store's ExampleBudget
  kQueueFull,     // the queue was full while the database was up (the writer fell behind)
  kDatabaseDown,  // the queue was full, or the sink stopped, while the database was down
  kRejected,      // PostgreSQL refused the record itself (e.g. a value jsonb cannot hold)
  kStopped,       // offered after Stop, or still queued when Stop's deadline passed
};
inline constexpr PostgresStoreDrop kAllPostgresStoreDrops[] = {
    PostgresStoreDrop::kBudget, PostgresStoreDrop::kQueueFull, PostgresStoreDrop::kDatabaseDown,
    PostgresStoreDrop::kRejected, PostgresStoreDrop::kStopped};
std::string_view PostgresStoreDropName(PostgresStoreDrop reason);

// The series of the PostgreSQL example store. Created by Metrics, obtained through
// Metrics::postgres_store(); every series is pre-created (reads 0 until used). Thread-safe and
// lock-free: each call updates one prometheus counter or gauge.
class PostgresStoreMetrics {
 public:
  PostgresStoreMetrics(const PostgresStoreMetrics&) = delete;
  PostgresStoreMetrics& operator=(const PostgresStoreMetrics&) = delete;

  // shadowdiff_postgres_store_written_total += n (rows inserted and committed).
  void CountWritten(uint64_t n);
  // shadowdiff_postgres_store_dropped_total{reason} += n.
  void CountDropped(PostgresStoreDrop reason, uint64_t n = 1);
  // shadowdiff_postgres_store_retention_deleted_total{reason="age"|"count"} += n.
  void CountRetentionDeleted(bool by_age, uint64_t n);
  // shadowdiff_postgres_store_connected = 1 or 0.
  void SetConnected(bool connected);
  // shadowdiff_postgres_store_queue_depth = records waiting for the writer.
  void SetQueueDepth(size_t depth);

 private:
  friend class Metrics;
  PostgresStoreMetrics() = default;

  prometheus::Counter* written_ = nullptr;
  std::array<prometheus::Counter*, std::size(kAllPostgresStoreDrops)> dropped_{};
  prometheus::Counter* deleted_age_ = nullptr;
  prometheus::Counter* deleted_count_ = nullptr;
  prometheus::Gauge* connected_ = nullptr;
  prometheus::Gauge* queue_depth_ = nullptr;
};

// Why held requests left the pause gate (src/proxy/pause_gate.h): the `reason` label of
// shadowdiff_pause_released_total.
enum class PauseRelease {
  kResume,    // POST /api/resume
  kDeadline,  // the pause's max_ms passed
  kDrain,     // the proxy began a graceful stop
};
inline constexpr PauseRelease kAllPauseReleases[] = {PauseRelease::kResume, PauseRelease::kDeadline,
                                                     PauseRelease::kDrain};
std::string_view PauseReleaseName(PauseRelease reason);  // "resume", "deadline", "drain"

// The series of the pause gate (POST /api/pause, /api/resume). Created by Metrics, obtained
// through Metrics::pause(); every series is pre-created. Thread-safe and lock-free.
class PauseMetrics {
 public:
  PauseMetrics(const PauseMetrics&) = delete;
  PauseMetrics& operator=(const PauseMetrics&) = delete;

  // shadowdiff_paused = 1 while new client requests are held, else 0.
  void SetPaused(bool paused);
  // shadowdiff_pause_held = client requests waiting at the gate now.
  void SetHeld(size_t held);
  // shadowdiff_pause_held_total += 1 (a request began to wait).
  void CountHeld();
  // shadowdiff_pause_released_total{reason} += 1 (a held request went on).
  void CountReleased(PauseRelease reason);
  // shadowdiff_pause_rejected_total += 1 (answered 503: max_held were already waiting).
  void CountRejected();

 private:
  friend class Metrics;
  PauseMetrics() = default;

  prometheus::Gauge* paused_ = nullptr;
  prometheus::Gauge* held_ = nullptr;
  prometheus::Counter* held_total_ = nullptr;
  std::array<prometheus::Counter*, std::size(kAllPauseReleases)> released_{};
  prometheus::Counter* rejected_ = nullptr;
};

// What a background file writer (the JSONL example store, src/store/jsonl_sink.h; the capture,
// src/store/capture_writer.h) has counted itself since it started. Those writers keep atomics
// of their own; Metrics mirrors the totals into counters when /metrics is scraped.
struct FileWriterTotals {
  uint64_t written = 0;
  uint64_t dropped_budget = 0;       // the ExampleBudget refused it (JSONL store only)
  uint64_t dropped_queue_full = 0;   // the writer fell behind
  uint64_t dropped_stopped = 0;      // offered while the writer was not running
  uint64_t dropped_write_error = 0;  // the file could not be opened or written
  uint64_t rotations = 0;
};

// The series of one file writer: <prefix>_written_total, <prefix>_dropped_total{reason} and
// <prefix>_rotations_total, every series pre-created. Created by Metrics.
class FileWriterMetrics {
 public:
  FileWriterMetrics(const FileWriterMetrics&) = delete;
  FileWriterMetrics& operator=(const FileWriterMetrics&) = delete;

  // Advances each counter to `totals` (a counter never goes backwards: a smaller total, from a
  // writer that was replaced, is ignored). Any thread; concurrent calls are serialised.
  void Mirror(const FileWriterTotals& totals);

 private:
  friend class Metrics;
  FileWriterMetrics(prometheus::Registry& registry, const std::string& prefix,
                    const std::string& what);

  std::mutex mu_;
  prometheus::Counter* written_ = nullptr;
  prometheus::Counter* dropped_budget_ = nullptr;
  prometheus::Counter* dropped_queue_full_ = nullptr;
  prometheus::Counter* dropped_stopped_ = nullptr;
  prometheus::Counter* dropped_write_error_ = nullptr;
  prometheus::Counter* rotations_ = nullptr;
};

// The series of one `endpoint` label. Created by Metrics, never destroyed before it; obtained
// through EndpointMetricsTable::For or Metrics::unmatched(). Thread-safe.
class EndpointMetrics {
 public:
  EndpointMetrics(const EndpointMetrics&) = delete;
  EndpointMetrics& operator=(const EndpointMetrics&) = delete;
  ~EndpointMetrics();

  // The `endpoint` label: the template path, or "unmatched".
  const std::string& label() const { return label_; }

  // shadowdiff_requests_total{endpoint,method,outcome} += 1. Lock-free after the first use of
  // a (method, outcome) pair.
  void CountOutcome(std::string_view method, Outcome outcome);

  // shadowdiff_field_mismatches_total{endpoint,method,field,kind} += 1 for each distinct
  // (FieldKey(diff.path), kind) among `diffs`: the counter counts compared requests in which a
  // field differed, so one array whose 500 elements differ at `$.items[*].price` adds 1, not
  // 500. The first `field_label_cap` distinct fields of this endpoint (of at most
  // kMaxFieldLabelBytes) get their own label; later or longer ones count as field="other".
  void CountFields(std::string_view method, const std::vector<Diff>& diffs);

  // shadowdiff_upstream_duration_seconds{endpoint,side}.observe(seconds).
  void ObserveUpstream(UpstreamSide side, double seconds);

  // shadowdiff_endpoint_tripped{endpoint} = 1 or 0. No-op for the unmatched endpoint (which
  // cannot trip and has no such series).
  void SetTripped(bool tripped);

 private:
  friend class Metrics;
  struct Families;
  static constexpr size_t kMethodSlots = 10;  // 9 standard methods + "other"
  static constexpr size_t kOutcomeCount = std::size(kAllOutcomes);

  EndpointMetrics(const Families* families, std::string label, bool can_trip);
  prometheus::Counter& OutcomeCounter(size_t method_slot, Outcome outcome);
  void SetFieldCap(uint32_t cap) { field_cap_.store(cap, std::memory_order_relaxed); }

  const Families* families_;
  const std::string label_;
  prometheus::Gauge* tripped_ = nullptr;  // null for "unmatched"

  // Lazily filled caches; a racing fill stores the same pointer (Family::Add is idempotent).
  std::array<std::atomic<prometheus::Counter*>, kMethodSlots * kOutcomeCount> outcomes_{};
  std::array<std::atomic<prometheus::Histogram*>, kUpstreamSideCount> upstream_{};

  std::atomic<uint32_t> field_cap_{200};
  std::mutex fields_mu_;
  std::unordered_set<std::string> fields_;  // admitted field labels (at most the cap ever set)
  // "method\0field\0kind" -> counter.
  std::unordered_map<std::string, prometheus::Counter*> field_counters_;
};

// One Config generation's view: Endpoint::id -> EndpointMetrics. Immutable; any thread.
class EndpointMetricsTable {
 public:
  // The series of `endpoint`, which must belong to the Config this table was bound from;
  // nullptr (no endpoint matched) gives the "unmatched" series.
  EndpointMetrics& For(const Endpoint* endpoint) const;

 private:
  friend class Metrics;
  std::vector<EndpointMetrics*> by_id_;
  EndpointMetrics* unmatched_ = nullptr;
};

class Metrics {
 public:
  // `version` becomes shadowdiff_build_info{version}.
  explicit Metrics(std::string_view version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Creates (or finds, by label) the series of every endpoint of `config`, sets their field
  // caps to config.limits.field_label_cap, and pre-creates the outcome counters of endpoints
  // that list their methods (so they show as 0). Call at startup and after every successful
  // reload; keep the result beside `config`. Endpoints sharing one template path (disjoint
  // methods) share one series set. Cost O(endpoints); not for the request path.
  std::shared_ptr<const EndpointMetricsTable> Bind(const Config& config);

  // The series of requests that matched no endpoint.
  EndpointMetrics& unmatched() { return *unmatched_; }

  // shadowdiff_shadow_dropped_total{reason} += 1. Every reason is pre-created. Lock-free.
  void CountDropped(ShadowSkip reason);

  // The PostgreSQL example store's series (store.postgres); present, at 0, without it.
  PostgresStoreMetrics& postgres_store() { return *postgres_store_; }

  // The pause gate's series.
  PauseMetrics& pause() { return *pause_; }

  // shadowdiff_jsonl_store_* (store.jsonl) and shadowdiff_capture_* (capture.path); present,
  // at 0, without them.
  FileWriterMetrics& jsonl_store() { return *jsonl_store_; }
  FileWriterMetrics& capture() { return *capture_; }

  // shadowdiff_config_reloads_total{result="ok"|"error"} += 1; on success also sets
  // shadowdiff_config_last_reload_success_timestamp_seconds to now (wall clock). The initial
  // load at startup counts as a reload.
  void CountReload(bool ok);

  // Gauges the proxy keeps current (Increment/Decrement/Set; all atomic).
  prometheus::Gauge& compare_queue_depth() { return *compare_queue_depth_; }  // queued
  prometheus::Gauge& shadow_inflight() { return *shadow_inflight_; }  // shadow calls in flight
  prometheus::Gauge& client_connections() { return *client_connections_; }  // open, client side

  // shadowdiff_upstream_connections{target,state="idle"|"active"}: pooled connections to one
  // upstream target, summed over I/O threads. `target` is "old", "new" or "secondary" (the
  // targets: key; a URL would make the label change with the config). For a periodic
  // callback; takes the family's lock.
  void SetUpstreamConnections(std::string_view target, double idle, double active);

  // Everything, in the Prometheus text exposition format 0.0.4 (the registry plus the process
  // metrics, read from /proc/self at this call).
  std::string Serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<ProcessCollector> process_;
  std::unique_ptr<EndpointMetrics::Families> families_;

  std::array<prometheus::Counter*, std::size(kAllShadowSkips)> dropped_{};
  prometheus::Counter* reloads_ok_ = nullptr;
  prometheus::Counter* reloads_error_ = nullptr;
  prometheus::Gauge* last_reload_success_ = nullptr;
  prometheus::Gauge* compare_queue_depth_ = nullptr;
  prometheus::Gauge* shadow_inflight_ = nullptr;
  prometheus::Gauge* client_connections_ = nullptr;
  prometheus::Family<prometheus::Gauge>* upstream_connections_ = nullptr;
  std::unique_ptr<PostgresStoreMetrics> postgres_store_;
  std::unique_ptr<PauseMetrics> pause_;
  std::unique_ptr<FileWriterMetrics> jsonl_store_;
  std::unique_ptr<FileWriterMetrics> capture_;

  std::mutex endpoints_mu_;  // guards by_label_ (Bind only; the hot path never takes it)
  std::map<std::string, std::unique_ptr<EndpointMetrics>, std::less<>> by_label_;
  std::unique_ptr<EndpointMetrics> unmatched_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_METRICS_METRICS_H_
