#include "src/proxy/fanout.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "src/core/outcome_classifier.h"
#include "src/proxy/exchange_observer.h"
#include "src/proxy/upstream_call.h"
#include "src/proxy/upstream_pool.h"
#include "src/proxy/upstream_wire.h"
#include "src/rollback/protocol.h"
#include "src/rollback/signature.h"

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

UpstreamOptions PoolOptions(const Limits& limits) {
  UpstreamOptions o;
  o.connect_timeout = std::chrono::milliseconds(limits.connect_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(limits.idle_timeout_ms);
  o.max_header_bytes = limits.max_header_bytes;
  o.capture_cap = limits.max_response_body_bytes;
  o.pipeline_depth = limits.shadow_pipeline;
  return o;
}

UpstreamSide SideLabel(Side side) {
  return side == Side::kOld ? UpstreamSide::kOld : UpstreamSide::kNew;
}

double Seconds(const UpstreamResult& r) { return r.response.duration_ms / 1000.0; }

// The primary, shadow and secondary results of one request meet here. Every coroutine that
// touches a Join runs on the same I/O thread, so `pending` needs no lock; the last arrival
// hands the exchange to the comparison pool.
struct Join {
  ProxyRuntime* runtime = nullptr;
  ShadowedExchange exchange;
  int pending = 0;

  void Arrive() {
    if (--pending == 0) runtime->SubmitComparison(std::move(exchange));
  }
};

// Records the shadow side's result, however the call was made; for rollback mode, checks the
// confirmation as soon as the response is read and trips the endpoint at once when it is
// missing. Runs on the request's I/O thread.
void FinishShadow(ProxyRuntime& runtime, Join& join, EndpointMetrics* metrics, ShadowTicket ticket,
                  UpstreamResult result) {
  runtime.ShadowFinished(std::move(ticket), result);
  ShadowedExchange& x = join.exchange;
  metrics->ObserveUpstream(SideLabel(x.decision.shadow()), Seconds(result));
  if (x.decision.mode == ShadowMode::kRollback) {
    auto echoed = result.ok() ? FindHeader(result.response.headers, rollback::kRolledBackHeader)
                              : std::nullopt;
    x.rollback_confirmed = echoed.has_value() && *echoed == x.shadow_id;
    // Anything short of a confirmation, once the request may have reached the service
    // (a timeout or reset included: it may have committed), trips the endpoint now, before
    // any later request's shadow call can start.
    if (IsRollbackUnconfirmed(x.decision.mode, ToUpstreamCall(result), x.rollback_confirmed) &&
        x.endpoint != nullptr) {
      runtime.Trip(*x.live, *x.endpoint, x.shadow_id,
                   !result.ok()
                       ? "no confirmed answer: " + std::string(UpstreamStatusName(result.status))
                   : echoed ? std::string("Shadow-Rolled-Back does not match Shadow-Id")
                            : std::string("response has no Shadow-Rolled-Back header"));
    }
  }
  x.shadow = std::move(result);
  join.Arrive();
}

void FinishSecondary(ProxyRuntime& runtime, Join& join, EndpointMetrics* metrics,
                     ShadowTicket ticket, UpstreamResult result) {
  runtime.ShadowFinished(std::move(ticket), result);
  metrics->ObserveUpstream(UpstreamSide::kSecondary, Seconds(result));
  join.exchange.secondary = std::move(result);
  join.Arrive();
}

using Finish = void (*)(ProxyRuntime&, Join&, EndpointMetrics*, ShadowTicket, UpstreamResult);

// Calls the shadow (or secondary) side on its own coroutine, then `finish`.
asio::awaitable<void> RunSide(ProxyRuntime& runtime, std::shared_ptr<Join> join,
                              std::shared_ptr<UpstreamPool> pool, UpstreamRequest request,
                              Clock::time_point deadline, EndpointMetrics* metrics,
                              ShadowTicket ticket, Finish finish) {
  UpstreamResult result = co_await pool->Exchange(request, deadline);
  finish(runtime, *join, metrics, std::move(ticket), std::move(result));
}

// Starts a shadow (or secondary) call that the client does not wait for: pipelined when the
// pool pipelines and the call may be (compare mode, CanPipeline), with no coroutine of its
// own; else on its own coroutine.
void StartSide(const asio::any_io_executor& executor, ProxyRuntime& runtime,
               std::shared_ptr<Join> join, std::shared_ptr<UpstreamPool> pool,
               UpstreamRequest request, Clock::time_point deadline, EndpointMetrics* metrics,
               ShadowTicket ticket, Finish finish) {
  if (pool->options().pipeline_depth > 1 && join->exchange.decision.mode == ShadowMode::kCompare &&
      CanPipeline(request)) {
    // std::function needs a copyable callable; the ticket is move-only.
    auto held = std::make_shared<ShadowTicket>(std::move(ticket));
    pool->ExchangePipelined(
        request, deadline,
        [runtime = &runtime, join, metrics, held, finish](UpstreamResult result) {
          finish(*runtime, *join, metrics, std::move(*held), std::move(result));
        });
    return;
  }
  asio::co_spawn(executor,
                 RunSide(runtime, std::move(join), std::move(pool), std::move(request), deadline,
                         metrics, std::move(ticket), finish),
                 asio::detached);
}

// 502 (or 504 on a timeout) when the primary failed before anything reached the client.
// Returns false when the write failed.
asio::awaitable<bool> WriteGatewayError(beast::tcp_stream& client, const InboundRequest& request,
                                        const UpstreamResult& result, bool keep_alive) {
  const bool timeout = result.status == UpstreamStatus::kTimeout;
  http::response<http::string_body> response{
      timeout ? http::status::gateway_timeout : http::status::bad_gateway, request.version};
  response.set(http::field::content_type, "application/json");
  response.body() = std::string("{\"error\":\"") + std::string(UpstreamStatusName(result.status)) +
                    "\",\"detail\":\"the primary upstream did not answer\"}\n";
  response.keep_alive(keep_alive);
  response.prepare_payload();
  if (request.method == "HEAD") response.body().clear();
  client.expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await http::async_write(client, response, kAwait);
  (void)n;
  co_return !ec;
}

// 503 with Retry-After: 1 for a request beyond a pause's max_held. Returns false when the
// write failed.
asio::awaitable<bool> WritePausedFull(beast::tcp_stream& client, const InboundRequest& request,
                                      bool keep_alive) {
  http::response<http::string_body> response{http::status::service_unavailable, request.version};
  response.set(http::field::content_type, "application/json");
  response.set(http::field::retry_after, "1");
  response.body() =
      "{\"error\":\"paused\",\"detail\":\"the proxy is paused for a cutover and holds as many "
      "requests as it may; retry shortly\"}\n";
  response.keep_alive(keep_alive);
  response.prepare_payload();
  if (request.method == "HEAD") response.body().clear();
  client.expires_after(std::chrono::seconds(10));
  auto [ec, n] = co_await http::async_write(client, response, kAwait);
  (void)n;
  co_return !ec;
}

}  // namespace

