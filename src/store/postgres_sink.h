// PostgresSink: the PostgreSQL example store (SPEC.md `store.postgres`): every record it
// admits becomes one row of shadowdiff_examples (postgres_schema.h), written by its own
// writer thread over one libpq connection, off every request and comparison path. The row
// holds the record's JSON line (the one the JSONL store writes), split into columns: the
// request, both responses and the diffs as jsonb. docs/SQL.md has ad-hoc queries.
//
// Bounded everywhere, like JsonlSink:
//   - an ExampleBudget (example_budget.h) decides at Offer which records are kept at all;
//   - the queue between Offer and the writer holds at most `queue_records` records and
//     `queue_bytes` bytes; a record that does not fit is dropped and counted: `queue_full`
//     while the database is up (the writer fell behind), `database_down` while it is not
//     (the queue rides out a short outage, then overflows);
//   - the writer inserts up to `batch_records` records (`batch_bytes`) per statement: one
//     INSERT ... SELECT over jsonb_array_elements of the batch, one round trip and one
//     transaction per batch;
//   - every statement waits at most `statement_timeout`; a connect at most `connect_timeout`.
// Database down: the writer reconnects with exponential back-off (`backoff_initial`,
// doubling, at most `backoff_max`), logs `postgres_store_connection_lost` once per outage and
// `postgres_store_connection_restored` when it is back; a batch that failed on a broken
// connection is kept by the writer and retried after the reconnect (a commit whose answer was
// lost can thus be written twice). After every (re)connect the schema is migrated
// (MigratePostgresSchema), so a dropped table comes back.
// Bad records: a batch PostgreSQL refuses for its data (SQLSTATE class 22, 23, 54) is retried a
// record at a time; a record refused alone is dropped and counted `rejected`. NUL characters
// (\u0000, which jsonb cannot hold) are replaced by U+FFFD before sending.
// Other statement errors (a missing table, no permission, read-only server) count as the
// database being down: reconnect, migrate, retry.
// Retention (postgres_retention.h): a bounded delete pass right after connecting, then every
// `retention_interval`, sooner while a pass finds more to delete.
//
// Lifecycle: Start validates the conninfo (a malformed one is an error) and starts the writer;
// it never waits for the database, and a database that is down is not an error (the writer
// keeps trying). Stop() stops accepting, writes what is queued until `stop_timeout` (if the
// database is up; a final connect attempt is made when the back-off allows), counts the rest
// as dropped, closes the connection and joins the writer: it returns within about
// stop_timeout + connect_timeout (or, if a migration is running, when it ends: at most 120 s).
// Settings are fixed at construction: a config reload does not change them (restart).
//
// Thread-safety: Offer, stats, queue_depth and connected from any thread. Start and Stop are
// called by the owner (Start once; Stop once, or by the destructor). `metrics`, when given,
// must outlive the sink.
#ifndef SHADOWDIFF_STORE_POSTGRES_SINK_H_
#define SHADOWDIFF_STORE_POSTGRES_SINK_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "src/core/result.h"
#include "src/metrics/metrics.h"
#include "src/store/example_budget.h"
#include "src/store/example_sink.h"
#include "src/store/postgres_connection.h"
#include "src/store/postgres_retention.h"

namespace shadowdiff {

class PostgresSink : public ExampleSink {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::string conninfo;  // libpq connection string or URI (store.postgres)
    std::string instance;  // the `instance` column; "" -> "<hostname>:<pid>"
    size_t queue_records = 4096;
    size_t queue_bytes = size_t{32} << 20;
    size_t batch_records = 100;
    size_t batch_bytes = size_t{4} << 20;  // a batch ends at whichever limit comes first
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_max{30000};
    std::chrono::seconds connect_timeout{5};
    std::chrono::milliseconds statement_timeout{10000};
    std::chrono::milliseconds stop_timeout{5000};
    PostgresRetention retention{std::chrono::hours(24 * 14), 100000, 1000};
    std::chrono::milliseconds retention_interval{60000};
    ExampleBudget::Options budget;
  };

