#include "src/admin/mismatches_route.h"

#include <limits>
#include <optional>
#include <string>

#include "src/core/example_record.h"
#include "src/store/memory_ring.h"

namespace shadowdiff {
namespace {

// `text` as a decimal integer in [1, kMismatchesMaxLimit], or nullopt.
std::optional<size_t> ParseLimit(std::string_view text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<size_t>(c - '0');
  }
  if (value < 1 || value > kMismatchesMaxLimit) return std::nullopt;
  return value;
}

}  // namespace

AdminResponse MismatchesResponse(const MemoryRing& ring, const AdminRequest& request) {
  size_t limit = kMismatchesDefaultLimit;
  if (std::optional<std::string> text = request.QueryParam("limit")) {
    std::optional<size_t> parsed = ParseLimit(*text);
    if (!parsed) {
      return AdminResponse::Error(400, "limit must be an integer from 1 to " +
                                           std::to_string(kMismatchesMaxLimit) + " (got \"" +
                                           *text + "\"); leave it out for " +
                                           std::to_string(kMismatchesDefaultLimit));
    }
    limit = *parsed;
  }
  const std::string endpoint = request.QueryParam("endpoint").value_or("");
  const std::string field = request.QueryParam("field").value_or("");
  const std::string method = request.QueryParam("method").value_or("");
  // The ring filters by endpoint and field; the method is filtered here, so ask for all
  // candidates then (the ring holds a bounded number of records).
  auto records =
      ring.Recent(endpoint, field, method.empty() ? limit : std::numeric_limits<size_t>::max());
  std::string body = "{\"examples\":[";
  size_t written = 0;
  for (const auto& record : records) {
    if (written == limit) break;
    if (!method.empty() && record->method != method) continue;
    if (written > 0) body += ',';
    body += record->json;
    ++written;
  }
  body += "]}";
  return AdminResponse::Json(200, std::move(body));
}

void AddMismatchesRoute(AdminRouter* router, const MemoryRing* ring) {
  router->AddRoute("GET", "/api/mismatches", [ring](const AdminRequest& request) {
    return MismatchesResponse(*ring, request);
  });
}

}  // namespace shadowdiff