FanOut::FanOut(asio::any_io_executor executor, ProxyRuntime& runtime)
    : executor_(std::move(executor)), runtime_(runtime), rng_(std::random_device{}()) {
  id_prefix_ = rng_();
}

FanOut::~FanOut() = default;

const FanOut::Pools& FanOut::PoolsFor(const LiveConfig& live) {
  if (pools_.old_pool && pools_.generation == live.generation) return pools_;
  const Config& config = *live.config;
  UpstreamOptions options = PoolOptions(config.limits);
  // Keep a pool whose target and options did not change: its idle connections stay warm.
  // `role` is the targets: key, the label of shadowdiff_upstream_connections.
  auto keep_or_make = [&](std::shared_ptr<UpstreamPool>& pool,
                          const std::optional<TargetUrl>& target, std::string_view role) {
    if (!target) {
      pool.reset();
      return;
    }
    if (pool && pool->target() == *target && pool->options().capture_cap == options.capture_cap &&
        pool->options().connect_timeout == options.connect_timeout &&
        pool->options().pipeline_depth == options.pipeline_depth) {
      return;
    }
    UpstreamGauges* gauges = runtime_.upstream_gauges();
    pool = std::make_shared<UpstreamPool>(executor_, *target, options,
                                          gauges != nullptr ? gauges->Register(role) : nullptr);
  };
  keep_or_make(pools_.old_pool, config.targets.old_target, "old");
  keep_or_make(pools_.new_pool, config.targets.new_target, "new");
  keep_or_make(pools_.secondary_pool, config.targets.secondary_target, "secondary");
  pools_.generation = live.generation;
  return pools_;
}

