// JsonlSink: the embedded example store (SPEC.md `store.jsonl`): one JSON line per record,
// appended to a file by its own writer thread, off every request and comparison path.
//
// Bounded everywhere:
//   - ExampleBudget (example_budget.h) decides, at Offer, which records are kept at all
//     (default: 20 per endpoint, method and field, 200 per endpoint and method, per hour);
//   - the queue between Offer and the writer holds at most `queue_records` records and
//     `queue_bytes` bytes; a record that does not fit is dropped and counted;
//   - the file is rotated by size: before a line would take it past `max_file_bytes`,
//     `path` becomes `path.1` (`path.1` becomes `path.2`, ...), `path.<keep_files>` is
//     deleted, and a new `path` is started. Disk use is at most about
//     (keep_files + 1) * max_file_bytes. A single line larger than max_file_bytes gets a
//     file of its own.
// Lines are written whole with write(2) in O_APPEND mode; a crash can lose queued records,
// never interleave lines. Stop() writes everything queued, then fdatasync()s and closes.
// Write errors (disk full, ...) are counted and logged once per run of failures; the sink
// keeps trying with the next batch.
//
// Thread-safety: Offer, stats and queue_depth from any thread. Start and Stop are called by
// the owner (Start once before or after the first Offers; Stop once, or by the destructor).
#ifndef SHADOWDIFF_STORE_JSONL_SINK_H_
#define SHADOWDIFF_STORE_JSONL_SINK_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "src/core/result.h"
#include "src/store/example_budget.h"
#include "src/store/example_sink.h"

namespace shadowdiff {

class JsonlSink : public ExampleSink {
 public:
  struct Options {
    std::string path = "var/mismatches.jsonl";
    uint64_t max_file_bytes = uint64_t{64} << 20;
    uint32_t keep_files = 4;  // rotated files kept: path.1 .. path.<keep_files>
    size_t queue_records = 1024;
    size_t queue_bytes = size_t{16} << 20;
    ExampleBudget::Options budget;
  };

  struct Stats {
    uint64_t offered = 0;
    uint64_t written = 0;
    uint64_t dropped_budget = 0;      // refused by the ExampleBudget
    uint64_t dropped_queue_full = 0;  // the writer fell behind
    uint64_t dropped_stopped = 0;     // offered after Stop
    uint64_t write_errors = 0;        // lines that could not be written
    uint64_t rotations = 0;
  };

  explicit JsonlSink(Options options);
  ~JsonlSink() override;  // Stop()

  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  // Creates the parent directory, opens (appends to) the file and starts the writer thread.
  // Records offered before Start wait in the queue. An error names the path and the
  // reason; the sink then stays stopped and drops what it is offered.
  Status Start();

  using ExampleSink::Offer;
  void Offer(PendingExample& example) override;

  // Stops accepting records, writes every queued one, syncs and closes the file, joins the
  // writer. Idempotent.
  void Stop();

  Stats stats() const;
  size_t queue_depth() const;
  const std::string& path() const { return options_.path; }

 private:
  // Under mu_: false, with the drop counted, when a record of `bytes` cannot be queued now.
  bool HasRoom(size_t bytes);
  void WriterLoop();
  // Writer-thread only:
  bool OpenFile();
  void Rotate();
  void WriteAll(const std::string& bytes, size_t lines);

  const Options options_;

  mutable std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::shared_ptr<const ExampleRecord>> queue_;  // guarded by mu_
  size_t queued_bytes_ = 0;                                 // guarded by mu_
  ExampleBudget budget_;                                    // guarded by mu_
  bool started_ = false;                                    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_: no more records are accepted

  std::thread writer_;
  int fd_ = -1;              // writer thread (and Start before it runs, Stop after join)
  uint64_t file_bytes_ = 0;  // same
  bool failing_ = false;     // same: in a run of write errors

  std::atomic<uint64_t> offered_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_budget_{0};
  std::atomic<uint64_t> dropped_queue_full_{0};
  std::atomic<uint64_t> dropped_stopped_{0};
  std::atomic<uint64_t> write_errors_{0};
  std::atomic<uint64_t> rotations_{0};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_JSONL_SINK_H_
