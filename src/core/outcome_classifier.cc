#include "src/core/outcome_classifier.h"

namespace shadowdiff {

std::string_view TransportResultName(TransportResult result) {
  switch (result) {
    case TransportResult::kOk:
      return "ok";
    case TransportResult::kConnectError:
      return "connect_error";
    case TransportResult::kTimeout:
      return "timeout";
    case TransportResult::kReset:
      return "reset";
    case TransportResult::kProtocolError:
      return "protocol_error";
  }
  return "ok";
}

bool IsRollbackUnconfirmed(ShadowMode mode, const std::optional<UpstreamCall>& shadow_call,
                           bool rollback_confirmed) {
  return mode == ShadowMode::kRollback && shadow_call.has_value() &&
         shadow_call->transport != TransportResult::kConnectError && !rollback_confirmed;
}

namespace {

bool Is5xx(int status) { return status >= 500 && status <= 599; }

// Rule 6: a broken body on the shadow's side only.
bool ShadowBodyBroken(const Comparison& comparison, Side shadow) {
  if (comparison.problem != BodyProblem::kInvalidJson &&
      comparison.problem != BodyProblem::kDecodeError) {
    return false;
  }
  return comparison.problem_side == SideName(shadow);
}

}  // namespace

Classification ClassifyOutcome(const OutcomeFacts& facts) {
  auto done = [](Outcome outcome) { return Classification{outcome, {}}; };
  if (IsRollbackUnconfirmed(facts.shadow_mode, facts.shadow_call, facts.rollback_confirmed)) {
    return done(Outcome::kRollbackUnconfirmed);
  }
  if (facts.primary_call.transport != TransportResult::kOk) return done(Outcome::kPrimaryError);
  if (facts.skipped.has_value() || !facts.shadow_call.has_value()) {
    return done(Outcome::kNotShadowed);
  }
  const UpstreamCall& shadow = *facts.shadow_call;
  if (shadow.transport == TransportResult::kTimeout) return done(Outcome::kShadowTimeout);
  if (shadow.transport != TransportResult::kOk) return done(Outcome::kShadowError);
  if (Is5xx(shadow.status) && !Is5xx(facts.primary_call.status)) {
    return done(Outcome::kShadowError);
  }
  if (facts.comparison == nullptr) return done(Outcome::kNotShadowed);
  const Comparison& comparison = *facts.comparison;
  Side shadow_side = facts.primary == Side::kOld ? Side::kNew : Side::kOld;
  if (ShadowBodyBroken(comparison, shadow_side)) return done(Outcome::kShadowError);
  if (comparison.diffs.empty()) return done(Outcome::kMatch);
  if (facts.noise != nullptr && facts.noise->AllNoisy(comparison.diffs)) {
    return done(Outcome::kNoise);
  }
  Classification out{Outcome::kMismatch, {}};
  out.counted.reserve(comparison.diffs.size());
  for (const Diff& diff : comparison.diffs) {
    if (facts.noise == nullptr || !facts.noise->IsNoisy(FieldKey(diff.path))) {
      out.counted.push_back(&diff);
    }
  }
  return out;
}

}  // namespace shadowdiff
