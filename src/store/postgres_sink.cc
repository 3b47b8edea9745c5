#include "src/store/postgres_sink.h"

#include <unistd.h>

#include <algorithm>
#include <utility>

#include "src/io/log.h"
#include "src/store/postgres_schema.h"

namespace shadowdiff {
namespace {

// One statement per batch: $1 is a JSON array of the records (their JSON lines as the JSONL
// store writes them), $2 a JSON array of their field lists (ExampleRecord::fields), $3 the
// instance. ROWS FROM zips the two arrays in order. Keys of the record without a column of
// their own (problem, error, diffs_total, ...) go to `extra`.
constexpr std::string_view kInsertSql = R"sql(
INSERT INTO shadowdiff_examples
  (time, endpoint, method, target, outcome, primary_side, fields, request, old, new, diffs,
   extra, instance)
SELECT (x.rec->>'time')::timestamptz, x.rec->>'endpoint', x.rec->>'method', x.rec->>'target',
       x.rec->>'outcome', x.rec->>'primary',
       ARRAY(SELECT jsonb_array_elements_text(x.fields)),
       x.rec->'request', NULLIF(x.rec->'old', 'null'), NULLIF(x.rec->'new', 'null'),
       coalesce(x.rec->'diffs', '[]'),
       NULLIF(x.rec - ARRAY['time', 'endpoint', 'method', 'target', 'outcome', 'primary',
                            'request', 'old', 'new', 'diffs'], '{}'),
       $3
FROM ROWS FROM (jsonb_array_elements($1::jsonb), jsonb_array_elements($2::jsonb))
  AS x(rec, fields))sql";

// Migrations may build an index over a large table: they get longer than a statement.
constexpr std::chrono::seconds kMigrationTimeout{120};

// SQLSTATE classes that blame the data of a statement rather than the database: data
// exceptions (22: bad JSON, untranslatable character, ...), integrity constraints (23: a
// record without `time`, ...) and program limits (54).
bool IsRecordError(const std::string& sqlstate) {
  return sqlstate.starts_with("22") || sqlstate.starts_with("23") || sqlstate.starts_with("54");
}

std::string DefaultInstance() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid());
}

// Appends `text` as a JSON string; NUL becomes U+FFFD (jsonb cannot hold it).
void AppendJsonString(std::string* out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u == 0) {
      out->append("\\ufffd");
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 0xf]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

int64_t Millis(std::chrono::milliseconds d) { return d.count(); }

}  // namespace

std::string JsonForJsonb(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '\\' && i + 1 < json.size()) {
      // Outside strings valid JSON has no backslash, so every one starts an escape.
      if (json.compare(i + 1, 5, "u0000") == 0) {
        out.append("\\ufffd");
        i += 5;
      } else {
        out.push_back(c);
        out.push_back(json[i + 1]);
        ++i;
      }
      continue;
    }
    out.push_back(c);
  }
  return out;
}

PostgresSink::PostgresSink(Options options, PostgresStoreMetrics* metrics)
    : options_(std::move(options)),
      metrics_(metrics),
      instance_(options_.instance.empty() ? DefaultInstance() : options_.instance),
      budget_(options_.budget) {}

PostgresSink::~PostgresSink() { Stop(); }

Status PostgresSink::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return Error{"PostgreSQL store: already started"};
  if (Status s = CheckConninfo(options_.conninfo); !s.ok()) {
    stopping_ = true;  // drop what is queued and whatever is offered from now on
    CountDrop(PostgresStoreDrop::kStopped, queue_.size());
    queue_.clear();
    queued_bytes_ = 0;
    return s;
  }
  started_ = true;
  backoff_ = options_.backoff_initial;
  next_connect_ = Clock::now();
  next_retention_ = Clock::now();
  writer_ = std::thread([this] { WriterLoop(); });
  return Status();
}

void PostgresSink::Offer(PendingExample& example) {
  offered_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!HasRoom(0)) return;
    if (!budget_.Admit(example.head())) {
      CountDrop(PostgresStoreDrop::kBudget, 1);
      return;
    }
  }
  std::shared_ptr<const ExampleRecord> record = example.Record();  // built outside the lock
  const size_t bytes = record->json.size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!HasRoom(bytes)) return;
    queue_.push_back(std::move(record));
    queued_bytes_ += bytes;
    PublishQueueDepth(queue_.size());
  }
  wake_.notify_one();
}

