// The admin routes of the proxy's own operations: GET /metrics, GET /healthz and
// POST /api/reload. Later features (endpoints, mismatches, pause, the UI) register theirs
// on the same AdminRouter beside these.
//
// The registered handlers hold references/callbacks only: what they refer to must outlive
// the AdminServer that serves the router.
#ifndef SHADOWDIFF_ADMIN_ADMIN_ROUTES_H_
#define SHADOWDIFF_ADMIN_ADMIN_ROUTES_H_

#include <functional>
#include <string_view>

#include "src/admin/admin_router.h"
#include "src/core/result.h"

namespace shadowdiff {

class Metrics;

// The Content-Type of the Prometheus text exposition format.
inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// GET /metrics: metrics.Serialize().
void AddMetricsRoute(AdminRouter* router, const Metrics* metrics);

// GET /healthz: 200 {"ok":true} while the admin thread answers.
void AddHealthRoute(AdminRouter* router);

// POST /api/reload: calls `reload` (on the admin thread; it should load, validate and swap
// the config, and count the result). OK -> 200 {"ok":true}; an error -> 400
// {"ok":false,"error":"<its message>"} (the file was rejected, the old config keeps serving).
// A reload that throws -> 500 (AdminRouter).
void AddReloadRoute(AdminRouter* router, std::function<Status()> reload);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_ADMIN_ROUTES_H_
