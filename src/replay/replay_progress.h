// ReplayProgress: what the replay's progress line says — requests sent and their rate, the
// outcomes so far, and an estimate of the time left. Pure: the runner samples its counters
// and calls FormatProgressLine every tick.
//
// The time left (EstimateSecondsLeft) comes from whichever ends the replay first:
//   --limit N        the requests still to send at the rate so far;
//   the input files  the bytes still to read at the pace so far, when their total size is
//                    known (regular files; for gzip the compressed bytes). A pipe or a device
//                    has no size: no estimate from it.
// Neither known (or nothing measured yet): no estimate, and the line shows none.
#ifndef SHADOWDIFF_REPLAY_REPLAY_PROGRESS_H_
#define SHADOWDIFF_REPLAY_REPLAY_PROGRESS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "src/replay/replay_report.h"

namespace shadowdiff {

struct ReplayProgress {
  uint64_t sent = 0;     // requests answered or failed
  double seconds = 0;    // since the replay started
  OutcomeCounts counts;  // outcomes so far
  uint64_t limit = 0;    // --limit; 0: none
  // How far reading the inputs got, in the files' own bytes (compressed bytes for gzip),
  // summed over the inputs, and their total size (nullopt when some input has none).
  uint64_t input_bytes_read = 0;
  std::optional<uint64_t> input_bytes_total;
};

// Seconds until the replay is done, or nullopt when it cannot be told (see above) or
// nothing is left to send.
std::optional<double> EstimateSecondsLeft(const ReplayProgress& progress);

// "sent 120 (50/s) | compared 118 | match 90.7% | mismatch 11 | errors 0 | ETA 4s"; the
// ETA part only with an estimate.
std::string FormatProgressLine(const ReplayProgress& progress);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_REPLAY_PROGRESS_H_
