// Status comparator: the two responses' status codes.
//
// Pure function; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_STATUS_STATUS_COMPARATOR_H_
#define SHADOWDIFF_COMPARATORS_STATUS_STATUS_COMPARATOR_H_

#include "src/core/diff.h"

namespace shadowdiff {

// Appends Diff{"status", kValue, "200", "500"} (JSON numbers) when the codes differ.
// The caller decides whether status is compared at all (CompareRules::status).
void CompareStatus(int old_status, int new_status, Comparison* out);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_STATUS_STATUS_COMPARATOR_H_
