// The proof that the database holds only the primary's writes: the customers and
// transactions tables are read before and after a run (libpq), and the rows the run added
// or changed must equal the Model of what the primary answered, exactly: one customer row
// per create the primary answered with its last accepted field values and deleted flag, one
// transaction row per settled sale with its status; nothing else new, nothing else changed.
#ifndef SHADOWDIFF_DEMO_TRAFFIC_DB_PROOF_H_
#define SHADOWDIFF_DEMO_TRAFFIC_DB_PROOF_H_

#include <optional>
#include <ostream>
#include <string>

#include "model.h"

namespace demo_traffic {

// Reads both tables (every wait bounded by `timeout_seconds`); nullopt + error on failure.
std::optional<Model> ReadDatabase(const std::string& conninfo, int timeout_seconds,
                                  std::string* error);

// Compares `after` minus `before` with `model`, prints the counts and what differs, and
// returns true on PASS.
bool ProveDatabase(const Model& model, const Model& before, const Model& after, std::ostream& out);

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_DB_PROOF_H_
