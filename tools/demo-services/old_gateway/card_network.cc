#include "tools/demo-services/old_gateway/card_network.h"

#include <string>

#include "tools/demo-services/common/money.h"
#include "tools/demo-services/common/service_log.h"

namespace demo {

void ChargeCard(const shadowdiff::rollback::RequestTransaction& tx, std::string_view transaction_id,
                const CardSummary& card, int64_t amount_cents, std::string_view currency) {
  std::string what = FormatCentsTwoDecimals(amount_cents) + " " + std::string(currency) + " to " +
                     card.brand + " ****" + card.last4 + " for " + std::string(transaction_id);
  if (tx.is_shadow()) {
    LogLine("card network: skipped for shadow request " + tx.shadow().shadow_id() +
            " (would charge " + what + ")");
    return;
  }
  LogLine("card network: charge " + what);
}

void VoidCharge(const shadowdiff::rollback::RequestTransaction& tx,
                std::string_view transaction_id) {
  if (tx.is_shadow()) {
    LogLine("card network: skipped for shadow request " + tx.shadow().shadow_id() +
            " (would void " + std::string(transaction_id) + ")");
    return;
  }
  LogLine("card network: void " + std::string(transaction_id));
}

}  // namespace demo
