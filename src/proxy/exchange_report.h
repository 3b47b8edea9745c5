// ReportExchange: what happens to a ShadowedExchange on a comparison worker — compare old
// with new (and old with secondary, to learn noise), classify the outcome, count it, and
// store an example of what went wrong. The I/O threads never run this.
//
// Thread-safe: any number of workers may report at once, each with its own scratch.
#ifndef SHADOWDIFF_PROXY_EXCHANGE_REPORT_H_
#define SHADOWDIFF_PROXY_EXCHANGE_REPORT_H_

#include "comparators/compare_scratch.h"
#include "src/compare/endpoint_stats.h"
#include "src/compare/noise_registry.h"
#include "src/core/outcome_classifier.h"
#include "src/proxy/exchange_observer.h"
#include "src/proxy/shadowed_exchange.h"
#include "src/store/example_sink.h"

namespace shadowdiff {

struct ReportSinks {
  NoiseRegistry* noise = nullptr;        // required
  ExampleSink* examples = nullptr;       // may be null: nothing stored
  EndpointStats* stats = nullptr;        // may be null: not counted for GET /api/endpoints
  ExchangeObserver* observer = nullptr;  // may be null (exchange_observer.h)
};

// Returns the outcome it counted (for tests and logs).
Outcome ReportExchange(const ShadowedExchange& exchange, CompareScratch& scratch,
                       const ReportSinks& sinks);

// For an exchange whose comparison was dropped (`skip`, e.g. queue_full): counts the outcome
// the rules give without a comparison — not_shadowed, or rollback_unconfirmed / primary_error
// where those apply. Cheap (no comparison), so the I/O thread may call it. `stats` may be null.
Outcome ReportUncompared(const ShadowedExchange& exchange, ShadowSkip skip,
                         EndpointStats* stats = nullptr, ExchangeObserver* observer = nullptr);

// Whether an outcome's example is worth keeping: mismatch, shadow_error, shadow_timeout,
// rollback_unconfirmed. (Noise is learned, not stored; matches are counted only.)
bool StoresExample(Outcome outcome);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_EXCHANGE_REPORT_H_
