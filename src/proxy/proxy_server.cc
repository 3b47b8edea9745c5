#include "src/proxy/proxy_server.h"

#include <cstdlib>
#include <random>
#include <thread>

#include "src/admin/admin_routes.h"
#include "src/admin/admin_server.h"
#include "src/admin/mismatches_route.h"
#include "src/admin/pause_routes.h"
#include "src/admin/ui_routes.h"
#include "src/compare/compare_pool.h"
#include "src/compare/noise_registry.h"
#include "src/compare/trip_registry.h"
#include "src/core/config_loader.h"
#include "src/core/payload_redactor.h"
#include "src/core/reload_scope.h"
#include "src/io/log.h"
#include "src/proxy/edge_server.h"
#include "src/proxy/exchange_report.h"
#include "src/proxy/fanout.h"
#include "src/proxy/io_threads.h"
#include "src/store/capture_writer.h"
#include "src/store/fanout_sink.h"
#include "src/store/jsonl_sink.h"
#include "src/store/memory_ring.h"
#include "src/store/postgres_sink.h"

namespace shadowdiff {
namespace {

std::string EnvOrEmpty(const std::string& name) {
  if (name.empty()) return {};
  const char* value = std::getenv(name.c_str());
  return value != nullptr ? value : "";
}

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Endpoints are the same across two configs when their template and methods are.
const Endpoint* SameEndpoint(const Config& config, const Endpoint& endpoint) {
  for (const Endpoint& e : config.endpoints.endpoints()) {
    if (e.path_template == endpoint.path_template &&
        e.settings.methods == endpoint.settings.methods) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace

ProxyServer::ProxyServer() = default;

ProxyServer::~ProxyServer() { Drain(); }

Result<std::shared_ptr<const LiveConfig>> ProxyServer::MakeLive(
    std::shared_ptr<const Config> config) {
  if (Status s = RequireTargets(*config); !s.ok()) return s.error();
  auto live = std::make_shared<LiveConfig>();
  live->metrics = metrics_->Bind(*config);
  live->rollback_secret = EnvOrEmpty(config->rollback.secret_env);
  live->trips = std::make_shared<TripRegistry>(config->endpoints.size());
  live->redactor = std::make_shared<PayloadRedactor>(config->redact);
  live->generation = ++generation_;
  // Tripped endpoints stay tripped across a reload.
  if (auto previous = holder_.Get()) {
    for (size_t id : previous->trips->TrippedIds()) {
      const Endpoint& old_endpoint = previous->config->endpoints.endpoints()[id];
      if (const Endpoint* same = SameEndpoint(*config, old_endpoint)) {
        live->trips->Trip(same->id, previous->trips->TrippedAt(id));
      }
    }
  }
  live->config = std::move(config);
  return std::shared_ptr<const LiveConfig>(std::move(live));
}

Result<std::unique_ptr<ProxyServer>> ProxyServer::Start(std::shared_ptr<const Config> config,
                                                        ProxyServerOptions options) {
  std::unique_ptr<ProxyServer> server(new ProxyServer());
  const Limits& limits = config->limits;
  server->metrics_ = std::make_unique<Metrics>(options.version);
  server->stats_ = std::make_unique<EndpointStats>();
  server->observer_ = options.observer;
  server->pause_ = std::make_unique<PauseGate>(&server->metrics_->pause());
  auto live = server->MakeLive(config);
  if (!live.ok()) return live.error();
  server->holder_.Set(*live);

  server->noise_ = std::make_unique<NoiseRegistry>();
  server->inflight_ = std::make_unique<InflightLimiter>(limits.max_inflight_shadow);
  server->ring_ = std::make_unique<MemoryRing>();
  std::vector<ExampleSink*> sinks = {server->ring_.get()};
  if (!config->store.jsonl.empty()) {
    JsonlSink::Options jsonl;
    jsonl.path = config->store.jsonl;
    server->jsonl_ = std::make_unique<JsonlSink>(jsonl);
    if (Status s = server->jsonl_->Start(); !s.ok()) return s.error();
    sinks.push_back(server->jsonl_.get());
  }
  if (!config->store.postgres.empty()) {
    // Connects in the background: a database that is down is logged and retried, never a
    // startup error; a malformed conninfo is. Store settings apply at start only.
    PostgresSink::Options postgres;
    postgres.conninfo = config->store.postgres;
    postgres.retention.max_age = std::chrono::hours(24) * config->store.postgres_retention_days;
    postgres.retention.max_rows_per_endpoint = config->store.postgres_max_rows_per_endpoint;
    server->postgres_ =
        std::make_unique<PostgresSink>(postgres, &server->metrics_->postgres_store());
    if (Status s = server->postgres_->Start(); !s.ok()) return s.error();
    sinks.push_back(server->postgres_.get());
  }
  server->sinks_ = std::make_unique<FanoutSink>(sinks);
  if (!config->capture.path.empty()) {
    CaptureWriterOptions capture;
    capture.path = config->capture.path;
    capture.gzip = config->capture.gzip;
    capture.max_file_bytes = config->capture.max_bytes;
    server->capture_ = std::make_unique<CaptureWriter>(capture);
    if (Status s = server->capture_->Start(); !s.ok()) return s.error();
  }
  server->compare_ = std::make_unique<ComparePool>(std::max<size_t>(1, limits.compare_workers),
                                                   std::max<size_t>(1, limits.compare_queue));

  size_t threads = options.io_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  server->io_ = std::make_unique<IoThreads>(threads);
  server->edge_ = std::make_unique<EdgeServer>(*server->io_);
  ProxyServer* self = server.get();
  auto port = server->edge_->Start(
      options.listen.value_or(config->listen), EdgeOptions::FromLimits(limits),
      [self](size_t, boost::asio::io_context& context) -> std::shared_ptr<RequestHandler> {
        return std::make_shared<FanOut>(context.get_executor(), *self);
      });
  if (!port.ok()) return port.error();

  AdminRouter router;
  AddMetricsRoute(&router, server->metrics_.get(), [self] { self->RefreshScrapedMetrics(); });
  AddHealthRoute(&router);
  AddUiRoutes(&router);
  AddReloadRoute(&router, [self] { return self->Reload(); });
  AddEndpointsResetRoute(&router, [self](std::string_view endpoint, std::string_view method) {
    return self->ResetTrips(endpoint, method);
  });
  AddEndpointsRoute(&router, [self] { return self->EndpointsReportNow(); });
  AddMismatchesRoute(&router, server->ring_.get());
  AddPauseRoutes(&router,
                 PauseCallbacks{[self](std::chrono::milliseconds max_wait, size_t max_held) {
                                  return self->pause_->Pause(max_wait, max_held);
                                },
                                [self] { return self->pause_->Resume(); },
                                [self] {
                                  auto live = self->holder_.Get();
                                  return live ? live->config->limits : Limits{};
                                }});
  const std::string token = EnvOrEmpty(config->admin.token_env);
  if (!token.empty()) router.SetBearerToken(token);
  AdminServerOptions admin_options;
  admin_options.listen = options.admin_listen.value_or(config->admin.listen);
  server->admin_ = std::make_unique<AdminServer>(admin_options, std::move(router));
  if (Status s = server->admin_->Start(); !s.ok()) return s.error();

  server->io_->Start();
  log::Info("proxy_started",
            {{"listen", HostPort{options.listen.value_or(config->listen).host, *port}.ToString()},
             {"old", config->targets.old_target->text},
             {"new", config->targets.new_target->text},
             {"config", config->source},
             {"io_threads", std::to_string(threads)}});
  return server;
}

uint16_t ProxyServer::port() const { return edge_->port(); }

HostPort ProxyServer::admin_address() const { return admin_->local_address(); }

Status ProxyServer::Reload() {
  std::lock_guard lock(reload_mu_);
  const std::string path = holder_.Get()->config->source;
  auto loaded = LoadConfigFile(path);
  Result<std::shared_ptr<const LiveConfig>> live =
      loaded.ok() ? MakeLive(*loaded) : Result<std::shared_ptr<const LiveConfig>>(loaded.error());
  if (!live.ok()) {
    metrics_->CountReload(false);
    log::Error("config_reload_failed",
               {{"file", path}, {"error", live.error().message}, {"kept", "previous config"}});
    return live.error();
  }
  const Config& before = *holder_.Get()->config;
  const Config& after = *(*live)->config;
  if (const std::vector<std::string> kept = RestartOnlyChanges(before, after); !kept.empty()) {
    std::string keys;
    for (const std::string& key : kept) keys += (keys.empty() ? "" : ",") + key;
    log::Warn("config_reload_partial",
              {{"file", path},
               {"keys", keys},
               {"detail", "these keep their startup values until a restart; the rest applies"}});
  }
  inflight_->set_cap(after.limits.max_inflight_shadow);
  holder_.Set(*live);
  metrics_->CountReload(true);
  log::Info("config_reloaded", {{"file", path},
                                {"endpoints", std::to_string(after.endpoints.size())},
                                {"generation", std::to_string((*live)->generation)}});
  return Status();
}

bool ProxyServer::IsTripped(const LiveConfig& live, const Endpoint& endpoint) const {
  return live.trips->IsTripped(endpoint.id);
}

void ProxyServer::Trip(const LiveConfig& live, const Endpoint& endpoint, std::string_view shadow_id,
                       std::string_view detail) {
  std::lock_guard lock(reload_mu_);
  const int64_t now = NowUnixMillis();
  bool newly = live.trips->Trip(endpoint.id, now);
  // The request may have been served by an older generation: trip the current one too.
  auto current = holder_.Get();
  if (current.get() != &live) {
    if (const Endpoint* same = SameEndpoint(*current->config, endpoint)) {
      newly = current->trips->Trip(same->id, now) || newly;
    }
  }
  live.metrics->For(&endpoint).SetTripped(true);
  if (newly) {
    log::Error(
        "endpoint_tripped",
        {{"endpoint", endpoint.path_template},
         {"methods", endpoint.settings.methods.ToString()},
         {"shadow_id", shadow_id},
         {"reason", detail},
         {"action", "no more shadow calls to this endpoint until POST /api/endpoints/reset"}});
  }
}

size_t ProxyServer::ResetTrips() {
  std::lock_guard lock(reload_mu_);
  auto live = holder_.Get();
  for (size_t id : live->trips->TrippedIds()) {
    live->metrics->For(&live->config->endpoints.endpoints()[id]).SetTripped(false);
  }
  size_t cleared = live->trips->ResetAll();
  if (cleared > 0) log::Warn("endpoints_reset", {{"count", std::to_string(cleared)}});
  return cleared;
}

Result<size_t> ProxyServer::ResetTrips(std::string_view endpoint, std::string_view method) {
  if (endpoint.empty()) return ResetTrips();
  std::lock_guard lock(reload_mu_);
  auto live = holder_.Get();
  bool known = false;
  size_t cleared = 0;
  for (const Endpoint& e : live->config->endpoints.endpoints()) {
    if (e.path_template != endpoint) continue;
    if (!method.empty() && !e.settings.methods.Contains(method)) continue;
    known = true;
    if (live->trips->Reset(e.id)) {
      ++cleared;
      // Endpoints sharing a template share the gauge: clear it when none is tripped.
      bool still = false;
      for (const Endpoint& other : live->config->endpoints.endpoints()) {
        still = still || (other.path_template == endpoint && live->trips->IsTripped(other.id));
      }
      if (!still) live->metrics->For(&e).SetTripped(false);
    }
  }
  if (!known) {
    return Error{"no endpoint " + std::string(endpoint) +
                 (method.empty() ? "" : " serving " + std::string(method)) +
                 " in the current config; GET /api/endpoints lists them"};
  }
  if (cleared > 0) {
    log::Warn("endpoints_reset", {{"endpoint", endpoint}, {"count", std::to_string(cleared)}});
  }
  return cleared;
}

EndpointsReport ProxyServer::EndpointsReportNow() {
  EndpointsReport report;
  report.generated_at = std::chrono::system_clock::now();
  report.uptime_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::steady_clock::now() - started_at_)
                              .count();
  report.paused = pause_->paused();
  auto live = holder_.Get();
  report.endpoints = BuildEndpointsReport(*stats_, *noise_, *live->config, *live->trips);
  return report;
}

std::shared_ptr<CircuitBreaker> ProxyServer::BreakerFor(const TargetUrl& target) {
  std::lock_guard lock(breakers_mu_);
  auto& breaker = breakers_[target.text];
  if (!breaker) breaker = std::make_shared<CircuitBreaker>();
  return breaker;
}

ShadowTicket ProxyServer::AdmitShadow(const TargetUrl& target, ShadowSkip* reason) {
  ShadowTicket ticket;
  ticket.breaker = BreakerFor(target);
  ticket.admission = ticket.breaker->TryPass();
  if (ticket.admission == CircuitBreaker::Admission::kRejected) {
    *reason = ShadowSkip::kCircuitOpen;
    return ShadowTicket{};
  }
  ticket.slot = inflight_->TryAcquire();
  if (!ticket.slot) {
    // The breaker's admission is handed back unused: a half-open probe that never ran must
    // neither close nor re-open the breaker.
    ticket.breaker->Cancel(ticket.admission);
    *reason = ShadowSkip::kInflightFull;
    return ShadowTicket{};
  }
  metrics_->shadow_inflight().Set(inflight_->in_flight());
  return ticket;
}

void ProxyServer::ShadowFinished(ShadowTicket ticket, const UpstreamResult& result) {
  // Connect errors and timeouts are the target's fault; an answer of any status is not.
  const bool failed =
      result.status == UpstreamStatus::kConnectError || result.status == UpstreamStatus::kTimeout ||
      result.status == UpstreamStatus::kIoError || result.status == UpstreamStatus::kProtocolError;
  if (failed) {
    ticket.breaker->RecordFailure(ticket.admission);
  } else {
    ticket.breaker->RecordSuccess(ticket.admission);
  }
  ticket.slot.Release();
  metrics_->shadow_inflight().Set(inflight_->in_flight());
}

void ProxyServer::RefreshScrapedMetrics() {
  (void)pause_->paused();  // brings the pause gauges up to date
  if (jsonl_) {
    const JsonlSink::Stats s = jsonl_->stats();
    metrics_->jsonl_store().Mirror({.written = s.written,
                                    .dropped_budget = s.dropped_budget,
                                    .dropped_queue_full = s.dropped_queue_full,
                                    .dropped_stopped = s.dropped_stopped,
                                    .dropped_write_error = s.write_errors,
                                    .rotations = s.rotations});
  }
  if (capture_) {
    const CaptureWriter::Stats s = capture_->stats();
    metrics_->capture().Mirror({.written = s.written,
                                .dropped_queue_full = s.dropped_queue_full,
                                .dropped_stopped = s.dropped_stopped,
                                .dropped_write_error = s.dropped_write_error,
                                .rotations = s.rotations});
  }
  upstream_gauges_.Read([this](std::string_view role, uint64_t idle, uint64_t active) {
    metrics_->SetUpstreamConnections(role, static_cast<double>(idle), static_cast<double>(active));
  });
}

void ProxyServer::Capture(const UpstreamRequest& request, const UpstreamResult& primary,
                          std::chrono::system_clock::time_point received_at) {
  if (!capture_) return;
  auto live = holder_.Get();
  const double sample = live->config->capture.sample;
  if (sample < 1.0) {
    thread_local std::minstd_rand rng(std::random_device{}());
    if (std::uniform_real_distribution<double>(0.0, 1.0)(rng) >= sample) return;
  }
  CaptureRecord record;
  record.time = received_at;
  record.request = Request{request.method, request.target, request.headers, request.body};
  if (primary.ok()) record.response = primary.response;
  record.redactor = live->redactor;
  (void)capture_->Offer(std::move(record));
}

namespace {

uint64_t BodyBytes(const ShadowedExchange& x) {
  uint64_t n =
      x.request.body.size() + x.primary.response.body.size() + x.shadow.response.body.size();
  if (x.secondary) n += x.secondary->response.body.size();
  return n;
}

// Bytes a submitted comparison holds against limits.compare_queue_bytes, given back when the
// job is destroyed (run or abandoned at stop).
class CompareBytesHold {
 public:
  CompareBytesHold(std::shared_ptr<std::atomic<uint64_t>> held, uint64_t bytes)
      : held_(std::move(held)), bytes_(bytes) {}
  ~CompareBytesHold() { held_->fetch_sub(bytes_, std::memory_order_relaxed); }
  CompareBytesHold(const CompareBytesHold&) = delete;
  CompareBytesHold& operator=(const CompareBytesHold&) = delete;

 private:
  std::shared_ptr<std::atomic<uint64_t>> held_;
  uint64_t bytes_;
};

}  // namespace

void ProxyServer::SubmitComparison(ShadowedExchange exchange) {
  auto shared = std::make_shared<ShadowedExchange>(std::move(exchange));
  const ReportSinks sinks{noise_.get(), sinks_.get(), stats_.get(), observer_.get()};
  const uint64_t bytes = BodyBytes(*shared);
  const uint64_t before = compare_bytes_->fetch_add(bytes, std::memory_order_relaxed);
  auto hold = std::make_shared<CompareBytesHold>(compare_bytes_, bytes);
  bool queued = false;
  if (before == 0 || before + bytes <= shared->live->config->limits.compare_queue_bytes) {
    queued = compare_->TrySubmit([shared, sinks, hold](CompareScratch& scratch) {
      ReportExchange(*shared, scratch, sinks);
    });
  }
  hold.reset();  // the job holds the bytes now, or nobody does
  metrics_->compare_queue_depth().Set(static_cast<double>(compare_->queue_depth()));
  if (!queued) {
    metrics_->CountDropped(ShadowSkip::kQueueFull);
    ReportUncompared(*shared, ShadowSkip::kQueueFull, stats_.get(), observer_.get());
  }
}

void ProxyServer::Drain() {
  if (drained_) return;
  drained_ = true;
  draining_.store(true, std::memory_order_release);
  auto live = holder_.Get();
  const auto deadline =
      std::chrono::milliseconds(live ? live->config->limits.drain_timeout_ms : 30000);
  log::Info("proxy_draining", {{"deadline_ms", std::to_string(deadline.count())}});
  bool clean = true;
  if (pause_) pause_->Close();  // held requests go on (and say Connection: close)
  if (edge_ && io_ && io_->running()) clean = edge_->Drain(deadline);
  if (io_) io_->Stop();
  size_t unfinished = 0;
  if (compare_) unfinished = compare_->Stop(std::chrono::steady_clock::now() + deadline);
  if (jsonl_) jsonl_->Stop();
  if (capture_) capture_->Stop();  // after the I/O threads: nothing offers any more
  if (postgres_) postgres_->Stop();
  if (admin_) admin_->Stop();
  edge_.reset();
  log::Info("proxy_stopped", {{"clean", clean ? "true" : "false"},
                              {"comparisons_abandoned", std::to_string(unfinished)}});
}

}  // namespace shadowdiff
