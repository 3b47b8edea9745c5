// RunReplay: `shadowdiff replay` without the command line — reads the inputs entry by entry,
// selects (shard, filter, limit; only then rejects what cannot be sent as recorded), paces,
// and sends each request through a ProxyServer started in-process on 127.0.0.1:0 with the
// given config, so every request takes the proxy's own fan-out, rollback protocol,
// comparison, noise handling and redaction. The report is built from the proxy's
// ExchangeObserver: per endpoint and method, outcomes, fields and examples.
//
// With against_recorded, the config's `old` target is replaced by a RecordedResponder that
// answers each request with its recorded response (entries without one are skipped).
// The config copy the replay runs with has no JSONL/PostgreSQL store and no capture: replay
// writes only its report.
//
// Memory: one entry per sender in flight plus a small queue, whatever the input size.
// Blocking; call from one thread.
#ifndef SHADOWDIFF_REPLAY_REPLAY_RUNNER_H_
#define SHADOWDIFF_REPLAY_REPLAY_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "src/core/config.h"
#include "src/core/result.h"
#include "src/replay/capture_reader.h"
#include "src/replay/entry_selection.h"
#include "src/replay/replay_report.h"

namespace shadowdiff {

struct ReplayOptions {
  std::vector<std::string> inputs;
  CaptureFormat format = CaptureFormat::kAuto;
  size_t concurrency = 8;       // keep-alive connections to the proxy
  std::optional<double> rate;   // --rate: requests per second
  std::optional<double> speed;  // --speed: times the recorded pace
  uint64_t limit = 0;           // 0: no limit (counts requests sent)
  std::optional<EntryFilter> filter;
  Shard shard;
  bool against_recorded = false;
  bool strict = false;    // the first bad entry stops the replay (input error)
  size_t io_threads = 2;  // the in-process proxy's I/O threads
  std::chrono::milliseconds request_timeout{60000};
  // Progress: where to write it (null: nowhere), as one updating line (tty) or plain lines
  // every `progress_interval` (replay_progress.h; its ETA from `limit` or from the input
  // bytes read against the inputs' sizes, when they are regular files).
  std::ostream* progress = nullptr;
  bool progress_tty = false;
  std::chrono::milliseconds progress_interval{5000};
  // Bad entries are described here, one line each (the first `max_bad_lines`).
  std::ostream* warnings = nullptr;
  size_t max_bad_lines = 20;
};

struct ReplayResult {
  ReplayReport report;
  uint64_t entries_read = 0;  // good + bad, before selection
  uint64_t sent = 0;
  // Set when the input made the replay stop: an unreadable file, or a bad entry under
  // --strict. The report holds what was replayed before.
  std::string input_error;
  double seconds = 0;
};

// Error when the replay could not start (targets missing, the proxy could not start).
Result<ReplayResult> RunReplay(std::shared_ptr<const Config> config, const ReplayOptions& options);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_REPLAY_RUNNER_H_
