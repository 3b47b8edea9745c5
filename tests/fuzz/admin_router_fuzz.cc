// Fuzzes the admin API's request handling without sockets: each input becomes one
// AdminRequest (what AdminServer builds from Beast's parse) and goes to AdminRouter::Handle
// on a router set up once with the real routes of proxy_server.cc: /api/mismatches over a
// MemoryRing of a few records, /api/endpoints (a fixed report built by BuildEndpointsReport),
// /api/endpoints/reset, /api/reload, /api/pause, /api/resume (callbacks that record what
// they got), /metrics, /healthz and the dashboard files; a bearer token is set.
//
// Input format (bytes, '\n'-separated lines, a trailing '\r' dropped from each line):
//   line 1             METHOD SP TARGET     (METHOD: up to the first space; TARGET: the rest,
//                                            verbatim; no space: METHOD only, TARGET "")
//   following lines    Name: value          (until the first empty line; the value's leading
//                                            and trailing spaces/tabs dropped; no ':' -> the
//                                            whole line is the name, value "")
//   the rest           the body
// e.g. "POST /api/pause?max_ms=5\nAuthorization: Bearer <kToken>\n\n{\"x\":1}".
//
// Invariants (any violation aborts, so libFuzzer reports it):
//   - the status is in 100..599; no response header name or value holds CR, LF or NUL;
//   - an application/json body parses as JSON (whole body, valid UTF-8);
//   - a non-2xx answer is JSON {"ok":false,"error":"<non-empty>"}; 401 carries
//     WWW-Authenticate, 405 Allow;
//   - a mutating callback (reload, reset, pause, resume) runs only for a POST whose
//     Authorization header is "Bearer <token>"; a POST to a mutating route without the token
//     anywhere in its headers is answered 401;
//   - the callbacks get what their routes promise: reset never a method without an
//     endpoint; pause max_ms 1..300000 and max_held 0..1000000;
//   - GET /api/mismatches answers at most 200 examples;
//   - a POST to a mutating route with a body that is not blank runs no callback (their
//     arguments come from the query string; a body is refused, never ignored).
// ADMIN_ROUTER_FUZZ_PRINT=1 prints each request line and its answer (to check what seeds reach).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "src/admin/admin_router.h"
#include "src/admin/admin_routes.h"
#include "src/admin/endpoints_route.h"
#include "src/admin/mismatches_route.h"
#include "src/admin/pause_routes.h"
#include "src/admin/ui_routes.h"
#include "src/compare/endpoint_stats.h"
#include "src/compare/noise_registry.h"
#include "src/compare/trip_registry.h"
#include "src/core/config_loader.h"
#include "src/core/diff_json.h"
#include "src/core/example_record.h"
#include "src/core/exchange.h"  // EqualsIgnoreCase
#include "src/metrics/metrics.h"
#include "src/store/memory_ring.h"

