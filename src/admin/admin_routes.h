// The admin routes of the proxy's own operations: GET /metrics, GET /healthz,
// POST /api/reload and POST /api/endpoints/reset. The JSON API (endpoints_route.h,
// mismatches_route.h, pause_routes.h) and the UI register theirs on the same AdminRouter.
//
// The registered handlers hold references/callbacks only: what they refer to must outlive
// the AdminServer that serves the router.
#ifndef SHADOWDIFF_ADMIN_ADMIN_ROUTES_H_
#define SHADOWDIFF_ADMIN_ADMIN_ROUTES_H_

#include <cstddef>
#include <functional>
#include <string_view>

#include "src/admin/admin_router.h"
#include "src/core/result.h"

namespace shadowdiff {

class Metrics;

// The Content-Type of the Prometheus text exposition format.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// GET /metrics: metrics.Serialize(), after `before_scrape` (if set) has brought gauges that
// are computed on demand up to date.
void AddMetricsRoute(AdminRouter* router, const Metrics* metrics,
                     std::function<void()> before_scrape = {});

// GET /healthz: 200 {"ok":true} while the admin thread answers.
void AddHealthRoute(AdminRouter* router);

// POST /api/reload: calls `reload` (on the admin thread; it should load, validate and swap
// the config, and count the result). OK -> 200 {"ok":true}; an error -> 400
// {"ok":false,"error":"<its message>"} (the file was rejected, the old config keeps serving).
// A reload that throws -> 500 (AdminRouter).
void AddReloadRoute(AdminRouter* router, std::function<Status()> reload);

// POST /api/endpoints/reset[?endpoint=<template>[&method=<method>]]: un-trips endpoints.
// `reset(endpoint, method)` gets "" for an absent parameter: ("", "") clears every tripped
// endpoint, (template, "") every endpoint of that template, (template, method) the one
// serving that method. It returns how many were tripped, or an error (the endpoint is not in
// the config -> 404). A method without an endpoint -> 400. Answer {"ok":true,"reset":N}.
void AddEndpointsResetRoute(
    AdminRouter* router,
    std::function<Result<size_t>(std::string_view endpoint, std::string_view method)> reset);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_ADMIN_ROUTES_H_
