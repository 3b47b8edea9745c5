// InflightLimiter: a cap on concurrent shadow calls (limits.max_inflight_shadow). A call
// that does not get a Token is not made; the caller counts the drop
// (shadowdiff_shadow_dropped_total{reason="inflight_full"}).
//
// Thread-safety: lock-free; TryAcquire and the Token's release are safe from any thread
// (a Token may be released on another thread than the one that acquired it). The limiter
// must outlive its Tokens.
#ifndef SHADOWDIFF_COMPARE_INFLIGHT_LIMITER_H_
#define SHADOWDIFF_COMPARE_INFLIGHT_LIMITER_H_

#include <atomic>
#include <cstdint>

namespace shadowdiff {

class InflightLimiter {
 public:
  // RAII slot: releases on destruction or Release(). Move-only; an empty Token (limit
  // reached, or moved from) is false and releases nothing.
  class [[nodiscard]] Token {
   public:
    Token() = default;
    Token(Token&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Token& operator=(Token&& other) noexcept;
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() { Release(); }

    explicit operator bool() const { return owner_ != nullptr; }
    void Release();

   private:
    friend class InflightLimiter;
    explicit Token(InflightLimiter* owner) : owner_(owner) {}
    InflightLimiter* owner_ = nullptr;
  };

  explicit InflightLimiter(uint32_t cap) : cap_(cap) {}
  InflightLimiter(const InflightLimiter&) = delete;
  InflightLimiter& operator=(const InflightLimiter&) = delete;

  // A Token when fewer than cap() are held, else an empty one. Never blocks.
  Token TryAcquire();

  uint32_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  uint32_t cap() const { return cap_.load(std::memory_order_relaxed); }
  // A new cap (config reload). Tokens held beyond a lowered cap stay valid; new ones are
  // refused until the count drops below it.
  void set_cap(uint32_t cap) { cap_.store(cap, std::memory_order_relaxed); }

 private:
  std::atomic<uint32_t> cap_;
  std::atomic<uint32_t> in_flight_{0};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARE_INFLIGHT_LIMITER_H_
