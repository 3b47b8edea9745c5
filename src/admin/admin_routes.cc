#include "src/admin/admin_routes.h"

#include <string>
#include <utility>

#include "src/metrics/metrics.h"

namespace shadowdiff {

void AddMetricsRoute(AdminRouter* router, const Metrics* metrics,
                     std::function<void()> before_scrape) {
  router->AddRoute("GET", "/metrics",
                   [metrics, before_scrape = std::move(before_scrape)](const AdminRequest&) {
                     if (before_scrape) before_scrape();
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

void AddEndpointsResetRoute(
    AdminRouter* router,
    std::function<Result<size_t>(std::string_view endpoint, std::string_view method)> reset) {
  router->AddRoute(
      "POST", "/api/endpoints/reset", [reset = std::move(reset)](const AdminRequest& request) {
        const std::string endpoint = request.QueryParam("endpoint").value_or("");
        const std::string method = request.QueryParam("method").value_or("");
        if (endpoint.empty() && !method.empty()) {
          return AdminResponse::Error(
              400, "method needs endpoint: POST /api/endpoints/reset?endpoint=<template>&method=" +
                       method + ", or no parameters to reset every endpoint");
        }
        Result<size_t> cleared = reset(endpoint, method);
        if (!cleared.ok()) return AdminResponse::Error(404, cleared.error().message);
        return AdminResponse::Json(200, "{\"ok\":true,\"reset\":" + std::to_string(*cleared) + "}");
      });
}

}  // namespace shadowdiff
