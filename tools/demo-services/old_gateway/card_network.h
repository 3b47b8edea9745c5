// The card network: the old gateway's external side effect. In this demo a charge or a void
// is a log line ("card network: charge ..."), so tests can see that it happens for live
// requests and is skipped for shadow requests (SPEC.md: a shadow performs no external side
// effect), which log "card network: skipped ..." instead. Never given the card number.
// Thread-safe.
#ifndef DEMO_SERVICES_OLD_GATEWAY_CARD_NETWORK_H_
#define DEMO_SERVICES_OLD_GATEWAY_CARD_NETWORK_H_

#include <cstdint>
#include <string_view>

#include "src/rollback/rollback.h"
#include "tools/demo-services/old_gateway/card.h"

namespace demo {

void ChargeCard(const shadowdiff::rollback::RequestTransaction& tx, std::string_view transaction_id,
                const CardSummary& card, int64_t amount_cents, std::string_view currency);

void VoidCharge(const shadowdiff::rollback::RequestTransaction& tx,
                std::string_view transaction_id);

}  // namespace demo

#endif  // DEMO_SERVICES_OLD_GATEWAY_CARD_NETWORK_H_
