// ProxyRuntime: what every I/O thread's FanOut shares — the live config, metrics, the tripped
// endpoints, shadow admission (circuit breakers and the in-flight cap) and the comparison
// pool. An interface so the fan-out is written (and tested) against the contract, not the
// wiring; ProxyServer implements it. Every method is thread-safe and none blocks.
#ifndef SHADOWDIFF_PROXY_PROXY_RUNTIME_H_
#define SHADOWDIFF_PROXY_PROXY_RUNTIME_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string_view>

#include "src/compare/circuit_breaker.h"
#include "src/compare/endpoint_stats.h"
#include "src/compare/inflight_limiter.h"
#include "src/metrics/metrics.h"
#include "src/proxy/live_config.h"
#include "src/proxy/pause_gate.h"
#include "src/proxy/shadowed_exchange.h"

namespace shadowdiff {

class ExchangeObserver;
class UpstreamGauges;

// One admitted shadow call: its in-flight slot and its circuit breaker's admission.
struct ShadowTicket {
  InflightLimiter::Token slot;
  std::shared_ptr<CircuitBreaker> breaker;
  CircuitBreaker::Admission admission = CircuitBreaker::Admission::kRejected;

  explicit operator bool() const { return static_cast<bool>(slot); }
};

class ProxyRuntime {
 public:
  virtual ~ProxyRuntime() = default;

  virtual std::shared_ptr<const LiveConfig> Live() const = 0;
  virtual Metrics& metrics() = 0;

  // Tripped endpoints get no shadow calls until POST /api/endpoints/reset. Trip takes effect
  // for every request that starts after it returns, on every thread, and survives reloads.
  // `endpoint` belongs to `live` (the generation the request was served with).
  virtual bool IsTripped(const LiveConfig& live, const Endpoint& endpoint) const = 0;
  virtual void Trip(const LiveConfig& live, const Endpoint& endpoint, std::string_view shadow_id,
                    std::string_view detail) = 0;

  // Admission of one shadow call to `target`: an empty ticket (and `reason`) when the
  // target's circuit breaker is open or limits.max_inflight_shadow calls are in flight. An
  // admitted call hands its ticket back to ShadowFinished exactly once, with its result (a
  // ticket destroyed unused releases its in-flight slot and reports nothing).
  virtual ShadowTicket AdmitShadow(const TargetUrl& target, ShadowSkip* reason) = 0;
  virtual void ShadowFinished(ShadowTicket ticket, const UpstreamResult& result) = 0;

  // Becomes true once a graceful stop has begun: responses written from then on say
  // `Connection: close`, since their connection closes after them.
  virtual const std::atomic<bool>& draining() const = 0;

  // The per-endpoint counts of GET /api/endpoints (outlive every generation): the request
  // path counts a not-shadowed outcome here beside the metric.
  virtual EndpointStats& endpoint_stats() = 0;
  // POST /api/pause: every request awaits it before anything else (pause_gate.h).
  virtual PauseGate& pause_gate() = 0;

  // Hands a complete exchange to the comparison pool. Never blocks: when the queue is full
  // the exchange is dropped and counted (queue_full, outcome not_shadowed).
  virtual void SubmitComparison(ShadowedExchange exchange) = 0;

  // The embedder's listener for every request's outcome (exchange_observer.h), or null.
  virtual ExchangeObserver* exchange_observer() { return nullptr; }

  // Where upstream pools publish their connection counts (upstream_gauges.h), or null.
  virtual UpstreamGauges* upstream_gauges() { return nullptr; }

  // `capture:` — offers the request as sent to the primary and the primary's result to the
  // capture file when capture is on and the request is sampled. Never blocks (the capture
  // writer queues, and drops when full).
  virtual void Capture(const UpstreamRequest& /*request*/, const UpstreamResult& /*primary*/,
                       std::chrono::system_clock::time_point /*received_at*/) {}
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_PROXY_RUNTIME_H_
