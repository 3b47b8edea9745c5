#include "src/core/endpoint_settings.h"

namespace shadowdiff {

std::string_view SideName(Side side) { return side == Side::kOld ? "old" : "new"; }

std::string_view ShadowModeName(ShadowMode mode) {
  switch (mode) {
    case ShadowMode::kCompare:
      return "compare";
    case ShadowMode::kRollback:
      return "rollback";
    case ShadowMode::kOff:
      return "off";
  }
  return "off";
}

std::string_view RollbackOrderName(RollbackOrder order) {
  return order == RollbackOrder::kBeforePrimary ? "before_primary" : "concurrent";
}

}  // namespace shadowdiff
