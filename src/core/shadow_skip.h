// ShadowSkip: why a request's shadow was not called, or its answer not compared — the one
// list behind ShadowDecision (shadow_policy.h), the outcome rules (outcome_classifier.h) and
// the `reason` label of shadowdiff_shadow_dropped_total (src/metrics).
#ifndef SHADOWDIFF_CORE_SHADOW_SKIP_H_
#define SHADOWDIFF_CORE_SHADOW_SKIP_H_

#include <string_view>

namespace shadowdiff {

enum class ShadowSkip {
  kOff,              // the endpoint says `shadow: off`
  kUnmatched,        // no endpoint matched and the `unmatched` policy does not shadow it
  kSampledOut,       // outside the endpoint's `sample` share
  kTripped,          // the endpoint is tripped (an earlier rollback_unconfirmed)
  kPaused,           // shadowing paused by the admin API
  kInflightFull,     // limits.max_inflight_shadow reached
  kCircuitOpen,      // the shadow target's circuit breaker is open
  kRequestTooLarge,  // the request body exceeds limits.max_request_body_bytes
  kQueueFull,        // the comparison queue was full (limits.compare_queue, _bytes)
  kShuttingDown,     // the proxy is draining
  kNoTarget,         // the shadow side has no target in the config
};

inline constexpr ShadowSkip kAllShadowSkips[] = {
    ShadowSkip::kOff,          ShadowSkip::kUnmatched,       ShadowSkip::kSampledOut,
    ShadowSkip::kTripped,      ShadowSkip::kPaused,          ShadowSkip::kInflightFull,
    ShadowSkip::kCircuitOpen,  ShadowSkip::kRequestTooLarge, ShadowSkip::kQueueFull,
    ShadowSkip::kShuttingDown, ShadowSkip::kNoTarget,
};

// "off", "unmatched", "sampled_out", "tripped", "paused", "inflight_full", "circuit_open",
// "request_too_large", "queue_full", "shutting_down", "no_target".
constexpr std::string_view ShadowSkipName(ShadowSkip skip) {
  switch (skip) {
    case ShadowSkip::kOff:
      return "off";
    case ShadowSkip::kUnmatched:
      return "unmatched";
    case ShadowSkip::kSampledOut:
      return "sampled_out";
    case ShadowSkip::kTripped:
      return "tripped";
    case ShadowSkip::kPaused:
      return "paused";
    case ShadowSkip::kInflightFull:
      return "inflight_full";
    case ShadowSkip::kCircuitOpen:
      return "circuit_open";
    case ShadowSkip::kRequestTooLarge:
      return "request_too_large";
    case ShadowSkip::kQueueFull:
      return "queue_full";
    case ShadowSkip::kShuttingDown:
      return "shutting_down";
    case ShadowSkip::kNoTarget:
      return "no_target";
  }
  return "off";
}

// A drop is a skip the operator did not ask for (everything but off and unmatched).
constexpr bool IsDrop(ShadowSkip skip) {
  return skip != ShadowSkip::kOff && skip != ShadowSkip::kUnmatched;
}

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_SHADOW_SKIP_H_
