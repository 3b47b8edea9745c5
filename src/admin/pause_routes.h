// POST /api/pause and POST /api/resume (docs/ADMIN_API.md): parameter checking and answers.
// The holding itself is the proxy's PauseGate (src/proxy/pause_gate.h), reached through the
// callbacks, so these handlers know nothing of the proxy.
//
// POST /api/pause?max_ms=&max_held=  max_ms 1..300000, max_held 0..1000000; left out, they
//   are limits.pause_timeout_ms and limits.pause_max_requests of the config in effect
//   (defaults 30000 and 10000); anything else -> 400 naming the parameter and its range. Answer
//   {"ok":true,"paused":true,"until":"<UTC time>","max_ms":N,"max_held":N}; a pause that
//   cannot start (the proxy is draining) -> 409 with the reason.
// POST /api/resume  -> {"ok":true,"paused":false,"released":N} (N: requests that were held).
//
// The callbacks run on the admin thread; what they refer to must outlive the AdminServer.
#ifndef SHADOWDIFF_ADMIN_PAUSE_ROUTES_H_
#define SHADOWDIFF_ADMIN_PAUSE_ROUTES_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "src/admin/admin_router.h"
#include "src/core/config.h"
#include "src/core/result.h"

namespace shadowdiff {

struct PauseCallbacks {
  // Starts (or re-arms) a pause; returns when it ends at the latest (wall clock).
  std::function<Result<std::chrono::system_clock::time_point>(std::chrono::milliseconds max_wait,
                                                              size_t max_held)>
      pause;
  // Ends the pause; returns how many held requests it released.
  std::function<size_t()> resume;
  // The limits in effect, for the parameters' defaults (Limits{} when not set).
  std::function<Limits()> limits;
};

void AddPauseRoutes(AdminRouter* router, PauseCallbacks callbacks);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_PAUSE_ROUTES_H_
