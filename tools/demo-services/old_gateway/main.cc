// old-gateway: the payments monolith of the demo (API.md): health, merchants, customers and
// transactions, with the old error shape and the old customer dialect.
#include "tools/demo-services/common/customer_routes.h"
#include "tools/demo-services/common/health_route.h"
#include "tools/demo-services/common/service_main.h"
#include "tools/demo-services/old_gateway/merchant_routes.h"
#include "tools/demo-services/old_gateway/transaction_routes.h"

int main(int argc, char** argv) {
  demo::ServiceDefinition service{"old-gateway", 8001, demo::ErrorShape::kMessageString, false,
                                  [](demo::Router& router) {
                                    demo::AddHealthRoute(router);
                                    demo::AddMerchantRoutes(router);
                                    demo::AddCustomerRoutes(router, demo::kOldGatewayCustomers);
                                    demo::AddTransactionRoutes(router);
                                  }};
  return demo::RunService(argc, argv, service);
}
