// JsonScratch: reusable per-thread memory for parsing and diffing JSON (the two compact
// documents, the parser's stack, the diff walk's stacks and hash tables).
//
// Ownership and threading: not thread-safe. A thread owns its JsonScratch and passes it to
// every JsonDiffer::Compare / ValidateJson call it makes; buffers keep their capacity between
// calls, so in steady state a comparison allocates only for the Diffs it reports. A scratch
// may be used with any JsonDiffer. Memory grows to the largest inputs seen and is released
// only when the scratch is destroyed.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_SCRATCH_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_SCRATCH_H_

#include <memory>

namespace shadowdiff {

struct JsonScratchState;  // json_scratch_state.h: the buffers themselves (internal).

class JsonScratch {
 public:
  JsonScratch();
  ~JsonScratch();
  JsonScratch(const JsonScratch&) = delete;
  JsonScratch& operator=(const JsonScratch&) = delete;
  JsonScratch(JsonScratch&&) noexcept;
  JsonScratch& operator=(JsonScratch&&) noexcept;

  // For the JSON comparator's own files; callers need not look inside.
  JsonScratchState& state() { return *state_; }

 private:
  std::unique_ptr<JsonScratchState> state_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_SCRATCH_H_
