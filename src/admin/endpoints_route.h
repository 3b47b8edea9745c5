// GET /api/endpoints (docs/ADMIN_API.md): per (endpoint, method) outcome counts, match rate,
// the last 30 minutes' trend, the fields that differ most, learned noise and whether the
// endpoint is tripped.
//
// Split so that each part is testable without a proxy: BuildEndpointsReport joins the
// counts (EndpointStats) with what the current config, trips and noise say; EndpointsJson
// writes the answer; AddEndpointsRoute serves whatever report its callback builds.
//
// Pure functions; thread-safe for distinct arguments (the inputs are thread-safe themselves).
#ifndef SHADOWDIFF_ADMIN_ENDPOINTS_ROUTE_H_
#define SHADOWDIFF_ADMIN_ENDPOINTS_ROUTE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/admin/admin_router.h"
#include "src/compare/endpoint_stats.h"
#include "src/core/noise_filter.h"

namespace shadowdiff {

struct Config;
class NoiseRegistry;
class TripRegistry;

// One (endpoint, method) of the answer.
struct EndpointsReportRow {
  EndpointStatsEntry stats;
  // "compare", "rollback" or "off" as the current config would treat this (endpoint, method)
  // now; "removed" when the endpoint template is no longer in the config.
  std::string shadow;
  bool tripped = false;
  std::vector<bool> field_noise;         // parallel to stats.fields: the field is learned noise
  std::vector<NoisyField> noise_fields;  // learned noisy fields, highest count first
};

struct EndpointsReport {
  std::chrono::system_clock::time_point generated_at;
  int64_t uptime_seconds = 0;
  bool paused = false;
  std::vector<EndpointsReportRow> endpoints;  // in EndpointStats::Snapshot order
};

// How many fields / noise fields one row shows at most.
inline constexpr size_t kEndpointsReportMaxFields = 20;

// The rows of `stats`, with shadow mode and trips from `config`/`trips` (one generation) and
// noise from `noise`.
std::vector<EndpointsReportRow> BuildEndpointsReport(const EndpointStats& stats,
                                                     const NoiseRegistry& noise,
                                                     const Config& config,
                                                     const TripRegistry& trips);

// The JSON answer of GET /api/endpoints.
std::string EndpointsJson(const EndpointsReport& report);

// GET /api/endpoints: 200 EndpointsJson(report()). `report` runs on the admin thread.
void AddEndpointsRoute(AdminRouter* router, std::function<EndpointsReport()> report);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_ENDPOINTS_ROUTE_H_
