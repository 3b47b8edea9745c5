#include "src/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <bit>
#include <cassert>
#include <chrono>
#include <sstream>
#include <utility>

#include "src/core/method_set.h"
#include "src/metrics/process_collector.h"

namespace shadowdiff {

// The families holding per-endpoint series. Owned by Metrics (the families themselves by its
// registry); read-only after construction.
struct EndpointMetrics::Families {
  prometheus::Family<prometheus::Counter>* requests = nullptr;
  prometheus::Family<prometheus::Counter>* field_mismatches = nullptr;
  prometheus::Family<prometheus::Histogram>* upstream_duration = nullptr;
  prometheus::Family<prometheus::Gauge>* tripped = nullptr;
};

namespace {

// The slot of a method in per-method caches: its index in MethodSet::StandardMethods(), or
// the last slot ("other").
size_t MethodSlot(std::string_view method) {
  std::optional<uint16_t> bit = MethodSet::BitOf(method);
  if (!bit) return MethodSet::StandardMethods().size();
  return static_cast<size_t>(std::countr_zero(*bit));
}

std::string_view MethodSlotLabel(size_t slot) {
  auto standard = MethodSet::StandardMethods();
  return slot < standard.size() ? standard[slot] : std::string_view("other");
}

size_t OutcomeIndex(Outcome outcome) { return static_cast<size_t>(outcome); }

const prometheus::Histogram::BucketBoundaries& UpstreamBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets(std::begin(kUpstreamDurationBuckets),
                                                               std::end(kUpstreamDurationBuckets));
  return buckets;
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string_view UpstreamSideName(UpstreamSide side) {
  switch (side) {
    case UpstreamSide::kOld:
      return "old";
    case UpstreamSide::kNew:
      return "new";
    case UpstreamSide::kSecondary:
      return "secondary";
  }
  return "old";
}

std::string_view MethodLabel(std::string_view method) {
  return MethodSlotLabel(MethodSlot(method));
}

// ---- EndpointMetrics -----------------------------------------------------------------------

EndpointMetrics::EndpointMetrics(const Families* families, std::string label, bool can_trip)
    : families_(families), label_(std::move(label)) {
  assert(MethodSet::StandardMethods().size() + 1 == kMethodSlots);
  if (can_trip) {
    tripped_ = &families_->tripped->Add({{"endpoint", label_}});
  }
}

EndpointMetrics::~EndpointMetrics() = default;

prometheus::Counter& EndpointMetrics::OutcomeCounter(size_t method_slot, Outcome outcome) {
  std::atomic<prometheus::Counter*>& slot =
      outcomes_[method_slot * kOutcomeCount + OutcomeIndex(outcome)];
  prometheus::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::Add returns the existing series for the same labels, so racing threads store
    // the same pointer.
    counter = &families_->requests->Add({{"endpoint", label_},
                                         {"method", std::string(MethodSlotLabel(method_slot))},
                                         {"outcome", std::string(OutcomeName(outcome))}});
    slot.store(counter, std::memory_order_release);
  }
  return *counter;
}

void EndpointMetrics::CountOutcome(std::string_view method, Outcome outcome) {
  OutcomeCounter(MethodSlot(method), outcome).Increment();
}

void EndpointMetrics::CountFields(std::string_view method, const std::vector<Diff>& diffs) {
  if (diffs.empty()) return;
  const std::string_view method_label = MethodLabel(method);
  std::string key;
  std::unordered_set<std::string> seen;  // keys counted by this call
  std::lock_guard lock(fields_mu_);
  const uint32_t cap = field_cap_.load(std::memory_order_relaxed);
  for (const Diff& diff : diffs) {
    std::string field = FieldKey(diff.path);
    if (!fields_.contains(field)) {
      if (fields_.size() < cap && field.size() <= kMaxFieldLabelBytes) {
        fields_.insert(field);
      } else {
        field = kOverflowFieldLabel;
      }
    }
    const std::string_view kind = DiffKindName(diff.kind);
    key.clear();
    key.append(method_label).push_back('\0');
    key.append(field).push_back('\0');
    key.append(kind);
    if (!seen.insert(key).second) continue;
    auto it = field_counters_.find(key);
    if (it == field_counters_.end()) {
      prometheus::Counter& counter =
          families_->field_mismatches->Add({{"endpoint", label_},
                                            {"method", std::string(method_label)},
                                            {"field", field},
                                            {"kind", std::string(kind)}});
      it = field_counters_.emplace(key, &counter).first;
    }
    it->second->Increment();
  }
}

void EndpointMetrics::ObserveUpstream(UpstreamSide side, double seconds) {
  std::atomic<prometheus::Histogram*>& slot = upstream_[static_cast<size_t>(side)];
  prometheus::Histogram* histogram = slot.load(std::memory_order_acquire);
  if (histogram == nullptr) {
    histogram = &families_->upstream_duration->Add(
        {{"endpoint", label_}, {"side", std::string(UpstreamSideName(side))}}, UpstreamBuckets());
    slot.store(histogram, std::memory_order_release);
  }
  histogram->Observe(seconds);
}

void EndpointMetrics::SetTripped(bool tripped) {
  if (tripped_ != nullptr) tripped_->Set(tripped ? 1 : 0);
}

// ---- PostgresStoreMetrics ------------------------------------------------------------------

std::string_view PostgresStoreDropName(PostgresStoreDrop reason) {
  switch (reason) {
    case PostgresStoreDrop::kBudget:
      return "budget";
    case PostgresStoreDrop::kQueueFull:
      return "queue_full";
    case PostgresStoreDrop::kDatabaseDown:
      return "database_down";
    case PostgresStoreDrop::kRejected:
      return "rejected";
    case PostgresStoreDrop::kStopped:
      return "stopped";
  }
  return "stopped";
}

void PostgresStoreMetrics::CountWritten(uint64_t n) { written_->Increment(static_cast<double>(n)); }

void PostgresStoreMetrics::CountDropped(PostgresStoreDrop reason, uint64_t n) {
  dropped_[static_cast<size_t>(reason)]->Increment(static_cast<double>(n));
}

void PostgresStoreMetrics::CountRetentionDeleted(bool by_age, uint64_t n) {
  (by_age ? deleted_age_ : deleted_count_)->Increment(static_cast<double>(n));
}

void PostgresStoreMetrics::SetConnected(bool connected) { connected_->Set(connected ? 1 : 0); }

void PostgresStoreMetrics::SetQueueDepth(size_t depth) {
  queue_depth_->Set(static_cast<double>(depth));
}

// ---- FileWriterMetrics ---------------------------------------------------------------------

void FileWriterMetrics::Mirror(const FileWriterTotals& totals) {
  std::lock_guard lock(mu_);
  const auto advance = [](prometheus::Counter* counter, uint64_t total) {
    const double delta = static_cast<double>(total) - counter->Value();
    if (delta > 0) counter->Increment(delta);
  };
  advance(written_, totals.written);
  advance(dropped_budget_, totals.dropped_budget);
  advance(dropped_queue_full_, totals.dropped_queue_full);
  advance(dropped_stopped_, totals.dropped_stopped);
  advance(dropped_write_error_, totals.dropped_write_error);
  advance(rotations_, totals.rotations);
}

FileWriterMetrics::FileWriterMetrics(prometheus::Registry& registry, const std::string& prefix,
                                     const std::string& what) {
  written_ = &prometheus::BuildCounter()
                  .Name(prefix + "_written_total")
                  .Help(what + ": lines written.")
                  .Register(registry)
                  .Add({});
  auto& dropped = prometheus::BuildCounter()
                      .Name(prefix + "_dropped_total")
                      .Help(what +
                            ": lines not written, by reason (budget, queue_full, stopped, "
                            "write_error).")
                      .Register(registry);
  dropped_budget_ = &dropped.Add({{"reason", "budget"}});
  dropped_queue_full_ = &dropped.Add({{"reason", "queue_full"}});
  dropped_stopped_ = &dropped.Add({{"reason", "stopped"}});
  dropped_write_error_ = &dropped.Add({{"reason", "write_error"}});
  rotations_ = &prometheus::BuildCounter()
                    .Name(prefix + "_rotations_total")
                    .Help(what + ": files rotated by size.")
                    .Register(registry)
                    .Add({});
}

// ---- PauseMetrics --------------------------------------------------------------------------

std::string_view PauseReleaseName(PauseRelease reason) {
  switch (reason) {
    case PauseRelease::kResume:
      return "resume";
    case PauseRelease::kDeadline:
      return "deadline";
    case PauseRelease::kDrain:
      return "drain";
  }
  return "resume";
}

void PauseMetrics::SetPaused(bool paused) { paused_->Set(paused ? 1 : 0); }

void PauseMetrics::SetHeld(size_t held) { held_->Set(static_cast<double>(held)); }

void PauseMetrics::CountHeld() { held_total_->Increment(); }

void PauseMetrics::CountReleased(PauseRelease reason) {
  released_[static_cast<size_t>(reason)]->Increment();
}

void PauseMetrics::CountRejected() { rejected_->Increment(); }

// ---- EndpointMetricsTable ------------------------------------------------------------------

EndpointMetrics& EndpointMetricsTable::For(const Endpoint* endpoint) const {
  if (endpoint == nullptr || endpoint->id >= by_id_.size()) return *unmatched_;
  return *by_id_[endpoint->id];
}

// ---- Metrics -------------------------------------------------------------------------------

Metrics::Metrics(std::string_view version)
    : registry_(std::make_shared<prometheus::Registry>()),
      process_(std::make_unique<ProcessCollector>()),
      families_(std::make_unique<EndpointMetrics::Families>()) {
  prometheus::Registry& registry = *registry_;
  families_->requests =
      &prometheus::BuildCounter()
           .Name("shadowdiff_requests_total")
           .Help("Client requests by endpoint, method and outcome of the shadow comparison.")
           .Register(registry);
  families_->field_mismatches =
      &prometheus::BuildCounter()
           .Name("shadowdiff_field_mismatches_total")
           .Help(
               "Compared requests in which a field differed, by field (array indices as "
               "[*]; beyond the per-endpoint cap as \"other\") and kind of difference.")
           .Register(registry);
  families_->upstream_duration =
      &prometheus::BuildHistogram()
           .Name("shadowdiff_upstream_duration_seconds")
           .Help("Time from sending a request upstream to its complete response, by side.")
           .Register(registry);
  families_->tripped =
      &prometheus::BuildGauge()
           .Name("shadowdiff_endpoint_tripped")
           .Help(
               "1 while shadowing of the endpoint is stopped after an unconfirmed rollback, "
               "until POST /api/endpoints/reset.")
           .Register(registry);

  auto& dropped = prometheus::BuildCounter()
                      .Name("shadowdiff_shadow_dropped_total")
                      .Help("Requests not shadowed, by reason.")
                      .Register(registry);
  for (ShadowSkip reason : kAllShadowSkips) {
    dropped_[static_cast<size_t>(reason)] =
        &dropped.Add({{"reason", std::string(ShadowSkipName(reason))}});
  }

  auto& reloads = prometheus::BuildCounter()
                      .Name("shadowdiff_config_reloads_total")
                      .Help("Configuration loads (startup, SIGHUP, POST /api/reload) by result.")
                      .Register(registry);
  reloads_ok_ = &reloads.Add({{"result", "ok"}});
  reloads_error_ = &reloads.Add({{"result", "error"}});
  last_reload_success_ = &prometheus::BuildGauge()
                              .Name("shadowdiff_config_last_reload_success_timestamp_seconds")
                              .Help("Unix time of the last successful configuration load.")
                              .Register(registry)
                              .Add({});
  compare_queue_depth_ = &prometheus::BuildGauge()
                              .Name("shadowdiff_compare_queue_depth")
                              .Help("Comparisons waiting for a comparison worker.")
                              .Register(registry)
                              .Add({});
  shadow_inflight_ = &prometheus::BuildGauge()
                          .Name("shadowdiff_shadow_inflight")
                          .Help("Shadow calls in flight.")
                          .Register(registry)
                          .Add({});
  client_connections_ = &prometheus::BuildGauge()
                             .Name("shadowdiff_client_connections")
                             .Help("Open client connections.")
                             .Register(registry)
                             .Add({});
  upstream_connections_ =
      &prometheus::BuildGauge()
           .Name("shadowdiff_upstream_connections")
           .Help("Pooled connections to an upstream target, by state (idle or active).")
           .Register(registry);
  postgres_store_.reset(new PostgresStoreMetrics());
  postgres_store_->written_ =
      &prometheus::BuildCounter()
           .Name("shadowdiff_postgres_store_written_total")
           .Help("Example records inserted into PostgreSQL (store.postgres).")
           .Register(registry)
           .Add({});
  auto& pg_dropped = prometheus::BuildCounter()
                         .Name("shadowdiff_postgres_store_dropped_total")
                         .Help("Example records the PostgreSQL store did not write, by reason.")
                         .Register(registry);
  for (PostgresStoreDrop reason : kAllPostgresStoreDrops) {
    postgres_store_->dropped_[static_cast<size_t>(reason)] =
        &pg_dropped.Add({{"reason", std::string(PostgresStoreDropName(reason))}});
  }
  auto& pg_deleted = prometheus::BuildCounter()
                         .Name("shadowdiff_postgres_store_retention_deleted_total")
                         .Help(
                             "Example rows deleted by the PostgreSQL store's retention, by "
                             "reason (older than the age limit, or beyond the per-endpoint "
                             "row limit).")
                         .Register(registry);
  postgres_store_->deleted_age_ = &pg_deleted.Add({{"reason", "age"}});
  postgres_store_->deleted_count_ = &pg_deleted.Add({{"reason", "count"}});
  postgres_store_->connected_ =
      &prometheus::BuildGauge()
           .Name("shadowdiff_postgres_store_connected")
           .Help("1 while the PostgreSQL example store has a working connection, else 0.")
           .Register(registry)
           .Add({});
  postgres_store_->queue_depth_ =
      &prometheus::BuildGauge()
           .Name("shadowdiff_postgres_store_queue_depth")
           .Help("Example records waiting for the PostgreSQL store's writer.")
           .Register(registry)
           .Add({});
  pause_.reset(new PauseMetrics());
  pause_->paused_ = &prometheus::BuildGauge()
                         .Name("shadowdiff_paused")
                         .Help("1 while new client requests are held (POST /api/pause), else 0.")
                         .Register(registry)
                         .Add({});
  pause_->held_ = &prometheus::BuildGauge()
                       .Name("shadowdiff_pause_held")
                       .Help("Client requests held by a pause now.")
                       .Register(registry)
                       .Add({});
  pause_->held_total_ = &prometheus::BuildCounter()
                             .Name("shadowdiff_pause_held_total")
                             .Help("Client requests that were held by a pause.")
                             .Register(registry)
                             .Add({});
  auto& pause_released =
      prometheus::BuildCounter()
          .Name("shadowdiff_pause_released_total")
          .Help("Held client requests released, by reason (resume, deadline, drain).")
          .Register(registry);
  for (PauseRelease reason : kAllPauseReleases) {
    pause_->released_[static_cast<size_t>(reason)] =
        &pause_released.Add({{"reason", std::string(PauseReleaseName(reason))}});
  }
  pause_->rejected_ =
      &prometheus::BuildCounter()
           .Name("shadowdiff_pause_rejected_total")
           .Help("Client requests answered 503 during a pause because max_held were held.")
           .Register(registry)
           .Add({});
  jsonl_store_.reset(new FileWriterMetrics(*registry_, "shadowdiff_jsonl_store",
                                           "The JSONL example store (store.jsonl)"));
  capture_.reset(
      new FileWriterMetrics(*registry_, "shadowdiff_capture", "The capture (capture.path)"));
  prometheus::BuildGauge()
      .Name("shadowdiff_build_info")
      .Help("Always 1; the version label says which shadowdiff is running.")
      .Register(registry)
      .Add({{"version", std::string(version)}})
      .Set(1);

  unmatched_.reset(
      new EndpointMetrics(families_.get(), std::string(kUnmatchedEndpointLabel), false));
}

Metrics::~Metrics() = default;

std::shared_ptr<const EndpointMetricsTable> Metrics::Bind(const Config& config) {
  auto table = std::make_shared<EndpointMetricsTable>();
  table->unmatched_ = unmatched_.get();
  const uint32_t cap = config.limits.field_label_cap;
  unmatched_->SetFieldCap(cap);
  std::lock_guard lock(endpoints_mu_);
  const std::vector<Endpoint>& endpoints = config.endpoints.endpoints();
  table->by_id_.resize(endpoints.size());
  for (const Endpoint& endpoint : endpoints) {
    auto it = by_label_.find(endpoint.path_template);
    if (it == by_label_.end()) {
      std::unique_ptr<EndpointMetrics> created(
          new EndpointMetrics(families_.get(), endpoint.path_template, true));
      it = by_label_.emplace(endpoint.path_template, std::move(created)).first;
    }
    EndpointMetrics* series = it->second.get();
    series->SetFieldCap(cap);
    // Pre-create outcome series for listed methods so rates read 0, not "no data". An
    // endpoint serving every method (the default) gets its series on first use instead:
    // 10 methods x 8 outcomes of zeros would be noise.
    const MethodSet& methods = endpoint.settings.methods;
    if (!methods.all()) {
      auto standard = MethodSet::StandardMethods();
      for (size_t slot = 0; slot < standard.size(); ++slot) {
        if (!methods.Contains(standard[slot])) continue;
        for (Outcome outcome : kAllOutcomes) series->OutcomeCounter(slot, outcome);
      }
    }
    table->by_id_[endpoint.id] = series;
  }
  return table;
}

void Metrics::CountDropped(ShadowSkip reason) {
  dropped_[static_cast<size_t>(reason)]->Increment();
}

void Metrics::CountReload(bool ok) {
  if (ok) {
    reloads_ok_->Increment();
    last_reload_success_->Set(NowSeconds());
  } else {
    reloads_error_->Increment();
  }
}

void Metrics::SetUpstreamConnections(std::string_view target, double idle, double active) {
  const std::string target_label(target);
  upstream_connections_->Add({{"target", target_label}, {"state", "idle"}}).Set(idle);
  upstream_connections_->Add({{"target", target_label}, {"state", "active"}}).Set(active);
}

std::string Metrics::Serialize() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  std::vector<prometheus::MetricFamily> process = process_->Collect();
  families.insert(families.end(), std::make_move_iterator(process.begin()),
                  std::make_move_iterator(process.end()));
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return std::move(out).str();
}

}  // namespace shadowdiff
