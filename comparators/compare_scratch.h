// CompareScratch: the reusable per-thread memory of ResponseComparator — the JSON
// differ's scratch and the buffers bodies are decoded into.
//
// Ownership and threading: not thread-safe. Each thread that compares owns one and passes it
// to every ResponseComparator call (any comparator; one scratch serves all endpoints).
// Buffers keep their capacity between calls, so they grow to the largest bodies seen (at
// most CompareRules::max_body_bytes each, four decode buffers) and are freed with the
// scratch. A Comparison never points into a scratch.
#ifndef SHADOWDIFF_COMPARATORS_COMPARE_SCRATCH_H_
#define SHADOWDIFF_COMPARATORS_COMPARE_SCRATCH_H_

#include "comparators/body_codec/content_decoder.h"
#include "comparators/json/json_scratch.h"

namespace shadowdiff {

class CompareScratch {
 public:
  CompareScratch() = default;
  CompareScratch(const CompareScratch&) = delete;
  CompareScratch& operator=(const CompareScratch&) = delete;

  JsonScratch& json() { return json_; }
  DecodeBuffers& old_body() { return old_body_; }
  DecodeBuffers& new_body() { return new_body_; }

 private:
  JsonScratch json_;
  DecodeBuffers old_body_;
  DecodeBuffers new_body_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_COMPARE_SCRATCH_H_
