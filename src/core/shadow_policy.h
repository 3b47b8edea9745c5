// ShadowPolicy: the per-request decision the fan-out makes before calling anyone — which
// side is primary, and whether (and how) this request is shadowed, or why not.
//
// Pure: randomness is passed in (two uniform draws in [0, 1)), as is the endpoint's tripped
// state, so every branch is testable without a proxy. Thread-safe (no state).
#ifndef SHADOWDIFF_CORE_SHADOW_POLICY_H_
#define SHADOWDIFF_CORE_SHADOW_POLICY_H_

#include <optional>
#include <string_view>

#include "src/core/config.h"
#include "src/core/endpoint_tree.h"
#include "src/core/shadow_skip.h"

namespace shadowdiff {

struct ShadowDecision {
  Side primary = Side::kOld;                         // which side answers the client
  std::optional<ShadowSkip> skip;                    // set when not shadowed: why
  ShadowMode mode = ShadowMode::kCompare;            // when shadowed: compare or rollback
  RollbackOrder order = RollbackOrder::kConcurrent;  // when mode is rollback
  const EndpointSettings* settings = nullptr;        // the endpoint's, or the defaults

  bool shadowed() const { return !skip.has_value(); }
  Side shadow() const { return primary == Side::kOld ? Side::kNew : Side::kOld; }
};

// `endpoint` is the match for the request (nullptr: unmatched). `cutover_draw` and
// `sample_draw` are independent uniform draws in [0, 1).
ShadowDecision DecideShadow(const Config& config, const Endpoint* endpoint, std::string_view method,
                            bool tripped, double cutover_draw, double sample_draw);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_SHADOW_POLICY_H_
