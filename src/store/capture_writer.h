// CaptureWriter: appends capture lines (src/replay/capture_format.h) to a file from its own
// thread, so the request path never waits on a disk or a formatter: Offer() only queues the
// exchange (it is redacted and formatted on the writer thread), and when the bounded queue
// (lines and bytes) is full it is dropped and counted. The byte bound covers everything the
// writer holds: the queue and the batch it is writing, whose bytes are given back only once
// written; the line bound counts the queue alone. The file is rotated by size
// (path -> path.1 -> ... -> path.<keep_files>, the oldest deleted) and optionally gzip-
// compressed (each open appends a gzip member; readers such as `shadowdiff replay` read
// concatenated members as one stream). Buffered data is flushed at least every second and on
// Stop().
//
// What is captured (sampling, redaction) is decided by the caller. Thread-safe: Offer() from
// any thread; Start()/Stop() from one controlling thread.
#ifndef SHADOWDIFF_STORE_CAPTURE_WRITER_H_
#define SHADOWDIFF_STORE_CAPTURE_WRITER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>

#include "src/core/example_record.h"
#include "src/core/exchange.h"
#include "src/core/result.h"

namespace shadowdiff {

struct CaptureWriterOptions {
  std::string path;
  bool gzip = false;
  // Rotate once this many (uncompressed) bytes were written to the current file.
  uint64_t max_file_bytes = uint64_t{1} << 30;
  size_t keep_files = 5;       // rotated files kept beside `path`
  size_t queue_lines = 10000;  // lines waiting to be written; beyond: dropped
  // Body bytes held, waiting or being written; beyond: dropped (one item is always taken when
  // nothing is held, however large).
  size_t queue_bytes = size_t{64} << 20;
};

// One exchange to capture: the request as sent upstream and the primary's response (none
// when the primary failed). Redacted by `redactor` (may be null) on the writer thread.
struct CaptureRecord {
  std::chrono::system_clock::time_point time;
  Request request;
  std::optional<Response> response;
  std::shared_ptr<const ExampleRedactor> redactor;
};

class CaptureWriter {
 public:
  explicit CaptureWriter(CaptureWriterOptions options);
  ~CaptureWriter();  // Stop()s
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  // Opens `path` for appending (creating it) and starts the writer thread. Error when the
  // file cannot be opened: says which file and why.
  Status Start();
  // Queue one exchange, or one line already formatted (without its newline). Never block;
  // false when dropped (queue full, or not running).
  bool Offer(CaptureRecord record);
  bool OfferLine(std::string line);
  // Writes every queued line, flushes and closes. Idempotent.
  void Stop();

  struct Stats {
    uint64_t written = 0;
    uint64_t dropped_queue_full = 0;   // the writer fell behind (lines or bytes bound)
    uint64_t dropped_stopped = 0;      // offered while not running
    uint64_t dropped_write_error = 0;  // the file could not be opened or written
    uint64_t rotations = 0;
  };
  Stats stats() const;

  uint64_t written() const { return written_.load(std::memory_order_relaxed); }
  uint64_t dropped() const;  // for every reason
  uint64_t rotations() const { return rotations_.load(std::memory_order_relaxed); }

 private:
  using Item = std::variant<std::string, CaptureRecord>;
  bool Enqueue(Item item, size_t bytes);
  void Run();
  void Write(const Item& item);
  bool OpenFile(std::string* error);
  void CloseFile();
  void WriteLine(const std::string& line);
  void Rotate();
  void Flush();

  const CaptureWriterOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::pair<Item, size_t>> queue_;  // guarded by mu_, with each item's bytes
  size_t held_bytes_ = 0;  // guarded by mu_: bytes of the queue and of the unwritten batch
  bool stopping_ = true;   // guarded by mu_; false while running
  bool running_ = false;   // controlling thread only
  std::thread thread_;
  // Writer thread only (and Start/Stop around it):
  void* file_ = nullptr;  // FILE* or gzFile
  uint64_t file_bytes_ = 0;
  bool dirty_ = false;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_queue_full_{0};
  std::atomic<uint64_t> dropped_stopped_{0};
  std::atomic<uint64_t> dropped_write_error_{0};
  std::atomic<uint64_t> rotations_{0};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_CAPTURE_WRITER_H_
