// The transaction routes of the old gateway (API.md):
//   POST /merchants/{mid}/transactions             a sale: validates, charges the card
//                                                  network (live requests only), stores X
//   GET  /merchants/{mid}/transactions?limit&after oldest first (created_at, id)
//   GET  /merchants/{mid}/transactions/{id}
//   POST /merchants/{mid}/transactions/{id}/void   409 when already voided
// Sale validation order: merchant (404), body (400), amount, currency, customer_token, card
// fields (422), Luhn (402 "card declined").
#ifndef DEMO_SERVICES_OLD_GATEWAY_TRANSACTION_ROUTES_H_
#define DEMO_SERVICES_OLD_GATEWAY_TRANSACTION_ROUTES_H_

#include "tools/demo-services/common/router.h"

namespace demo {

void AddTransactionRoutes(Router& router);

}  // namespace demo

#endif  // DEMO_SERVICES_OLD_GATEWAY_TRANSACTION_ROUTES_H_