bool PostgresSink::HasRoom(size_t bytes) {
  if (stopping_) {
    CountDrop(PostgresStoreDrop::kStopped, 1);
    return false;
  }
  if (queue_.size() >= options_.queue_records || queued_bytes_ + bytes > options_.queue_bytes) {
    CountDrop(connected() ? PostgresStoreDrop::kQueueFull : PostgresStoreDrop::kDatabaseDown, 1);
    return false;
  }
  return true;
}

void PostgresSink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    if (!stopping_) {
      stopping_ = true;
      stop_deadline_ = Clock::now() + options_.stop_timeout;
    }
    if (!started_) {
      // Never started: what was queued cannot be written.
      CountDrop(PostgresStoreDrop::kStopped, queue_.size());
      queue_.clear();
      queued_bytes_ = 0;
      return;
    }
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

PostgresSink::Stats PostgresSink::stats() const {
  Stats s;
  s.offered = offered_.load(std::memory_order_relaxed);
  s.written = written_.load(std::memory_order_relaxed);
  s.dropped_budget = dropped_budget_.load(std::memory_order_relaxed);
  s.dropped_queue_full = dropped_queue_full_.load(std::memory_order_relaxed);
  s.dropped_database_down = dropped_database_down_.load(std::memory_order_relaxed);
  s.dropped_rejected = dropped_rejected_.load(std::memory_order_relaxed);
  s.dropped_stopped = dropped_stopped_.load(std::memory_order_relaxed);
  s.connects = connects_.load(std::memory_order_relaxed);
  s.connect_failures = connect_failures_.load(std::memory_order_relaxed);
  s.retention_deleted_age = retention_deleted_age_.load(std::memory_order_relaxed);
  s.retention_deleted_count = retention_deleted_count_.load(std::memory_order_relaxed);
  s.schema_version = schema_version_.load(std::memory_order_relaxed);
  return s;
}

size_t PostgresSink::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

void PostgresSink::CountDrop(PostgresStoreDrop reason, uint64_t n) {
  if (n == 0) return;
  switch (reason) {
    case PostgresStoreDrop::kBudget:
      dropped_budget_.fetch_add(n, std::memory_order_relaxed);
      break;
    case PostgresStoreDrop::kQueueFull:
      dropped_queue_full_.fetch_add(n, std::memory_order_relaxed);
      break;
    case PostgresStoreDrop::kDatabaseDown:
      dropped_database_down_.fetch_add(n, std::memory_order_relaxed);
      break;
    case PostgresStoreDrop::kRejected:
      dropped_rejected_.fetch_add(n, std::memory_order_relaxed);
      break;
    case PostgresStoreDrop::kStopped:
      dropped_stopped_.fetch_add(n, std::memory_order_relaxed);
      break;
  }
  if (metrics_ != nullptr) metrics_->CountDropped(reason, n);
}

void PostgresSink::PublishQueueDepth(size_t depth) {
  if (metrics_ != nullptr) metrics_->SetQueueDepth(depth);
}

