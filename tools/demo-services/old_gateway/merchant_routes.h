// GET /merchants/{mid} (old gateway only):
//   {"merchant":{"id","name","created_at","customer_count"}} — customer_count counts the
//   merchant's customers that are not deleted.
#ifndef DEMO_SERVICES_OLD_GATEWAY_MERCHANT_ROUTES_H_
#define DEMO_SERVICES_OLD_GATEWAY_MERCHANT_ROUTES_H_

#include "tools/demo-services/common/router.h"

namespace demo {

void AddMerchantRoutes(Router& router);

}  // namespace demo

#endif  // DEMO_SERVICES_OLD_GATEWAY_MERCHANT_ROUTES_H_