std::string FanOut::NextShadowId() {
  // "sd-%016llx-%llx" of (id_prefix_, ++id_counter_), formatted by hand (once per shadowed
  // request; snprintf cost more than the rest of this function).
  static constexpr char kHex[] = "0123456789abcdef";
  const uint64_t counter = ++id_counter_;
  char buf[3 + 16 + 1 + 16];
  char* p = buf;
  *p++ = 's';
  *p++ = 'd';
  *p++ = '-';
  for (int shift = 60; shift >= 0; shift -= 4) *p++ = kHex[(id_prefix_ >> shift) & 0xf];
  *p++ = '-';
  int digits = 1;
  while (digits < 16 && (counter >> (4 * digits)) != 0) ++digits;
  for (int i = digits - 1; i >= 0; --i) *p++ = kHex[(counter >> (4 * i)) & 0xf];
  return std::string(buf, static_cast<size_t>(p - buf));
}

asio::awaitable<HandlerResult> FanOut::Handle(InboundRequest& request, beast::tcp_stream& client) {
  const auto received_at = std::chrono::system_clock::now();
  // POST /api/pause holds the request here, before a config generation is chosen, so a
  // reload during the pause applies to it.
  PauseGate& gate = runtime_.pause_gate();
  if (gate.maybe_paused() && co_await gate.Enter() == PauseGate::Admission::kRejected) {
    const bool keep_alive =
        request.keep_alive && !runtime_.draining().load(std::memory_order_acquire);
    const bool written = co_await WritePausedFull(client, request, keep_alive);
    co_return HandlerResult{keep_alive && written};
  }
  std::shared_ptr<const LiveConfig> live = runtime_.Live();
  const Config& config = *live->config;
  const Pools& pools = PoolsFor(*live);
  const Endpoint* endpoint = config.endpoints.Match(request.method, request.target);
  const bool tripped = endpoint != nullptr && runtime_.IsTripped(*live, *endpoint);
  std::uniform_real_distribution<double> draw(0.0, 1.0);
  const double cutover_draw = draw(rng_);
  const ShadowDecision decision =
      DecideShadow(config, endpoint, request.method, tripped, cutover_draw, draw(rng_));
  EndpointMetrics& metrics = live->metrics->For(endpoint);

  std::shared_ptr<UpstreamPool> primary_pool =
      decision.primary == Side::kOld ? pools.old_pool : pools.new_pool;
  std::shared_ptr<UpstreamPool> shadow_pool =
      decision.primary == Side::kOld ? pools.new_pool : pools.old_pool;

  UpstreamRequest upstream_request{request.method, request.target, std::move(request.headers),
                                   std::move(request.body)};

  bool shadowed = decision.shadowed() && shadow_pool != nullptr;
  ShadowTicket ticket;
  if (!decision.shadowed()) {
    // `off` and unmatched requests were never meant to be shadowed: not drops.
    if (IsDrop(*decision.skip)) runtime_.metrics().CountDropped(*decision.skip);
  } else if (shadowed) {
    ShadowSkip reason = ShadowSkip::kInflightFull;
    ticket = runtime_.AdmitShadow(shadow_pool->target(), &reason);
    if (!ticket) {
      runtime_.metrics().CountDropped(reason);
      shadowed = false;
    }
  }

  std::shared_ptr<Join> join;
  if (shadowed) {
    join = std::make_shared<Join>();
    join->runtime = &runtime_;
    ShadowedExchange& x = join->exchange;
    x.live = live;
    x.endpoint = endpoint;
    x.decision = decision;
    x.shadow_id = NextShadowId();
    x.received_at = received_at;
    // x.request is moved in from upstream_request once the primary is done with it (below):
    // nothing reads it before the last Arrive(), and this coroutine's Arrive() comes after.
    join->pending = 2;

    // A copy with room for the Shadow-* fields, so appending them does not regrow the list.
    UpstreamRequest shadow_request{
        upstream_request.method, upstream_request.target, {}, upstream_request.body};
    shadow_request.headers.reserve(upstream_request.headers.size() + 3);
    shadow_request.headers.assign(upstream_request.headers.begin(), upstream_request.headers.end());
    const std::string_view mode =
        decision.mode == ShadowMode::kRollback ? rollback::kModeRollback : rollback::kModeCompare;
    shadow_request.headers.emplace_back(rollback::kShadowIdHeader, x.shadow_id);
    shadow_request.headers.emplace_back(rollback::kShadowModeHeader, mode);
    if (!live->rollback_secret.empty()) {
      // Signed over the request-target exactly as the pool sends it (base path prefixed).
      const std::string sent_target = shadow_pool->target().base_path + shadow_request.target;
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      shadow_request.headers.emplace_back(
          rollback::kShadowSignatureHeader,
          rollback::Sign(live->rollback_secret, now,
                         {x.shadow_id, mode, shadow_request.method, sent_target}));
    }
    const auto shadow_deadline =
        Clock::now() + std::chrono::milliseconds(decision.settings->shadow_timeout_ms);

    // Reads only: the secondary is another old instance and must never see a write — not
    // even on a non-idempotent endpoint whose shadow is allowed side effects.
    if (pools.secondary_pool && decision.mode == ShadowMode::kCompare &&
        decision.settings->idempotent) {
      ShadowSkip reason = ShadowSkip::kInflightFull;
      if (ShadowTicket secondary = runtime_.AdmitShadow(pools.secondary_pool->target(), &reason)) {
        ++join->pending;
        StartSide(executor_, runtime_, join, pools.secondary_pool, upstream_request,
                  shadow_deadline, &metrics, std::move(secondary), FinishSecondary);
      }
    }
    if (decision.mode == ShadowMode::kRollback && decision.order == RollbackOrder::kBeforePrimary) {
      // The primary waits for the rollback shadow (bounded by shadow_timeout_ms) so that both
      // run against the same database state.
      co_await RunSide(runtime_, join, shadow_pool, std::move(shadow_request), shadow_deadline,
                       &metrics, std::move(ticket), FinishShadow);
    } else {
      StartSide(executor_, runtime_, join, shadow_pool, std::move(shadow_request), shadow_deadline,
                &metrics, std::move(ticket), FinishShadow);
    }
  }

  const auto primary_deadline =
      Clock::now() + std::chrono::milliseconds(decision.settings->timeout_ms);
  // During a drain the connection closes after this response: the relay says so in it.
  const std::atomic<bool>& draining = runtime_.draining();
  RelayResult relay = co_await primary_pool->Relay(
      upstream_request, RelayClient{request.version, request.keep_alive, &draining}, client,
      primary_deadline);
  const bool keep_alive = request.keep_alive && !draining.load(std::memory_order_acquire);
  metrics.ObserveUpstream(SideLabel(decision.primary), Seconds(relay.upstream));
  runtime_.Capture(upstream_request, relay.upstream, received_at);

  HandlerResult result{relay.client_reusable};
  if (!relay.head_sent) {
    const bool keep = keep_alive && !relay.client_write_failed;
    const bool written = !relay.client_write_failed &&
                         co_await WriteGatewayError(client, request, relay.upstream, keep);
    result.keep_alive = keep && written;
  }
  if (join) {
    // upstream_request is not used after this point.
    join->exchange.request =
        Request{std::move(upstream_request.method), std::move(upstream_request.target),
                std::move(upstream_request.headers), std::move(upstream_request.body)};
    join->exchange.primary = std::move(relay.upstream);
    join->Arrive();
  } else {
    const Outcome outcome = relay.upstream.ok() ? Outcome::kNotShadowed : Outcome::kPrimaryError;
    metrics.CountOutcome(request.method, outcome);
    runtime_.endpoint_stats().CountOutcome(metrics.label(), request.method, outcome);
    if (ExchangeObserver* observer = runtime_.exchange_observer()) {
      observer->OnExchange({metrics.label(), MethodLabel(request.method), outcome, nullptr, {}});
    }
  }
  co_return result;
}

}  // namespace shadowdiff
