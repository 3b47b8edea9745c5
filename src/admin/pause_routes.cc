#include "src/admin/pause_routes.h"

#include <optional>
#include <string>
#include <utility>

#include "src/core/example_record.h"

namespace shadowdiff {
namespace {

// Query parameter `name` as a decimal integer in [min, max]; `fallback` when absent; an
// error message when present and not such an integer.
Result<uint64_t> IntParam(const AdminRequest& request, std::string_view name, uint64_t min,
                          uint64_t max, uint64_t fallback) {
  std::optional<std::string> text = request.QueryParam(name);
  if (!text) return fallback;
  uint64_t value = 0;
  bool ok = !text->empty() && text->size() <= 10;
  for (char c : *text) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || value < min || value > max) {
    return Error{std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                 std::to_string(max) + " (got \"" + *text + "\"); leave it out for " +
                 std::to_string(fallback)};
  }
  return value;
}

}  // namespace

void AddPauseRoutes(AdminRouter* router, PauseCallbacks callbacks) {
  router->AddRoute(
      "POST", "/api/pause",
      [pause = callbacks.pause, limits = callbacks.limits](const AdminRequest& request) {
        const Limits defaults = limits ? limits() : Limits{};
        Result<uint64_t> max_ms =
            IntParam(request, "max_ms", 1, kPauseMaxTimeoutMs, defaults.pause_timeout_ms);
        if (!max_ms.ok()) return AdminResponse::Error(400, max_ms.error().message);
        Result<uint64_t> max_held =
            IntParam(request, "max_held", 0, kPauseMaxHeldRequests, defaults.pause_max_requests);
        if (!max_held.ok()) return AdminResponse::Error(400, max_held.error().message);
        auto until = pause(std::chrono::milliseconds(*max_ms), static_cast<size_t>(*max_held));
        if (!until.ok()) return AdminResponse::Error(409, until.error().message);
        return AdminResponse::Json(200, "{\"ok\":true,\"paused\":true,\"until\":\"" +
                                            FormatUtcMillis(*until) +
                                            "\",\"max_ms\":" + std::to_string(*max_ms) +
                                            ",\"max_held\":" + std::to_string(*max_held) + "}");
      });
  router->AddRoute("POST", "/api/resume", [resume = callbacks.resume](const AdminRequest&) {
    const size_t released = resume();
    return AdminResponse::Json(
        200, "{\"ok\":true,\"paused\":false,\"released\":" + std::to_string(released) + "}");
  });
}

}  // namespace shadowdiff
