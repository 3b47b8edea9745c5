#include "tools/demo-services/common/health_route.h"

namespace demo {

void AddHealthRoute(Router& router) {
  router.Add("GET", "/health", [](const RouteContext& context) -> RouteResult {
    auto probe = context.tx.Exec("SELECT 1");
    if (!probe.ok()) return std::move(probe).error();
    return context.Succeed(200, [](JsonWriter& writer) {
      WriteKey(writer, "status");
      WriteString(writer, "ok");
    });
  });
}

}  // namespace demo
