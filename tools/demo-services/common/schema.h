// The shared database schema of the demo services (API.md, "Schema") and the seeded merchants.
// Applied at start by both services, idempotently (CREATE ... IF NOT EXISTS, seed ON CONFLICT
// DO NOTHING) in one committed transaction that first takes a transaction-level advisory lock,
// so two services starting at once do not race on the catalog.
#ifndef DEMO_SERVICES_COMMON_SCHEMA_H_
#define DEMO_SERVICES_COMMON_SCHEMA_H_

#include "src/core/result.h"
#include "src/rollback/rollback.h"

namespace demo {

// The advisory lock key (pg_advisory_xact_lock) that serialises schema application.
inline constexpr long long kSchemaLockKey = 7263610042;

shadowdiff::Status ApplySchema(shadowdiff::rollback::Connection& connection);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_SCHEMA_H_