void PostgresSink::TakeBatch(Batch* batch) {
  size_t bytes = 0;
  while (!queue_.empty() && batch->size() < options_.batch_records) {
    const size_t next = queue_.front()->json.size();
    if (!batch->empty() && bytes + next > options_.batch_bytes) break;
    bytes += next;
    queued_bytes_ -= next;
    batch->push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  PublishQueueDepth(queue_.size());
}

void PostgresSink::DropAll(Batch* batch, PostgresStoreDrop reason) {
  CountDrop(reason, batch->size());
  batch->clear();
  std::lock_guard<std::mutex> lock(mu_);
  CountDrop(reason, queue_.size());
  queue_.clear();
  queued_bytes_ = 0;
  PublishQueueDepth(0);
}

bool PostgresSink::TryConnect() {
  Status connected = connection_.Connect(options_.conninfo, options_.connect_timeout, "shadowdiff");
  Result<int> version = connected.ok()
                            ? MigratePostgresSchema(connection_, Clock::now() + kMigrationTimeout)
                            : Result<int>(connected.error());
  if (!version.ok()) {
    connection_.Close();
    connect_failures_.fetch_add(1, std::memory_order_relaxed);
    next_connect_ = Clock::now() + backoff_;
    if (!down_logged_) {
      down_logged_ = true;
      log::Warn("postgres_store_unavailable",
                {{"error", version.error().message},
                 {"retry_in_ms", std::to_string(Millis(backoff_))},
                 {"detail", "examples queue up, then drop (counted); retrying with back-off"}});
    }
    backoff_ = std::min(backoff_ * 2, options_.backoff_max);
    return false;
  }
  connects_.fetch_add(1, std::memory_order_relaxed);
  schema_version_.store(*version, std::memory_order_relaxed);
  connected_at_ = Clock::now();
  next_retention_ = connected_at_;
  connected_.store(true, std::memory_order_release);
  if (metrics_ != nullptr) metrics_->SetConnected(true);
  if (*version > kPostgresSchemaVersion) {
    log::Warn("postgres_store_schema_newer",
              {{"database_version", std::to_string(*version)},
               {"known_version", std::to_string(kPostgresSchemaVersion)},
               {"detail", "migrations only add columns and indexes; writing anyway"}});
  }
  log::Info(down_logged_ ? "postgres_store_connection_restored" : "postgres_store_connected",
            {{"schema_version", std::to_string(*version)}, {"instance", instance_}});
  down_logged_ = false;
  return true;
}

void PostgresSink::MarkDown(std::string_view event, const std::string& error) {
  connection_.Close();
  connected_.store(false, std::memory_order_release);
  if (metrics_ != nullptr) metrics_->SetConnected(false);
  // After a connection that lived a while (a restarted server, a dropped idle connection)
  // the first attempt is immediate; a connection that keeps failing soon after it is made
  // (no permission to insert, ...) backs off like a failed connect.
  const Clock::time_point now = Clock::now();
  if (now - connected_at_ >= options_.backoff_max) {
    backoff_ = options_.backoff_initial;
    next_connect_ = now;
  } else {
    next_connect_ = now + backoff_;
    backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  }
  if (!down_logged_) {
    down_logged_ = true;
    log::Warn(event, {{"error", error},
                      {"detail", "reconnecting with back-off; the unwritten batch is retried"}});
  }
}

PostgresResult PostgresSink::Insert(const Batch& batch, size_t begin, size_t end,
                                    Clock::time_point deadline) {
  std::string records = "[";
  std::string fields = "[";
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) {
      records.push_back(',');
      fields.push_back(',');
    }
    records.append(JsonForJsonb(batch[i]->json));
    fields.push_back('[');
    for (size_t f = 0; f < batch[i]->fields.size(); ++f) {
      if (f > 0) fields.push_back(',');
      AppendJsonString(&fields, batch[i]->fields[f]);
    }
    fields.push_back(']');
  }
  records.push_back(']');
  fields.push_back(']');
  return connection_.Exec(kInsertSql, {records, fields, instance_}, deadline);
}

