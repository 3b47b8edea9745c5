// ProxyServer: the whole running proxy — client-facing edge with a FanOut per I/O thread,
// comparison pool, metrics, example stores and the admin server — and the shared state the
// fan-outs reach through ProxyRuntime. `shadowdiff proxy` and the integration tests start
// one of these.
//
// Lifecycle (one controlling thread, never an I/O thread):
//   auto server = ProxyServer::Start(config, options);   // binds, starts every thread
//   server->Reload();                                     // SIGHUP / POST /api/reload
//   server->Drain();                                      // SIGTERM: graceful stop
// Reload may also be called from the admin thread; it is serialised internally.
#ifndef SHADOWDIFF_PROXY_PROXY_SERVER_H_
#define SHADOWDIFF_PROXY_PROXY_SERVER_H_

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "src/admin/endpoints_route.h"
#include "src/core/config.h"
#include "src/core/result.h"
#include "src/proxy/exchange_observer.h"
#include "src/proxy/proxy_runtime.h"
#include "src/proxy/upstream_gauges.h"

namespace shadowdiff {

class AdminServer;
class ComparePool;
class EdgeServer;
class IoThreads;
class CaptureWriter;
class JsonlSink;
class MemoryRing;
class FanoutSink;
class NoiseRegistry;
class PostgresSink;
class TripRegistry;

struct ProxyServerOptions {
  size_t io_threads = 0;  // 0: one per core
  std::string version = "dev";
  // Overrides of the config's addresses (tests bind port 0); empty: as configured.
  std::optional<HostPort> listen;
  std::optional<HostPort> admin_listen;
  // Told every request's outcome (exchange_observer.h); null: nobody listens. Replay uses it.
  std::shared_ptr<ExchangeObserver> observer;
};

class ProxyServer final : public ProxyRuntime {
 public:
  // Starts everything. Fails (with nothing left running) when the config lacks targets, an
  // address cannot be bound, or the example store cannot be opened.
  static Result<std::unique_ptr<ProxyServer>> Start(std::shared_ptr<const Config> config,
                                                    ProxyServerOptions options);
  ~ProxyServer() override;  // Drain()s if still running

  uint16_t port() const;
  HostPort admin_address() const;

  // Loads the config file again (the path it was loaded from) and swaps it in atomically.
  // A bad file is rejected whole: the old config keeps serving, the error is logged, counted
  // (shadowdiff_config_reloads_total{result="error"}) and returned.
  Status Reload();

  // Graceful stop: stop accepting, let requests in flight finish (limits.drain_timeout_ms),
  // finish queued comparisons, flush the stores, stop the admin server. Idempotent.
  void Drain();

  // Clears every tripped endpoint (POST /api/endpoints/reset); returns how many were tripped.
  size_t ResetTrips();
  // Clears the tripped endpoints of template `endpoint` (those serving `method` when it is
  // not empty); an error when the current config has no such endpoint.
  Result<size_t> ResetTrips(std::string_view endpoint, std::string_view method);
  // What GET /api/endpoints shows (docs/ADMIN_API.md).
  EndpointsReport EndpointsReportNow();
  MemoryRing& recent_examples() { return *ring_; }
  NoiseRegistry& noise() { return *noise_; }

  // ProxyRuntime:
  std::shared_ptr<const LiveConfig> Live() const override { return holder_.Get(); }
  Metrics& metrics() override { return *metrics_; }
  bool IsTripped(const LiveConfig& live, const Endpoint& endpoint) const override;
  void Trip(const LiveConfig& live, const Endpoint& endpoint, std::string_view shadow_id,
            std::string_view detail) override;
  ShadowTicket AdmitShadow(const TargetUrl& target, ShadowSkip* reason) override;
  void ShadowFinished(ShadowTicket ticket, const UpstreamResult& result) override;
  void SubmitComparison(ShadowedExchange exchange) override;
  const std::atomic<bool>& draining() const override { return draining_; }
  EndpointStats& endpoint_stats() override { return *stats_; }
  PauseGate& pause_gate() override { return *pause_; }
  ExchangeObserver* exchange_observer() override { return observer_.get(); }
  UpstreamGauges* upstream_gauges() override { return &upstream_gauges_; }
  void Capture(const UpstreamRequest& request, const UpstreamResult& primary,
               std::chrono::system_clock::time_point received_at) override;

 private:
  // Before each /metrics scrape: the gauges computed on demand (pause) and the counters
  // mirrored from the file writers (JSONL store, capture).
  void RefreshScrapedMetrics();
  ProxyServer();
  // A new generation for `config`; requires reload_mu_ (or construction).
  Result<std::shared_ptr<const LiveConfig>> MakeLive(std::shared_ptr<const Config> config);
  std::shared_ptr<CircuitBreaker> BreakerFor(const TargetUrl& target);

  ConfigHolder holder_;
  std::mutex reload_mu_;  // serialises reloads and trips (trips carry over to a new config)
  uint64_t generation_ = 0;

  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<EndpointStats> stats_;  // survives reloads, like the metrics
  std::unique_ptr<PauseGate> pause_;
  std::chrono::steady_clock::time_point started_at_ = std::chrono::steady_clock::now();
  std::unique_ptr<NoiseRegistry> noise_;
  std::unique_ptr<InflightLimiter> inflight_;
  std::mutex breakers_mu_;
  std::map<std::string, std::shared_ptr<CircuitBreaker>> breakers_;  // by target text
  std::unique_ptr<JsonlSink> jsonl_;
  std::unique_ptr<CaptureWriter> capture_;  // capture.path set (applies at start only)
  std::unique_ptr<PostgresSink> postgres_;  // store.postgres set
  std::unique_ptr<MemoryRing> ring_;
  std::unique_ptr<FanoutSink> sinks_;
  // Body bytes held by submitted comparisons (limits.compare_queue_bytes); shared with the
  // jobs, which give their bytes back when destroyed.
  std::shared_ptr<std::atomic<uint64_t>> compare_bytes_ =
      std::make_shared<std::atomic<uint64_t>>(0);
  UpstreamGauges upstream_gauges_;  // before io_: the pools hold its gauges
  std::unique_ptr<ComparePool> compare_;
  std::unique_ptr<IoThreads> io_;
  std::unique_ptr<EdgeServer> edge_;
  std::unique_ptr<AdminServer> admin_;
  std::shared_ptr<ExchangeObserver> observer_;  // ProxyServerOptions::observer
  bool drained_ = false;
  std::atomic<bool> draining_{false};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_PROXY_SERVER_H_
