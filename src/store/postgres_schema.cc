#include "src/store/postgres_schema.h"

#include <cstdlib>
#include <string>

namespace shadowdiff {
namespace {

constexpr PostgresMigration kMigrations[] = {
    {1, "example records with jsonb request, responses and diffs; endpoint+time index",
     R"sql(
CREATE TABLE shadowdiff_examples (
  id bigserial PRIMARY KEY,
  time timestamptz NOT NULL,
  endpoint text NOT NULL,
  method text NOT NULL,
  target text NOT NULL,
  outcome text NOT NULL,
  primary_side text NOT NULL,
  fields text[] NOT NULL DEFAULT '{}',
  request jsonb NOT NULL,
  old jsonb,
  new jsonb,
  diffs jsonb NOT NULL DEFAULT '[]',
  extra jsonb
);
CREATE INDEX shadowdiff_examples_endpoint_time ON shadowdiff_examples (endpoint, time DESC);
CREATE INDEX shadowdiff_examples_time ON shadowdiff_examples (time);
)sql"},
    {2, "writing proxy instance; GIN index on fields for examples of one field",
     R"sql(
ALTER TABLE shadowdiff_examples ADD COLUMN instance text NOT NULL DEFAULT '';
CREATE INDEX shadowdiff_examples_fields ON shadowdiff_examples USING gin (fields);
)sql"},
};

static_assert(std::size(kMigrations) == kPostgresSchemaVersion);

}  // namespace

std::span<const PostgresMigration> PostgresMigrations() { return kMigrations; }

Result<int> MigratePostgresSchema(PostgresConnection& connection,
                                  PostgresConnection::Clock::time_point deadline, int target) {
  auto fail = [&](const std::string& step, const PostgresResult& r) -> Result<int> {
    if (connection.connected()) {
      (void)connection.Exec("ROLLBACK", {}, deadline);
    }
    std::string message = "PostgreSQL store schema: " + step + " failed: " + r.message;
    if (!r.sqlstate.empty()) message += " (SQLSTATE " + r.sqlstate + ")";
    return Error{std::move(message)};
  };

  PostgresResult r = connection.Exec("BEGIN", {}, deadline);
  if (!r.ok) return fail("BEGIN", r);
  r = connection.Exec("SELECT pg_advisory_xact_lock($1::bigint)",
                      {std::to_string(kPostgresSchemaLockKey)}, deadline);
  if (!r.ok) return fail("taking the migration lock", r);
  r = connection.Exec(
      "CREATE TABLE IF NOT EXISTS shadowdiff_schema_version ("
      " version integer PRIMARY KEY,"
      " description text NOT NULL,"
      " applied_at timestamptz NOT NULL DEFAULT now())",
      {}, deadline);
  if (!r.ok) return fail("creating shadowdiff_schema_version", r);
  r = connection.Exec("SELECT coalesce(max(version), 0) FROM shadowdiff_schema_version", {},
                      deadline);
  if (!r.ok || r.rows.size() != 1 || !r.rows[0][0]) return fail("reading the schema version", r);
  int version = std::atoi(r.rows[0][0]->c_str());
  for (const PostgresMigration& m : kMigrations) {
    if (m.version <= version || m.version > target) continue;
    r = connection.Exec(m.sql, {}, deadline);
    if (!r.ok) return fail("migration " + std::to_string(m.version), r);
    r = connection.Exec(
        "INSERT INTO shadowdiff_schema_version (version, description) VALUES ($1::integer, $2)",
        {std::to_string(m.version), std::string(m.description)}, deadline);
    if (!r.ok) return fail("recording migration " + std::to_string(m.version), r);
    version = m.version;
  }
  r = connection.Exec("COMMIT", {}, deadline);
  if (!r.ok) return fail("COMMIT", r);
  return version;
}

}  // namespace shadowdiff
