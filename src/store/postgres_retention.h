// PostgresRetention: how long the PostgreSQL example store keeps rows of shadowdiff_examples
// (postgres_schema.h), and the bounded delete pass that enforces it.
//
// Two limits, each off when 0: rows older than `max_age` (by the record's `time`), and rows of
// one endpoint beyond its newest `max_rows_per_endpoint`. A pass deletes at most `batch_rows`
// rows for each limit, oldest first, so it never holds locks or the writer for long; a pass
// that hit a batch limit says `more`, and the caller runs another soon (postgres_sink.h runs
// one after each insert batch until caught up, else one every retention interval).
// The per-endpoint limit walks the (endpoint, time DESC) index: its cost per pass grows with
// the number of endpoints times max_rows_per_endpoint index entries.
//
// Several proxies sharing a database may run passes at once: a row is deleted once; the
// others' statements just delete fewer.
#ifndef SHADOWDIFF_STORE_POSTGRES_RETENTION_H_
#define SHADOWDIFF_STORE_POSTGRES_RETENTION_H_

#include <chrono>
#include <cstdint>

#include "src/store/postgres_connection.h"

namespace shadowdiff {

struct PostgresRetention {
  std::chrono::seconds max_age{0};     // 0: no age limit
  uint64_t max_rows_per_endpoint = 0;  // 0: no count limit
  uint32_t batch_rows = 1000;          // rows deleted per limit per pass (>= 1)

  bool enabled() const { return max_age.count() > 0 || max_rows_per_endpoint > 0; }
};

struct RetentionPassResult {
  bool ok = false;
  PostgresResult failure;  // !ok: the failed statement's result (broken: reconnect)
  uint64_t deleted_by_age = 0;
  uint64_t deleted_by_count = 0;
  bool more = false;  // a limit deleted a full batch: more rows may be due
};

// One pass: at most batch_rows rows by age, then at most batch_rows rows by count, each in
// its own statement (autocommit), each waiting at most until `deadline`.
RetentionPassResult RunRetentionPass(PostgresConnection& connection,
                                     const PostgresRetention& retention,
                                     PostgresConnection::Clock::time_point deadline);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_POSTGRES_RETENTION_H_
