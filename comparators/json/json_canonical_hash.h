// CanonicalHasher: a structural 64-bit hash of a JSON value that agrees with the diff walk's
// notion of "equal": member order is ignored, numbers hash by value (1 == 1.0), ignored
// sub-paths are skipped, and arrays that the rules compare unordered or by key hash
// independently of element order. Used to match array elements (unordered mode) and keys
// (by_key mode) in O(n). Distinct values collide with probability ~2^-64; a collision makes
// two different elements count as equal.
//
// Owns its explicit stack (no recursion), reused across calls. Not thread-safe; owned by a
// JsonScratch.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_CANONICAL_HASH_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_CANONICAL_HASH_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "comparators/json/json_document.h"
#include "comparators/json/json_rule_set.h"

namespace shadowdiff {

class CanonicalHasher {
 public:
  using State = JsonRuleSet::State;

  // Hash of doc.node(node), whose path state set is (*states)[begin, end) under `rules`.
  // States for the value's descendants are appended to *states and removed again.
  uint64_t Hash(const JsonDocument& doc, uint32_t node, const JsonRuleSet& rules,
                std::vector<State>* states, size_t begin, size_t end);

  // Hash of doc.node(node) with no rules (no ignored paths, every array ordered).
  uint64_t HashPlain(const JsonDocument& doc, uint32_t node);

 private:
  struct Frame {
    uint32_t node;
    uint32_t cursor;
    uint64_t acc;
    uint32_t state_begin;
    uint32_t state_end;
    uint32_t included;
    bool commutative;  // objects, and arrays compared unordered / by key
  };
  uint64_t Run(const JsonDocument& doc, uint32_t node, const JsonRuleSet* rules,
               std::vector<State>* states, size_t begin, size_t end);

  std::vector<Frame> stack_;
  std::vector<State> no_states_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_CANONICAL_HASH_H_
