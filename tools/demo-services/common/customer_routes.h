// The customer routes of API.md, shared by both services in their own dialect:
//   POST   /merchants/{mid}/customers
//   GET    /merchants/{mid}/customers?limit=N&after=TOKEN
//   GET    /merchants/{mid}/customers/{token}
//   PUT    /merchants/{mid}/customers/{token}
//   DELETE /merchants/{mid}/customers/{token}
// Validation order: merchant (404), customer (404), body (400 invalid JSON), fields (422),
// e-mail uniqueness (409).
#ifndef DEMO_SERVICES_COMMON_CUSTOMER_ROUTES_H_
#define DEMO_SERVICES_COMMON_CUSTOMER_ROUTES_H_

#include "tools/demo-services/common/customer_dialect.h"
#include "tools/demo-services/common/router.h"

namespace demo {

void AddCustomerRoutes(Router& router, const CustomerDialect& dialect);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_CUSTOMER_ROUTES_H_
