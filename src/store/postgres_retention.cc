#include "src/store/postgres_retention.h"

#include <algorithm>
#include <string>

namespace shadowdiff {
namespace {

// Oldest rows past the age limit, through the (time) index. `id = ANY(ARRAY(...))` makes the
// delete itself a primary-key lookup of the chosen ids (a semi-join may scan the table).
constexpr std::string_view kDeleteByAge = R"sql(
DELETE FROM shadowdiff_examples WHERE id = ANY(ARRAY(
  SELECT id FROM shadowdiff_examples
  WHERE time < now() - make_interval(secs => $1::double precision)
  ORDER BY time
  LIMIT $2::integer)))sql";

// Rows of each endpoint beyond its newest $1, at most $2 in all. The endpoints are listed by
// a skip scan of the (endpoint, time DESC) index (one index probe per distinct endpoint),
// not by reading the table.
constexpr std::string_view kDeleteByCount = R"sql(
WITH RECURSIVE endpoints(endpoint) AS (
  (SELECT endpoint FROM shadowdiff_examples ORDER BY endpoint LIMIT 1)
  UNION ALL
  SELECT (SELECT e.endpoint FROM shadowdiff_examples e
          WHERE e.endpoint > p.endpoint ORDER BY e.endpoint LIMIT 1)
  FROM endpoints p WHERE p.endpoint IS NOT NULL
)
DELETE FROM shadowdiff_examples WHERE id = ANY(ARRAY(
  SELECT v.id FROM endpoints p CROSS JOIN LATERAL (
    SELECT x.id FROM shadowdiff_examples x
    WHERE x.endpoint = p.endpoint
    ORDER BY x.time DESC
    OFFSET $1::bigint LIMIT $2::integer) v
  WHERE p.endpoint IS NOT NULL
  LIMIT $2::integer)))sql";

}  // namespace

RetentionPassResult RunRetentionPass(PostgresConnection& connection,
                                     const PostgresRetention& retention,
                                     PostgresConnection::Clock::time_point deadline) {
  RetentionPassResult out;
  const uint32_t batch = std::max<uint32_t>(1, retention.batch_rows);
  if (retention.max_age.count() > 0) {
    PostgresResult r = connection.Exec(
        kDeleteByAge, {std::to_string(retention.max_age.count()), std::to_string(batch)}, deadline);
    if (!r.ok) {
      out.failure = std::move(r);
      return out;
    }
    out.deleted_by_age = r.affected;
  }
  if (retention.max_rows_per_endpoint > 0) {
    PostgresResult r = connection.Exec(
        kDeleteByCount, {std::to_string(retention.max_rows_per_endpoint), std::to_string(batch)},
        deadline);
    if (!r.ok) {
      out.failure = std::move(r);
      return out;
    }
    out.deleted_by_count = r.affected;
  }
  out.ok = true;
  out.more = out.deleted_by_age >= batch || out.deleted_by_count >= batch;
  return out;
}

}  // namespace shadowdiff