  struct Stats {
    uint64_t offered = 0;
    uint64_t written = 0;
    uint64_t dropped_budget = 0;
    uint64_t dropped_queue_full = 0;
    uint64_t dropped_database_down = 0;
    uint64_t dropped_rejected = 0;
    uint64_t dropped_stopped = 0;
    uint64_t connects = 0;          // successful connects (with the schema migrated)
    uint64_t connect_failures = 0;  // failed attempts (connect or migration)
    uint64_t retention_deleted_age = 0;
    uint64_t retention_deleted_count = 0;
    int schema_version = 0;  // after the last successful connect; 0 before
  };

  // `metrics` may be null (tests); otherwise it receives the same counts as stats().
  PostgresSink(Options options, PostgresStoreMetrics* metrics);
  ~PostgresSink() override;  // Stop()

  PostgresSink(const PostgresSink&) = delete;
  PostgresSink& operator=(const PostgresSink&) = delete;

  // Checks the conninfo and starts the writer thread, which connects in the background. Fails
  // only for a malformed conninfo (the message says so and how to write one) or a second
  // Start; the sink then stays stopped and drops what it is offered.
  Status Start();

  using ExampleSink::Offer;
  void Offer(PendingExample& example) override;

  // See the header comment. Idempotent.
  void Stop();

  Stats stats() const;
  size_t queue_depth() const;
  // True while the writer holds a working connection with the schema in place.
  bool connected() const { return connected_.load(std::memory_order_acquire); }

 private:
  using Batch = std::vector<std::shared_ptr<const ExampleRecord>>;
  enum class WriteResult { kWritten, kDatabaseDown };

  void WriterLoop();
  // Writer-thread only:
  bool TryConnect();
  void MarkDown(std::string_view event, const std::string& error);
  void TakeBatch(Batch* batch);  // requires mu_
  WriteResult WriteBatch(Batch* batch, Clock::time_point deadline);
  PostgresResult Insert(const Batch& batch, size_t begin, size_t end, Clock::time_point deadline);
  void RunRetention();
  void DropAll(Batch* batch, PostgresStoreDrop reason);
  void CountDrop(PostgresStoreDrop reason, uint64_t n);
  // Under mu_: false, with the drop counted, when a record of `bytes` cannot be queued now.
  bool HasRoom(size_t bytes);
  void PublishQueueDepth(size_t depth);

  const Options options_;
  PostgresStoreMetrics* const metrics_;
  std::string instance_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<const ExampleRecord>> queue_;  // guarded by mu_
  size_t queued_bytes_ = 0;                                 // guarded by mu_
  ExampleBudget budget_;                                    // guarded by mu_
  bool started_ = false;                                    // guarded by mu_
  bool stopping_ = false;            // guarded by mu_: no more records are accepted
  Clock::time_point stop_deadline_;  // guarded by mu_; set with stopping_

  std::thread writer_;
  PostgresConnection connection_;        // writer thread only
  std::chrono::milliseconds backoff_{};  // writer thread only: the next wait after a failure
  Clock::time_point next_connect_;       // writer thread only
  Clock::time_point connected_at_;       // writer thread only: the last successful connect
  Clock::time_point next_retention_;     // writer thread only
  bool down_logged_ = false;             // writer thread only: in a logged outage
  bool rejecting_ = false;               // writer thread only: in a run of rejected records

  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> offered_{0};
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> dropped_budget_{0};
  std::atomic<uint64_t> dropped_queue_full_{0};
  std::atomic<uint64_t> dropped_database_down_{0};
  std::atomic<uint64_t> dropped_rejected_{0};
  std::atomic<uint64_t> dropped_stopped_{0};
  std::atomic<uint64_t> connects_{0};
  std::atomic<uint64_t> connect_failures_{0};
  std::atomic<uint64_t> retention_deleted_age_{0};
  std::atomic<uint64_t> retention_deleted_count_{0};
  std::atomic<int> schema_version_{0};
};

// `json` (valid JSON) with every \u0000 escape, which jsonb cannot hold, replaced by \ufffd.
// Exposed for tests.
std::string JsonForJsonb(std::string_view json);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_POSTGRES_SINK_H_
