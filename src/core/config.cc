#include "src/core/config.h"

namespace shadowdiff {

std::string_view UnmatchedPolicyName(UnmatchedPolicy policy) {
  return policy == UnmatchedPolicy::kPrimaryOnly ? "primary_only" : "shadow_safe_methods";
}

Status RequireTargets(const Config& config) {
  std::string missing;
  if (!config.targets.old_target) missing = "`targets.old`";
  if (!config.targets.new_target) {
    missing += missing.empty() ? "`targets.new`" : " and `targets.new`";
  }
  if (missing.empty()) return Status();
  return Error{config.source + ": " + missing +
               " must be set for this command; add e.g.\n  targets:\n    old: "
               "http://127.0.0.1:8001\n    new: http://127.0.0.1:8002"};
}

}  // namespace shadowdiff
