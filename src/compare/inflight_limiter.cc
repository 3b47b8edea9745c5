#include "src/compare/inflight_limiter.h"

namespace shadowdiff {

InflightLimiter::Token& InflightLimiter::Token::operator=(Token&& other) noexcept {
  if (this != &other) {
    Release();
    owner_ = other.owner_;
    other.owner_ = nullptr;
  }
  return *this;
}

void InflightLimiter::Token::Release() {
  if (owner_ == nullptr) return;
  owner_->in_flight_.fetch_sub(1, std::memory_order_acq_rel);
  owner_ = nullptr;
}

InflightLimiter::Token InflightLimiter::TryAcquire() {
  uint32_t current = in_flight_.load(std::memory_order_relaxed);
  do {
    if (current >= cap_.load(std::memory_order_relaxed)) return Token();
  } while (!in_flight_.compare_exchange_weak(current, current + 1, std::memory_order_acq_rel,
                                             std::memory_order_relaxed));
  return Token(this);
}

}  // namespace shadowdiff
