// OutcomeClassifier: from the facts of one proxied request to its one Outcome (SPEC.md,
// Metrics), plus the diffs that count towards shadowdiff_field_mismatches_total.
//
// The rules, first match wins:
//   1. rollback_unconfirmed: the endpoint is in rollback mode, the shadow request was sent
//      (any transport result except kConnectError, which means nothing reached the service)
//      and the answer did not carry `Shadow-Rolled-Back` equal to the `Shadow-Id` sent. A
//      timeout, reset, 401 or 5xx counts: the service may have committed. This wins over
//      everything, a primary failure included, because it trips the endpoint.
//   2. primary_error: the primary's transport failed (connect error, timeout, reset,
//      protocol error). The client got no answer from the primary, so nothing is compared,
//      whether or not the shadow was called. A primary that ANSWERED, with any status
//      (5xx included), is not a primary_error: its answer is compared like any other.
//   3. not_shadowed: the shadow was not called, or its answer is not compared (a drop:
//      queue_full, ...); see ShadowSkip.
//   4. shadow_timeout: the shadow's deadline passed. shadow_error: any other transport
//      failure of the shadow (connect, reset, protocol error).
//   5. shadow_error: the shadow answered 5xx while the primary did not. (Both 5xx: rule 6.)
//   6. shadow_error: the shadow's body is broken where the primary's is not ("bad body" in
//      SPEC.md): the Comparison's problem is invalid_json or decode_error on the shadow's
//      side only. A broken body on the PRIMARY's side only is a real difference: mismatch.
//   7. match: the Comparison has no diffs. (A comparison that could only be partial, e.g.
//      too_large bodies compared by length + hash, keeps its `problem` for the record.)
//   8. noise: every diff's field is noisy in the endpoint's NoiseModel.
//   9. mismatch: otherwise. Counted diffs are those in non-noisy fields.
// Only `mismatch` has counted diffs; errors and noise count no field.
//
// Pure functions of their arguments; thread-safe for distinct arguments.
#ifndef SHADOWDIFF_CORE_OUTCOME_CLASSIFIER_H_
#define SHADOWDIFF_CORE_OUTCOME_CLASSIFIER_H_

#include <optional>
#include <string_view>
#include <vector>

#include "src/core/diff.h"
#include "src/core/endpoint_settings.h"
#include "src/core/noise_filter.h"
#include "src/core/outcome.h"
#include "src/core/shadow_skip.h"

namespace shadowdiff {

// How an upstream call ended at the transport level.
enum class TransportResult {
  kOk,             // a complete response head was read (the status says the rest)
  kConnectError,   // no connection: nothing was sent
  kTimeout,        // the deadline passed (connect, send or receive)
  kReset,          // the connection closed or reset before the response was complete
  kProtocolError,  // the bytes received are not valid HTTP/1.1 (or exceed a head limit)
};
// "ok", "connect_error", "timeout", "reset", "protocol_error".
std::string_view TransportResultName(TransportResult result);

struct UpstreamCall {
  TransportResult transport = TransportResult::kOk;
  int status = 0;  // meaningful when transport == kOk
};

// What happened to one request. Pointers are borrowed for the duration of the call.
struct OutcomeFacts {
  Side primary = Side::kOld;
  UpstreamCall primary_call;
  // Present when a shadow request was attempted, even if its answer is then dropped.
  std::optional<UpstreamCall> shadow_call;
  // Present when the shadow was not called, or its answer will not be compared.
  std::optional<ShadowSkip> skipped;
  ShadowMode shadow_mode = ShadowMode::kCompare;
  // Shadow-Rolled-Back equalled the Shadow-Id sent (checked by the proxy with
  // src/rollback/protocol.h). Ignored unless shadow_mode is kRollback.
  bool rollback_confirmed = false;
  // Old vs new (not primary vs shadow): required when the shadow answered and was not
  // skipped; a missing comparison then classifies as not_shadowed.
  const Comparison* comparison = nullptr;
  // The endpoint's learned noise; null when nothing is learned (no secondary).
  const NoiseModel* noise = nullptr;
};

struct Classification {
  Outcome outcome = Outcome::kNotShadowed;
  // For kMismatch: the diffs (pointing into *facts.comparison, valid while it lives) whose
  // fields are not noisy. Empty for every other outcome.
  std::vector<const Diff*> counted;
};

// Rule 1 alone, for the proxy to trip an endpoint the moment the shadow's answer is read
// (before the comparison runs): true when `mode` is rollback, the shadow was attempted
// without a connect error, and the answer was not confirmed.
bool IsRollbackUnconfirmed(ShadowMode mode, const std::optional<UpstreamCall>& shadow_call,
                           bool rollback_confirmed);

Classification ClassifyOutcome(const OutcomeFacts& facts);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_OUTCOME_CLASSIFIER_H_
