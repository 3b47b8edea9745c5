#include "src/replay/pacer.h"

namespace shadowdiff {

std::chrono::nanoseconds Pacer::Next(std::optional<int64_t> time_ms) {
  using std::chrono::nanoseconds;
  const uint64_t k = count_++;
  switch (mode_) {
    case Mode::kAsFast:
      return nanoseconds(0);
    case Mode::kRate:
      return nanoseconds(static_cast<int64_t>(static_cast<double>(k) * 1e9 / value_));
    case Mode::kSpeed:
      if (time_ms) {
        if (!first_ms_) first_ms_ = *time_ms;
        const int64_t since = *time_ms - *first_ms_;
        const nanoseconds due(static_cast<int64_t>(static_cast<double>(since) * 1e6 / value_));
        if (due > last_) last_ = due;
      }
      return last_;
  }
  return nanoseconds(0);
}

}  // namespace shadowdiff