PostgresSink::WriteResult PostgresSink::WriteBatch(Batch* batch, Clock::time_point deadline) {
  auto written = [this](uint64_t n) {
    written_.fetch_add(n, std::memory_order_relaxed);
    if (metrics_ != nullptr) metrics_->CountWritten(n);
  };
  // A failure that is not the records' fault: the database counts as down.
  auto down = [this](const PostgresResult& r) {
    MarkDown(r.broken ? "postgres_store_connection_lost" : "postgres_store_write_failed",
             r.sqlstate.empty() ? r.message : r.message + " (SQLSTATE " + r.sqlstate + ")");
    return WriteResult::kDatabaseDown;
  };
  PostgresResult r = Insert(*batch, 0, batch->size(), deadline);
  if (r.ok) {
    written(batch->size());
    batch->clear();
    rejecting_ = false;
    return WriteResult::kWritten;
  }
  if (r.broken || !IsRecordError(r.sqlstate)) return down(r);
  // Some record is bad: find it (them) one at a time, keep the others.
  for (size_t i = 0; i < batch->size(); ++i) {
    PostgresResult one = batch->size() == 1 ? std::move(r) : Insert(*batch, i, i + 1, deadline);
    if (one.ok) {
      written(1);
      continue;
    }
    if (one.broken || !IsRecordError(one.sqlstate)) {
      batch->erase(batch->begin(), batch->begin() + static_cast<ptrdiff_t>(i));
      return down(one);
    }
    CountDrop(PostgresStoreDrop::kRejected, 1);
    if (!rejecting_) {
      rejecting_ = true;
      log::Warn("postgres_store_record_rejected",
                {{"endpoint", (*batch)[i]->endpoint},
                 {"error", one.message},
                 {"sqlstate", one.sqlstate},
                 {"detail", "the record is dropped (counted); logged once per run"}});
    }
  }
  batch->clear();
  return WriteResult::kWritten;
}

void PostgresSink::RunRetention() {
  const Clock::time_point now = Clock::now();
  RetentionPassResult pass =
      RunRetentionPass(connection_, options_.retention, now + options_.statement_timeout);
  if (!pass.ok) {
    next_retention_ = now + options_.retention_interval;
    if (pass.failure.broken) {
      MarkDown("postgres_store_connection_lost", pass.failure.message);
    } else {
      log::Warn("postgres_store_retention_failed",
                {{"error", pass.failure.message}, {"sqlstate", pass.failure.sqlstate}});
    }
    return;
  }
  retention_deleted_age_.fetch_add(pass.deleted_by_age, std::memory_order_relaxed);
  retention_deleted_count_.fetch_add(pass.deleted_by_count, std::memory_order_relaxed);
  if (metrics_ != nullptr) {
    metrics_->CountRetentionDeleted(true, pass.deleted_by_age);
    metrics_->CountRetentionDeleted(false, pass.deleted_by_count);
  }
  // Catching up: the next pass right after the next batch (each pass is bounded).
  next_retention_ = pass.more ? Clock::now() : Clock::now() + options_.retention_interval;
}

void PostgresSink::WriterLoop() {
  const bool retention = options_.retention.enabled();
  Batch batch;  // taken from the queue, not yet written; kept across a reconnect
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        if (stopping_) break;
        const Clock::time_point now = Clock::now();
        if (!connection_.connected()) {
          if (now >= next_connect_) break;
          wake_.wait_until(lock, next_connect_);
          continue;
        }
        if (!batch.empty() || !queue_.empty()) break;
        if (retention && now >= next_retention_) break;
        wake_.wait_until(lock, retention ? next_retention_ : now + std::chrono::hours(1));
      }
      if (stopping_) break;
      if (batch.empty() && connection_.connected()) TakeBatch(&batch);
    }
    if (!connection_.connected()) {
      TryConnect();
      continue;
    }
    if (!batch.empty() && WriteBatch(&batch, Clock::now() + options_.statement_timeout) ==
                              WriteResult::kDatabaseDown) {
      continue;
    }
    if (retention && Clock::now() >= next_retention_) RunRetention();
  }

  // Stopping: write what is queued while the database is up and the deadline allows.
  Clock::time_point deadline;
  bool pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    deadline = stop_deadline_;
    pending = !batch.empty() || !queue_.empty();
  }
  if (pending && !connection_.connected() && Clock::now() >= next_connect_ &&
      Clock::now() < deadline) {
    TryConnect();
  }
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (batch.empty()) TakeBatch(&batch);
    }
    if (batch.empty()) break;
    if (!connection_.connected()) {
      DropAll(&batch, PostgresStoreDrop::kDatabaseDown);
      break;
    }
    if (Clock::now() >= deadline) {
      DropAll(&batch, PostgresStoreDrop::kStopped);
      break;
    }
    (void)WriteBatch(&batch, std::min(Clock::now() + options_.statement_timeout, deadline));
  }
  connection_.Close();
  connected_.store(false, std::memory_order_release);
  if (metrics_ != nullptr) metrics_->SetConnected(false);
}

}  // namespace shadowdiff
