#include "comparators/status/status_comparator.h"

#include <string>

namespace shadowdiff {

void CompareStatus(int old_status, int new_status, Comparison* out) {
  if (old_status == new_status) return;
  out->diffs.push_back(
      Diff{"status", DiffKind::kValue, std::to_string(old_status), std::to_string(new_status)});
}

}  // namespace shadowdiff
