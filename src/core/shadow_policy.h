// ShadowPolicy: the per-request decision the fan-out makes before calling anyone — which
// side is primary, and whether (and how) this request is shadowed, or why not.
//
// Pure: randomness is passed in (two uniform draws in [0, 1)), as is the endpoint's tripped
// state, so every branch is testable without a proxy. Thread-safe (no state).
#ifndef SHADOWDIFF_CORE_SHADOW_POLICY_H_
#define SHADOWDIFF_CORE_SHADOW_POLICY_H_

#include <string_view>

#include "src/core/config.h"
#include "src/core/endpoint_tree.h"

namespace shadowdiff {

// Why a request is not shadowed; the names are the `reason` label of
// shadowdiff_shadow_dropped_total (see src/metrics).
enum class SkipReason {
  kNone,         // shadowed
  kOff,          // the endpoint says `shadow: off`
  kUnmatched,    // no endpoint matched and the `unmatched` policy keeps it primary-only
  kSampledOut,   // not in the `sample` share
  kTripped,      // a rollback went unconfirmed on this endpoint; reset via the admin API
  kNoTarget,     // the shadow side has no target configured
};
std::string_view SkipReasonName(SkipReason reason);  // "off", "unmatched", "sampled_out", ...

struct ShadowDecision {
  Side primary = Side::kOld;           // which side answers the client
  SkipReason skip = SkipReason::kNone;
  ShadowMode mode = ShadowMode::kCompare;  // when shadowed: compare or rollback
  RollbackOrder order = RollbackOrder::kConcurrent;  // when mode is rollback
  const EndpointSettings* settings = nullptr;        // the endpoint's, or the defaults

  bool shadowed() const { return skip == SkipReason::kNone; }
  Side shadow() const { return primary == Side::kOld ? Side::kNew : Side::kOld; }
};

// `endpoint` is the match for the request (nullptr: unmatched). `cutover_draw` and
// `sample_draw` are independent uniform draws in [0, 1).
ShadowDecision DecideShadow(const Config& config, const Endpoint* endpoint,
                            std::string_view method, bool tripped, double cutover_draw,
                            double sample_draw);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_SHADOW_POLICY_H_
