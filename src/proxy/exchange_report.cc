#include "src/proxy/exchange_report.h"

#include <optional>
#include <string>
#include <vector>

#include "src/core/pending_example.h"
#include "src/metrics/metrics.h"
#include "src/proxy/upstream_call.h"

namespace shadowdiff {

bool StoresExample(Outcome outcome) {
  return outcome == Outcome::kMismatch || outcome == Outcome::kShadowError ||
         outcome == Outcome::kShadowTimeout || outcome == Outcome::kRollbackUnconfirmed;
}

Outcome ReportExchange(const ShadowedExchange& x, CompareScratch& scratch,
                       const ReportSinks& sinks) {
  const ResponseComparator& comparator =
      x.endpoint != nullptr ? *x.endpoint->comparator : *x.live->config->default_comparator;
  EndpointMetrics& metrics = x.live->metrics->For(x.endpoint);
  const std::string& label = metrics.label();

  // Old against new, whichever of them answered the client.
  const bool old_is_primary = x.decision.primary == Side::kOld;
  const UpstreamResult& old_side = old_is_primary ? x.primary : x.shadow;
  const UpstreamResult& new_side = old_is_primary ? x.shadow : x.primary;

  Comparison comparison;
  const bool compared = old_side.ok() && new_side.ok();
  if (compared) comparison = comparator.Compare(old_side.response, new_side.response, scratch);

  // Old against a second old instance: whatever differs there is noise for this endpoint.
  if (x.secondary && x.secondary->ok() && old_side.ok()) {
    Comparison noise = comparator.Compare(old_side.response, x.secondary->response, scratch);
    sinks.noise->Observe(label, noise);
  }

  OutcomeFacts facts;
  facts.primary = x.decision.primary;
  facts.primary_call = ToUpstreamCall(x.primary);
  facts.shadow_call = ToUpstreamCall(x.shadow);
  facts.shadow_mode = x.decision.mode;
  facts.rollback_confirmed = x.rollback_confirmed;
  facts.comparison = compared ? &comparison : nullptr;
  Classification result;
  sinks.noise->Read(label, [&](const NoiseModel* model) {
    facts.noise = model;
    result = ClassifyOutcome(facts);
  });

  metrics.CountOutcome(x.request.method, result.outcome);
  const std::string_view method_label = MethodLabel(x.request.method);
  if (sinks.stats != nullptr) sinks.stats->CountOutcome(label, method_label, result.outcome);
  // The counted diffs: comparison.diffs itself unless noise took some out (result.counted is
  // an in-order subsequence of it, so equal sizes mean all of them).
  std::vector<Diff> filtered;
  const std::vector<Diff>* counted = &filtered;
  if (!result.counted.empty()) {
    if (result.counted.size() == comparison.diffs.size()) {
      counted = &comparison.diffs;
    } else {
      filtered.reserve(result.counted.size());
      for (const Diff* d : result.counted) filtered.push_back(*d);
    }
    metrics.CountFields(x.request.method, *counted);
    if (sinks.stats != nullptr) {
      sinks.stats->CountFields(label, method_label, *counted,
                               x.live->config->limits.field_label_cap);
    }
  }

  std::string error;  // the example's input borrows it, so it lives as long as the example
  std::optional<PendingExample> example;
  if ((sinks.examples != nullptr || sinks.observer != nullptr) && StoresExample(result.outcome)) {
    if (!x.shadow.ok()) error = "shadow: " + x.shadow.detail;
    if (!x.primary.ok()) error = "primary: " + x.primary.detail;
    ExampleInput input;
    input.time = x.received_at;
    input.endpoint = label;
    input.outcome = result.outcome;
    input.primary = x.decision.primary;
    input.request = &x.request;
    input.old_response = old_side.ok() ? &old_side.response : nullptr;
    input.new_response = new_side.ok() ? &new_side.response : nullptr;
    input.comparison = compared ? &comparison : nullptr;
    input.error = error;
    // Built only if a sink (or the observer) keeps it: most are refused by the budgets.
    example.emplace(input, ExampleLimits{}, x.live->redactor.get());
    if (sinks.examples != nullptr) sinks.examples->Offer(*example);
  }
  if (sinks.observer != nullptr) {
    sinks.observer->OnExchange(
        {label, method_label, result.outcome, counted, example.has_value() ? &*example : nullptr});
  }
  return result.outcome;
}

Outcome ReportUncompared(const ShadowedExchange& x, ShadowSkip skip, EndpointStats* stats,
                         ExchangeObserver* observer) {
  OutcomeFacts facts;
  facts.primary = x.decision.primary;
  facts.primary_call = ToUpstreamCall(x.primary);
  facts.shadow_call = ToUpstreamCall(x.shadow);
  facts.skipped = skip;
  facts.shadow_mode = x.decision.mode;
  facts.rollback_confirmed = x.rollback_confirmed;
  const Outcome outcome = ClassifyOutcome(facts).outcome;
  EndpointMetrics& metrics = x.live->metrics->For(x.endpoint);
  metrics.CountOutcome(x.request.method, outcome);
  if (stats != nullptr)
    stats->CountOutcome(metrics.label(), MethodLabel(x.request.method), outcome);
  if (observer != nullptr) {
    observer->OnExchange({metrics.label(), MethodLabel(x.request.method), outcome, nullptr, {}});
  }
  return outcome;
}

}  // namespace shadowdiff
