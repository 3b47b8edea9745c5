// PauseGate: POST /api/pause and /api/resume (docs/ADMIN_API.md). While paused, every new
// client request waits at the gate — before its config generation is chosen and before
// anything is sent upstream — until Resume(), until the pause's deadline (max_ms) passes, or
// until the proxy drains. Requests already past the gate are unaffected. This is the
// traffic-pausing trick for cutovers: pause, flip `primary` with a reload, resume; the held
// requests then run with the new config.
//
// Bounded: at most `max_held` requests wait at once; one more is refused (the caller answers
// 503 with Retry-After: 1) and counted. Waiting costs no thread: a held request is a
// suspended coroutine on its I/O thread waiting on a steady_timer set to the deadline;
// Resume posts a cancel to each held request's own executor (timers are used only on their
// thread). No polling.
//
// Ownership: one per ProxyServer, outliving the I/O threads' FanOuts. Thread-safety: every
// method may be called from any thread; Enter() from an I/O thread's coroutine. The hot path
// when not paused is one atomic load. Metrics (PauseMetrics) are updated here.
#ifndef SHADOWDIFF_PROXY_PAUSE_GATE_H_
#define SHADOWDIFF_PROXY_PAUSE_GATE_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "src/core/result.h"
#include "src/metrics/metrics.h"

namespace shadowdiff {

class PauseGate {
 public:
  // Defaults and caps of POST /api/pause.
  static constexpr std::chrono::milliseconds kDefaultMaxWait{30000};
  static constexpr std::chrono::milliseconds kMaxMaxWait{300000};
  static constexpr size_t kDefaultMaxHeld = 10000;

  enum class Admission {
    kPassed,    // not paused: went straight through
    kReleased,  // was held, then released (resume, deadline or drain)
    kRejected,  // paused with max_held already waiting: answer 503, Retry-After: 1
  };

  // `metrics` may be null (tests); else it must outlive the gate.
  explicit PauseGate(PauseMetrics* metrics);
  ~PauseGate();
  PauseGate(const PauseGate&) = delete;
  PauseGate& operator=(const PauseGate&) = delete;

  // Pauses from now until `max_wait` from now (capped at kMaxMaxWait) or Resume(). Pausing
  // again while paused sets a new deadline and max_held for requests held from then on.
  // Fails once Close() was called (the proxy is draining). Returns the deadline (wall
  // clock, for the answer).
  Result<std::chrono::system_clock::time_point> Pause(std::chrono::milliseconds max_wait,
                                                      size_t max_held);
  // Ends the pause and releases every held request; returns how many were held.
  size_t Resume();
  // Drain: releases every held request and refuses every later Pause(). Idempotent.
  void Close();

  // Whether requests arriving now would be held; a pause whose deadline passed ends here
  // (and shadowdiff_paused drops to 0) if no held request's timer ended it already.
  bool paused();
  // Requests waiting now.
  size_t held() const;

  // One atomic load: false means Enter() would pass at once (callers skip it, and its
  // coroutine frame, on the hot path).
  bool maybe_paused() const { return paused_.load(std::memory_order_acquire); }

  // Called by the request path on its I/O thread, first thing. Returns at once when not
  // paused; otherwise waits (see above). Never throws.
  boost::asio::awaitable<Admission> Enter();

 private:
  struct Waiter;

  // Releases every waiter for `reason`; requires mu_. Returns how many.
  size_t ReleaseAllLocked(PauseRelease reason);
  // Ends a pause whose deadline passed; requires mu_.
  void ExpireLocked(std::chrono::steady_clock::time_point now);
  void SetPausedLocked(bool paused);

  PauseMetrics* const metrics_;
  std::atomic<bool> paused_{false};  // fast path; the truth is under mu_
  mutable std::mutex mu_;
  bool closed_ = false;                               // guarded by mu_
  std::chrono::steady_clock::time_point deadline_{};  // guarded by mu_
  size_t max_held_ = kDefaultMaxHeld;                 // guarded by mu_
  std::vector<std::weak_ptr<Waiter>> waiters_;        // guarded by mu_; held now
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_PAUSE_GATE_H_
