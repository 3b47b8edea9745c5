// PostgresSchema: the tables of the PostgreSQL example store (SPEC.md "Stored mismatch
// examples", `store.postgres`) and the versioned migrations that create and upgrade them.
//
// Tables (docs/SQL.md has queries against them):
//   shadowdiff_examples        one row per stored example record: id bigserial, time
//                              timestamptz, endpoint, method, target, outcome, primary_side
//                              text, fields text[] (the FieldKeys of the diffs, "$.a[*].b"),
//                              request, old, new, diffs jsonb (old/new NULL when that side
//                              gave no response), extra jsonb (the record's other keys:
//                              problem, error, diffs_total; NULL when none), instance text
//                              (which proxy wrote it).
//                              Indexes: (endpoint, time DESC), (time), GIN (fields).
//   shadowdiff_schema_version  one row per applied migration (version, description,
//                              applied_at).
//
// Migrations only add (tables, columns, indexes), so an older shadowdiff keeps writing to a
// database a newer one migrated. Several proxies may share a database and start at once:
// MigratePostgresSchema takes a transaction-level advisory lock (kPostgresSchemaLockKey)
// and applies every missing migration in that one transaction, so exactly one of them
// migrates and the others then see the result.
//
// Pure data plus one function; thread-safe for distinct connections.
#ifndef SHADOWDIFF_STORE_POSTGRES_SCHEMA_H_
#define SHADOWDIFF_STORE_POSTGRES_SCHEMA_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "src/core/result.h"
#include "src/store/postgres_connection.h"

namespace shadowdiff {

// The latest schema version this build knows.
inline constexpr int kPostgresSchemaVersion = 2;
// pg_advisory_xact_lock key serialising migrations ("shdiffex" in ASCII).
inline constexpr int64_t kPostgresSchemaLockKey = 0x7368646966666578;

struct PostgresMigration {
  int version;                   // 1, 2, ... in order
  std::string_view description;  // stored in shadowdiff_schema_version
  std::string_view sql;          // one or more statements, no parameters
};

// Every migration, by version.
std::span<const PostgresMigration> PostgresMigrations();

// Applies the migrations the database lacks, up to `target` (<= kPostgresSchemaVersion), in
// one transaction under the advisory lock, each statement waiting at most until `deadline`.
// Returns the database's version afterwards, which is above `target` when a newer shadowdiff
// migrated it (nothing is then applied). On failure nothing is applied; the message names
// the migration and PostgreSQL's complaint, and the connection may be closed (broken).
Result<int> MigratePostgresSchema(PostgresConnection& connection,
                                  PostgresConnection::Clock::time_point deadline,
                                  int target = kPostgresSchemaVersion);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_POSTGRES_SCHEMA_H_
