// ExchangeObserver: an optional listener for every request's outcome, for embedders of the
// proxy that need the outcomes as values rather than as metrics (`shadowdiff replay` builds
// its report from them). Installed through ProxyServerOptions::observer; the proxy runs
// without one.
//
// Called once per request the proxy answered — compared or not (not_shadowed and
// primary_error too) — after the outcome is counted in the metrics: on a comparison worker
// for compared requests, on an I/O thread for the others. Implementations must be
// thread-safe and quick (no I/O, no waiting); the references are valid during the call only.
#ifndef SHADOWDIFF_PROXY_EXCHANGE_OBSERVER_H_
#define SHADOWDIFF_PROXY_EXCHANGE_OBSERVER_H_

#include <string_view>
#include <vector>

#include "src/core/diff.h"
#include "src/core/outcome.h"
#include "src/core/pending_example.h"

namespace shadowdiff {

struct ObservedExchange {
  std::string_view endpoint;  // the metric label: template path or "unmatched"
  std::string_view method;    // the metric label (MethodLabel)
  Outcome outcome = Outcome::kNotShadowed;
  // The differences counted for this request (noise removed); empty when none.
  const std::vector<Diff>* diffs = nullptr;
  // The stored-example record (redacted) when the outcome stores one; null otherwise.
  // Record() builds it (costly; once per request, shared with the example sinks).
  PendingExample* example = nullptr;
};

class ExchangeObserver {
 public:
  virtual ~ExchangeObserver() = default;
  virtual void OnExchange(const ObservedExchange& exchange) = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_EXCHANGE_OBSERVER_H_
