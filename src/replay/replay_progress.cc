#include "src/replay/replay_progress.h"

#include <algorithm>
#include <cstdio>

#include "src/replay/summary_table.h"

namespace shadowdiff {

std::optional<double> EstimateSecondsLeft(const ReplayProgress& p) {
  if (p.seconds <= 0) return std::nullopt;
  if (p.limit > 0 && p.sent >= p.limit) return std::nullopt;  // everything was sent
  std::optional<double> left;
  if (p.limit > 0 && p.sent > 0) {
    const double rate = static_cast<double>(p.sent) / p.seconds;
    left = static_cast<double>(p.limit - p.sent) / rate;
  }
  if (p.input_bytes_total) {
    const uint64_t total = *p.input_bytes_total;
    // Read to the end: what is left is in flight, not to be estimated from the input.
    if (p.input_bytes_read >= total) return std::nullopt;
    if (p.input_bytes_read > 0) {
      const double by_input = p.seconds * static_cast<double>(total - p.input_bytes_read) /
                              static_cast<double>(p.input_bytes_read);
      left = left ? std::min(*left, by_input) : by_input;
    }
  }
  return left;
}

std::string FormatProgressLine(const ReplayProgress& p) {
  const OutcomeCounts& c = p.counts;
  const double rate = p.seconds > 0 ? static_cast<double>(p.sent) / p.seconds : 0;
  const uint64_t compared = c[Outcome::kMatch] + c[Outcome::kMismatch] + c[Outcome::kNoise];
  const std::string match =
      compared > 0 ? FormatPercent(static_cast<double>(c[Outcome::kMatch] + c[Outcome::kNoise]) /
                                   static_cast<double>(compared))
                   : "-";
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "sent %llu (%.0f/s) | compared %llu | match %s | mismatch %llu | errors %llu",
                static_cast<unsigned long long>(p.sent), rate,
                static_cast<unsigned long long>(compared), match.c_str(),
                static_cast<unsigned long long>(c[Outcome::kMismatch]),
                static_cast<unsigned long long>(c.errors()));
  std::string out = buf;
  if (std::optional<double> left = EstimateSecondsLeft(p)) {
    std::snprintf(buf, sizeof buf, " | ETA %.0fs", *left);
    out += buf;
  }
  return out;
}

}  // namespace shadowdiff
