// Outcome: the one word that classifies what happened to a request, as counted in
// shadowdiff_requests_total{outcome} and stored with every example (SPEC.md, Metrics).
#ifndef SHADOWDIFF_CORE_OUTCOME_H_
#define SHADOWDIFF_CORE_OUTCOME_H_

#include <optional>
#include <string_view>

namespace shadowdiff {

enum class Outcome {
  kMatch,
  kMismatch,
  kNoise,        // differs only where old and secondary differ too
  kShadowError,  // shadow connect error, 5xx, or a body that is not what it claims
  kShadowTimeout,
  kRollbackUnconfirmed,  // rollback-mode shadow answered without Shadow-Rolled-Back
  kNotShadowed,          // off, unmatched, sampled out, tripped, dropped
  kPrimaryError,
};

inline constexpr Outcome kAllOutcomes[] = {
    Outcome::kMatch,       Outcome::kMismatch,      Outcome::kNoise,
    Outcome::kShadowError, Outcome::kShadowTimeout, Outcome::kRollbackUnconfirmed,
    Outcome::kNotShadowed, Outcome::kPrimaryError,
};

constexpr std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kMatch:
      return "match";
    case Outcome::kMismatch:
      return "mismatch";
    case Outcome::kNoise:
      return "noise";
    case Outcome::kShadowError:
      return "shadow_error";
    case Outcome::kShadowTimeout:
      return "shadow_timeout";
    case Outcome::kRollbackUnconfirmed:
      return "rollback_unconfirmed";
    case Outcome::kNotShadowed:
      return "not_shadowed";
    case Outcome::kPrimaryError:
      return "primary_error";
  }
  return "match";
}

constexpr std::optional<Outcome> ParseOutcome(std::string_view name) {
  for (Outcome o : kAllOutcomes) {
    if (OutcomeName(o) == name) return o;
  }
  return std::nullopt;
}

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_OUTCOME_H_