namespace shadowdiff {
namespace {

constexpr std::string_view kToken = "fuzz-admin-token";
// The config behind the /api/endpoints report.
constexpr std::string_view kConfig = R"(
endpoints:
  - path: /a/{id}
    methods: [GET]
  - path: /a/{id}
    methods: [POST]
    shadow: off
)";

void Check(bool condition) {
  if (!condition) std::abort();
}

// What the mutating callbacks saw during one input.
struct Calls {
  int reload = 0;
  int reset = 0;
  int pause = 0;
  int resume = 0;
  bool any() const { return reload + reset + pause + resume > 0; }
};
Calls g_calls;

// ---- the router, built once ------------------------------------------------------------------

std::shared_ptr<const ExampleRecord> Record(std::string endpoint, std::string method,
                                            std::vector<std::string> fields, int n) {
  auto record = std::make_shared<ExampleRecord>();
  record->endpoint = std::move(endpoint);
  record->method = std::move(method);
  record->fields = std::move(fields);
  record->outcome = record->fields.empty() ? Outcome::kShadowError : Outcome::kMismatch;
  record->json = "{\"n\":" + std::to_string(n) + ",\"endpoint\":" + JsonString(record->endpoint) +
                 ",\"note\":\"caf\\u00e9 \\\"quoted\\\"\"}";
  return record;
}

// Five records: two endpoints with characters a query must percent-encode, one without
// fields (matched by field=outcome:shadow_error).
std::unique_ptr<MemoryRing> MakeRing() {
  MemoryRing::Options options;
  options.budget.per_field = 0;
  options.budget.per_endpoint = 0;
  auto ring = std::make_unique<MemoryRing>(options);
  ring->Offer(Record("/a/{id}", "GET", {"$.x", "$.items[*].price"}, 1));
  ring->Offer(Record("/a/{id}", "POST", {"$.y"}, 2));
  ring->Offer(Record("/caf\xC3\xA9/items", "GET", {"$.x", "$['a b']"}, 3));
  ring->Offer(Record("/a/{id}", "GET", {}, 4));
  ring->Offer(Record("unmatched", "DELETE", {"$.x"}, 5));
  return ring;
}

EndpointsReport Report() {
  auto config = LoadConfigString(kConfig, "fuzz.yaml");
  Check(config.ok());
  const auto now = std::chrono::system_clock::time_point(std::chrono::minutes(29'000'000));
  EndpointStats stats([now] { return now; });
  stats.CountOutcome("/a/{id}", "GET", Outcome::kMatch);
  stats.CountOutcome("/a/{id}", "GET", Outcome::kMismatch);
  Diff diff;
  diff.path = "$.x";
  stats.CountFields("/a/{id}", "GET", {diff}, 200);
  stats.CountOutcome("/gone", "POST", Outcome::kNotShadowed);
  NoiseRegistry noise;
  Comparison learned;
  learned.diffs = {diff};
  noise.Observe("/a/{id}", learned);
  TripRegistry trips((*config)->endpoints.size());
  trips.Trip(1, 1700000000000);
  EndpointsReport report;
  report.generated_at = now;
  report.uptime_seconds = 42;
  report.endpoints = BuildEndpointsReport(stats, noise, **config, trips);
  return report;
}

// Knows "" (every endpoint) and "/a/{id}"; "/throw" throws (the router's 500 path).
Result<size_t> Reset(std::string_view endpoint, std::string_view method) {
  ++g_calls.reset;
  Check(!(endpoint.empty() && !method.empty()));
  if (endpoint == "/throw") throw std::runtime_error("reset threw");
  if (endpoint.empty() || endpoint == "/a/{id}") return size_t{1};
  return Error{"no endpoint " + std::string(endpoint) + " in the config"};
}

Result<std::chrono::system_clock::time_point> Pause(std::chrono::milliseconds max_wait,
                                                    size_t max_held) {
  ++g_calls.pause;
  Check(max_wait.count() >= 1 && static_cast<uint64_t>(max_wait.count()) <= kPauseMaxTimeoutMs);
  Check(max_held <= kPauseMaxHeldRequests);
  if (max_held == 7) return Error{"the proxy is draining"};  // the 409 path
  return std::chrono::system_clock::time_point(std::chrono::hours(480'000)) + max_wait;
}

const AdminRouter& Router() {
  static const AdminRouter* router = [] {
    auto* metrics = new Metrics("fuzz");  // never destroyed, like the router
    auto* r = new AdminRouter();
    AddMetricsRoute(r, metrics);
    AddHealthRoute(r);
    AddUiRoutes(r);
    AddReloadRoute(r, [] {
      ++g_calls.reload;
      return Status();
    });
    AddEndpointsResetRoute(r, Reset);
    AddEndpointsRoute(r, [report = Report()] { return report; });
    AddMismatchesRoute(r, MakeRing().release());
    AddPauseRoutes(r, PauseCallbacks{Pause,
                                     [] {
                                       ++g_calls.resume;
                                       return size_t{3};
                                     },
                                     [] { return Limits{}; }});
    r->SetBearerToken(std::string(kToken));
    return r;
  }();
  return *router;
}

// ---- the input split -------------------------------------------------------------------------

std::string_view TakeLine(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

AdminRequest Split(std::string_view input) {
  std::string_view first = TakeLine(input);
  size_t space = first.find(' ');
  std::string_view target =
      space == std::string_view::npos ? std::string_view() : first.substr(space + 1);
  AdminRequest request =
      AdminRequest::Make(std::string(first.substr(0, space)), std::string(target));
  while (!input.empty()) {
    std::string_view line = TakeLine(input);
    if (line.empty()) break;
    size_t colon = line.find(':');
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : TrimBlanks(line.substr(colon + 1));
    request.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  request.body = std::string(input);
  return request;
}

// ---- the invariants --------------------------------------------------------------------------

// An independent (and more lenient) reading of the auth rule: the first Authorization header
// is "Bearer" (any case), a space, and the token, blanks around it allowed.
bool CarriesToken(const AdminRequest& request) {
  std::optional<std::string_view> value = request.Header("Authorization");
  if (!value || value->size() < 7 || !EqualsIgnoreCase(value->substr(0, 7), "bearer ")) {
    return false;
  }
  return TrimBlanks(value->substr(7)) == kToken;
}

bool MentionsToken(const AdminRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (value.find(kToken) != std::string::npos) return true;
  }
  return false;
}

bool IsMutatingRoute(std::string_view path) {
  return path == "/api/reload" || path == "/api/endpoints/reset" || path == "/api/pause" ||
         path == "/api/resume";
}

bool HasHeader(const AdminResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name && !value.empty()) return true;
  }
  return false;
}

bool CleanHeaderText(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

rapidjson::Document ParseJsonOrDie(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
  Check(!doc.HasParseError());
  return doc;
}

void CheckError(const AdminResponse& response) {
  Check(!response.body.empty());
  Check(response.content_type == "application/json");
  rapidjson::Document doc = ParseJsonOrDie(response.body);
  Check(doc.IsObject() && doc.HasMember("ok") && doc["ok"].IsFalse());
  Check(doc.HasMember("error") && doc["error"].IsString() && doc["error"].GetStringLength() > 0);
  if (response.status == 401) Check(HasHeader(response, "WWW-Authenticate"));
  if (response.status == 405) Check(HasHeader(response, "Allow"));
}

void CheckResponse(const AdminRequest& request, const AdminResponse& response) {
  Check(response.status >= 100 && response.status <= 599);
  for (const auto& [name, value] : response.headers) {
    Check(!name.empty() && CleanHeaderText(name) && CleanHeaderText(value));
  }
  if (response.content_type == "application/json") {
    rapidjson::Document doc = ParseJsonOrDie(response.body);
    if (response.status == 200 && request.path == "/api/mismatches") {
      Check(doc.IsObject() && doc.HasMember("examples") && doc["examples"].IsArray());
      Check(doc["examples"].Size() <= kMismatchesMaxLimit);
    }
  }
  if (response.status < 200 || response.status > 299) CheckError(response);
}

void CheckAuth(const AdminRequest& request, const AdminResponse& response) {
  if (g_calls.any()) Check(request.method == "POST" && CarriesToken(request));
  if (request.method == "POST" && IsMutatingRoute(request.path) && !MentionsToken(request)) {
    Check(response.status == 401 && !g_calls.any());
  }
  if (request.method == "POST" && IsMutatingRoute(request.path) &&
      request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    Check(!g_calls.any() && (response.status == 400 || response.status == 401));
  }
}

void MaybePrint(const AdminRequest& request, const AdminResponse& response) {
  static const bool print = std::getenv("ADMIN_ROUTER_FUZZ_PRINT") != nullptr;
  if (!print) return;
  std::fprintf(stderr, "%s %s -> %d %.200s\n", request.method.c_str(), request.target.c_str(),
               response.status, response.body.c_str());
}

}  // namespace
}  // namespace shadowdiff

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shadowdiff;
  const AdminRouter& router = Router();
  AdminRequest request = Split(std::string_view(reinterpret_cast<const char*>(data), size));
  g_calls = Calls{};
  AdminResponse response = router.Handle(request);
  MaybePrint(request, response);
  CheckResponse(request, response);
  CheckAuth(request, response);
  return 0;
}
