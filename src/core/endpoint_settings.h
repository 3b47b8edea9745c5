// EndpointSettings: how the proxy treats one endpoint — which side is primary, how much is
// shadowed, timeouts, whether and how the shadow is called, and the CompareRules.
//
// The default member initialisers below are THE defaults of endpoints.yaml's `defaults:`
// section (one place per fact). The loader resolves, for each endpoint, built-in defaults ->
// `defaults:` -> each ancestor in the tree -> the endpoint itself; the result is a plain
// value, immutable inside a loaded Config and safe to read from any thread.
#ifndef SHADOWDIFF_CORE_ENDPOINT_SETTINGS_H_
#define SHADOWDIFF_CORE_ENDPOINT_SETTINGS_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "comparators/compare_rules.h"
#include "src/core/method_set.h"

namespace shadowdiff {

enum class Side { kOld, kNew };
enum class ShadowMode {
  kCompare,   // call the shadow with Shadow-Mode: compare and compare the responses
  kRollback,  // call it with Shadow-Mode: rollback (it must roll its transaction back)
  kOff,       // never call the shadow
};
enum class RollbackOrder {
  kBeforePrimary,  // the rollback shadow first, the primary after it answers or times out
  kConcurrent,     // both at once
};

std::string_view SideName(Side side);                     // "old", "new"
std::string_view ShadowModeName(ShadowMode mode);         // "compare", "rollback", "off"
std::string_view RollbackOrderName(RollbackOrder order);  // "before_primary", "concurrent"

struct EndpointSettings {
  // Inherited down the tree (settable in `defaults:` and at any level).
  Side primary = Side::kOld;
  double cutover_percent = 0;  // 0..100: share of requests for which the other side is primary
  double sample = 1.0;         // 0..1: share of requests shadowed
  uint32_t timeout_ms = 5000;  // primary
  uint32_t shadow_timeout_ms = 2000;
  CompareRules compare;
  // Settable at any endpoint level (`rollback: {order: ...}`); when absent, the top-level
  // `rollback.order` applies.
  RollbackOrder rollback_order = RollbackOrder::kBeforePrimary;

  // Resolved per endpoint (not inherited, see the loader):
  //  - `methods` defaults to every method;
  //  - `idempotent` defaults to true only when every method served is GET, HEAD or OPTIONS:
  //    for the rollback story a PUT or DELETE writes to the database like a POST does;
  //  - `shadow` is inherited when set explicitly somewhere above; otherwise it defaults to
  //    `compare` for an idempotent endpoint and `off` for a non-idempotent one;
  //  - a non-idempotent endpoint with `shadow: compare` is a config error unless the
  //    endpoint itself says `allow_side_effects: true`.
  MethodSet methods = MethodSet::All();
  bool idempotent = false;
  bool allow_side_effects = false;
  ShadowMode shadow = ShadowMode::kCompare;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_ENDPOINT_SETTINGS_H_
