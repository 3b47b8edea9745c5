#include "src/proxy/pause_gate.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "src/metrics/metrics.h"

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
using Steady = std::chrono::steady_clock;

}  // namespace

// One held request. Owned by its coroutine (shared with nobody); the gate keeps a weak_ptr
// and touches the timer only through a handler posted to the timer's own executor.
struct PauseGate::Waiter {
  explicit Waiter(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  std::optional<PauseRelease> released;  // guarded by the gate's mu_: set when released early
};

PauseGate::PauseGate(PauseMetrics* metrics) : metrics_(metrics) {
  if (metrics_ != nullptr) {
    metrics_->SetPaused(false);
    metrics_->SetHeld(0);
  }
}

PauseGate::~PauseGate() = default;

void PauseGate::SetPausedLocked(bool paused) {
  paused_.store(paused, std::memory_order_release);
  if (metrics_ != nullptr) metrics_->SetPaused(paused);
}

size_t PauseGate::ReleaseAllLocked(PauseRelease reason) {
  size_t released = 0;
  for (const std::weak_ptr<Waiter>& weak : waiters_) {
    std::shared_ptr<Waiter> waiter = weak.lock();
    if (!waiter) continue;  // its I/O thread is gone (shutdown)
    ++released;
    waiter->released = reason;
    // On the timer's thread: end the wait now, and make a wait not yet begun end at once.
    asio::post(waiter->timer.get_executor(), [weak] {
      if (std::shared_ptr<Waiter> w = weak.lock()) w->timer.expires_at(Steady::time_point::min());
    });
  }
  waiters_.clear();
  if (metrics_ != nullptr) metrics_->SetHeld(0);
  return released;
}

void PauseGate::ExpireLocked(Steady::time_point now) {
  if (!paused_.load(std::memory_order_relaxed) || now < deadline_) return;
  SetPausedLocked(false);
  ReleaseAllLocked(PauseRelease::kDeadline);
}

Result<std::chrono::system_clock::time_point> PauseGate::Pause(std::chrono::milliseconds max_wait,
                                                               size_t max_held) {
  max_wait = std::clamp(max_wait, std::chrono::milliseconds(0), kMaxMaxWait);
  std::lock_guard lock(mu_);
  if (closed_) {
    return Error{"the proxy is shutting down: it releases held requests and cannot pause"};
  }
  deadline_ = Steady::now() + max_wait;
  max_held_ = max_held;
  SetPausedLocked(true);
  return std::chrono::system_clock::now() + max_wait;
}

size_t PauseGate::Resume() {
  std::lock_guard lock(mu_);
  SetPausedLocked(false);
  return ReleaseAllLocked(PauseRelease::kResume);
}

void PauseGate::Close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  SetPausedLocked(false);
  ReleaseAllLocked(PauseRelease::kDrain);
}

bool PauseGate::paused() {
  if (!paused_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(mu_);
  ExpireLocked(Steady::now());
  return paused_.load(std::memory_order_relaxed);
}

size_t PauseGate::held() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

asio::awaitable<PauseGate::Admission> PauseGate::Enter() {
  if (!paused_.load(std::memory_order_acquire)) co_return Admission::kPassed;
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mu_);
    ExpireLocked(Steady::now());
    if (!paused_.load(std::memory_order_relaxed)) co_return Admission::kPassed;
    if (waiters_.size() >= max_held_) {
      if (metrics_ != nullptr) metrics_->CountRejected();
      co_return Admission::kRejected;
    }
    waiter = std::make_shared<Waiter>(executor);
    waiter->timer.expires_at(deadline_);
    waiters_.push_back(waiter);
    if (metrics_ != nullptr) {
      metrics_->CountHeld();
      metrics_->SetHeld(waiters_.size());
    }
  }
  // Nothing runs on this thread between registering and starting the wait, so a release
  // posted to this executor always finds the wait started.
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  PauseRelease reason = PauseRelease::kDeadline;
  {
    std::lock_guard lock(mu_);
    if (waiter->released) {
      reason = *waiter->released;
    } else {
      // Woken by its own deadline: end the pause if it is over, and leave the list.
      ExpireLocked(Steady::now());
      if (waiter->released) {
        reason = *waiter->released;
      } else {
        std::erase_if(waiters_, [&](const std::weak_ptr<Waiter>& w) {
          std::shared_ptr<Waiter> p = w.lock();
          return !p || p == waiter;
        });
        if (metrics_ != nullptr) metrics_->SetHeld(waiters_.size());
      }
    }
    if (metrics_ != nullptr) metrics_->CountReleased(reason);
  }
  co_return Admission::kReleased;
}

}  // namespace shadowdiff
