#include "src/core/shadow_policy.h"

namespace shadowdiff {

namespace {

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

ShadowDecision DecideShadow(const Config& config, const Endpoint* endpoint, std::string_view method,
                            bool tripped, double cutover_draw, double sample_draw) {
  ShadowDecision d;
  d.settings = endpoint != nullptr ? &endpoint->settings : &config.defaults;
  const EndpointSettings& s = *d.settings;

  // cutover_percent is the share of requests for which the OTHER side is primary.
  d.primary = s.primary;
  if (cutover_draw * 100.0 < s.cutover_percent) {
    d.primary = s.primary == Side::kOld ? Side::kNew : Side::kOld;
  }

  if (endpoint == nullptr) {
    // Unmatched requests are never written to the shadow: at most safe methods are
    // compared, with the `defaults:` settings.
    if (config.unmatched != UnmatchedPolicy::kShadowSafeMethods || !IsSafeMethod(method)) {
      d.skip = ShadowSkip::kUnmatched;
      return d;
    }
    d.mode = ShadowMode::kCompare;
  } else {
    if (s.shadow == ShadowMode::kOff) {
      d.skip = ShadowSkip::kOff;
      return d;
    }
    d.mode = s.shadow;
    d.order = s.rollback_order;
    if (tripped) {
      d.skip = ShadowSkip::kTripped;
      return d;
    }
  }
  const auto& shadow_target =
      d.shadow() == Side::kOld ? config.targets.old_target : config.targets.new_target;
  if (!shadow_target) {
    d.skip = ShadowSkip::kNoTarget;
    return d;
  }
  if (!(sample_draw < s.sample)) {
    d.skip = ShadowSkip::kSampledOut;
    return d;
  }
  return d;
}

}  // namespace shadowdiff
