// GET /health (both services): {"status":"ok","request_id":...} after a trivial query, so the
// answer also says the database is reachable (503 from the pipeline when it is not).
#ifndef DEMO_SERVICES_COMMON_HEALTH_ROUTE_H_
#define DEMO_SERVICES_COMMON_HEALTH_ROUTE_H_

#include "tools/demo-services/common/router.h"

namespace demo {

void AddHealthRoute(Router& router);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_HEALTH_ROUTE_H_
