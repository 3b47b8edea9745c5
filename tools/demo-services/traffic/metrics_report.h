// The proxy's view of a run, from the admin server's /metrics (Prometheus text format):
// shadowdiff_requests_total{endpoint,method,outcome} and
// shadowdiff_field_mismatches_total{endpoint,method,field,kind}, as the difference between
// a snapshot taken before the run and one taken after it.
#ifndef SHADOWDIFF_DEMO_TRAFFIC_METRICS_REPORT_H_
#define SHADOWDIFF_DEMO_TRAFFIC_METRICS_REPORT_H_

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>

namespace demo_traffic {

struct MetricsSnapshot {
  // (endpoint, method, outcome) -> count
  std::map<std::tuple<std::string, std::string, std::string>, double> requests;
  // (endpoint, method, field, kind) -> count
  std::map<std::tuple<std::string, std::string, std::string, std::string>, double> fields;
  // endpoint -> 0/1
  std::map<std::string, double> tripped;

  double TotalRequests() const;
  MetricsSnapshot Minus(const MetricsSnapshot& before) const;
};

// Parses the Prometheus text exposition format (only the families above).
MetricsSnapshot ParseMetrics(const std::string& text);

// GET http://ADMIN/metrics; nullopt with `error` set when it fails.
std::optional<MetricsSnapshot> FetchMetrics(const std::string& admin,
                                            std::chrono::milliseconds timeout, std::string* error);

// The per-endpoint table: requests, matches, mismatches with the top differing fields,
// shadow writes rolled back (confirmed), and the other outcomes.
void PrintEndpointTable(const MetricsSnapshot& run, std::ostream& out);

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_METRICS_REPORT_H_
