// GET /api/mismatches (docs/ADMIN_API.md): the stored examples of the in-memory ring, newest
// first, filtered by endpoint template, method and field.
//
// Query: `endpoint` (exact label), `method` (exact, as in the record), `field` (FieldKey form,
// or "outcome:<name>" for records without diffs; see MemoryRing::Recent), `limit` (1..200,
// default 50). A `limit` that is not such an integer is answered 400 with what to send; an
// endpoint, method or field nothing matches is an empty list, not an error.
//
// The handler holds `ring` by pointer: it must outlive the AdminServer serving the route.
#ifndef SHADOWDIFF_ADMIN_MISMATCHES_ROUTE_H_
#define SHADOWDIFF_ADMIN_MISMATCHES_ROUTE_H_

#include <cstddef>

#include "src/admin/admin_router.h"

namespace shadowdiff {

class MemoryRing;

inline constexpr size_t kMismatchesDefaultLimit = 50;
inline constexpr size_t kMismatchesMaxLimit = 200;

// The answer to one GET /api/mismatches request (for tests: no router needed).
AdminResponse MismatchesResponse(const MemoryRing& ring, const AdminRequest& request);

// GET /api/mismatches: MismatchesResponse(*ring, request).
void AddMismatchesRoute(AdminRouter* router, const MemoryRing* ring);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_MISMATCHES_ROUTE_H_
