// Pacer: when each replayed request is due, as an offset from the start of the replay.
//   AsFast      every request is due at once (the runner's --concurrency is the only limit);
//   Rate(n)     request k is due at k / n seconds (evenly spaced, --rate N);
//   Speed(x)    a request recorded t ms after the first recorded one is due at t / x ms
//               (--speed X; 2 replays twice as fast). An entry without a time, or recorded
//               before the first one, is due with the request before it.
// A request is never sent before it is due; when the senders are busy it goes late. Pure:
// the runner owns the clock.
#ifndef SHADOWDIFF_REPLAY_PACER_H_
#define SHADOWDIFF_REPLAY_PACER_H_

#include <chrono>
#include <cstdint>
#include <optional>

namespace shadowdiff {

class Pacer {
 public:
  static Pacer AsFast() { return Pacer(Mode::kAsFast, 0); }
  static Pacer Rate(double per_second) { return Pacer(Mode::kRate, per_second); }
  static Pacer Speed(double factor) { return Pacer(Mode::kSpeed, factor); }

  // The offset at which the next request (recorded at `time_ms`, when known) is due.
  // Call once per request, in sending order.
  std::chrono::nanoseconds Next(std::optional<int64_t> time_ms);

 private:
  enum class Mode { kAsFast, kRate, kSpeed };
  Pacer(Mode mode, double value) : mode_(mode), value_(value) {}

  Mode mode_;
  double value_;
  uint64_t count_ = 0;
  std::optional<int64_t> first_ms_;
  std::chrono::nanoseconds last_{0};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_PACER_H_
