#include "src/admin/admin_routes.h"

#include <string>
#include <utility>

#include "src/metrics/metrics.h"

namespace shadowdiff {

void AddMetricsRoute(AdminRouter* router, const Metrics* metrics) {
  router->AddRoute("GET", "/metrics", [metrics](const AdminRequest&) {
    AdminResponse response;
    response.content_type = std::string(kPrometheusTextContentType);
    response.body = metrics->Serialize();
    return response;
  });
}

void AddHealthRoute(AdminRouter* router) {
  router->AddRoute("GET", "/healthz",
                   [](const AdminRequest&) { return AdminResponse::Json(200, "{\"ok\":true}"); });
}

void AddReloadRoute(AdminRouter* router, std::function<Status()> reload) {
  router->AddRoute("POST", "/api/reload", [reload = std::move(reload)](const AdminRequest&) {
    Status status = reload();
    if (!status.ok()) return AdminResponse::Error(400, status.error().message);
    return AdminResponse::Json(200, "{\"ok\":true}");
  });
}

}  // namespace shadowdiff
