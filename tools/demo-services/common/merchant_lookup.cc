#include "tools/demo-services/common/merchant_lookup.h"

#include <string>

namespace demo {

shadowdiff::Result<bool> MerchantExists(shadowdiff::rollback::RequestTransaction& tx,
                                        std::string_view merchant_id) {
  auto rows = tx.Exec("SELECT 1 FROM merchants WHERE id = $1", {std::string(merchant_id)});
  if (!rows.ok()) return std::move(rows).error();
  return rows->size() > 0;
}

}  // namespace demo
