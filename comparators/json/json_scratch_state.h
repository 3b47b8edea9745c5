// JsonScratchState: the buffers behind a JsonScratch (see json_scratch.h), internal to the
// JSON comparator: the parser, the two documents, and the diff walk. Not thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_SCRATCH_STATE_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_SCRATCH_STATE_H_

#include "comparators/json/json_diff_walk.h"
#include "comparators/json/json_document.h"
#include "comparators/json/json_parser.h"

namespace shadowdiff {

struct JsonScratchState {
  JsonParser parser;
  JsonDocument old_doc;
  JsonDocument new_doc;
  DiffWalk walk;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_SCRATCH_STATE_H_
