// new-customers: the customers service being extracted from the monolith (API.md): health and
// the customer routes only, with the new service's four deliberate differences (the
// kCodeAndMessage error shape and the kNewServiceCustomers dialect).
#include "tools/demo-services/common/customer_routes.h"
#include "tools/demo-services/common/health_route.h"
#include "tools/demo-services/common/service_main.h"

int main(int argc, char** argv) {
  demo::ServiceDefinition service{"new-customers", 8002, demo::ErrorShape::kCodeAndMessage, true,
                                  [](demo::Router& router) {
                                    demo::AddHealthRoute(router);
                                    demo::AddCustomerRoutes(router, demo::kNewServiceCustomers);
                                  }};
  return demo::RunService(argc, argv, service);
}
