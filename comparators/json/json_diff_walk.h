// DiffWalk: the structural comparison of two parsed JSON documents under a JsonRuleSet,
// producing Diffs. Iterative: one explicit stack of frames, one per pair of containers being
// compared, each with its path-state range (JsonPathSet) and its member/element pairing.
//
// Order of Diffs: depth-first in old-document order; within a container, the old side's
// members/elements first (pairs and missing), then the new side's extras in new order.
// Array indices in paths: the old index for pairs and missing elements, the new index for
// extras. Paths are built only for reported Diffs.
//
// Owns its buffers and reuses them across runs. Not thread-safe; owned by a JsonScratch.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_DIFF_WALK_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_DIFF_WALK_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "comparators/json/json_canonical_hash.h"
#include "comparators/json/json_document.h"
#include "comparators/json/json_index_table.h"
#include "comparators/json/json_rule_set.h"
#include "src/core/diff.h"

namespace shadowdiff {

class DiffWalk {
 public:
  // Appends the differences between the two documents (both successfully parsed) to
  // out->diffs, stopping with out->truncated once out->diffs holds rules.max_diffs() entries.
  void Run(const JsonRuleSet& rules, const JsonDocument& old_doc, const JsonDocument& new_doc,
           Comparison* out);

 private:
  using State = JsonRuleSet::State;
  enum class FrameKind : uint8_t { kObject, kOrderedArray, kPairedArray };
  struct Frame {
    uint32_t old_node;
    uint32_t new_node;
    uint32_t cursor;
    uint32_t pairs;  // pairs_[pairs, +n_old): partner per old child; then n_new "taken" flags
    uint32_t state_begin;
    uint32_t state_end;
    // The child being visited, for paths: a key node (of the new document when step_in_new)
    // or an array index.
    uint32_t step;
    FrameKind kind;
    uint8_t phase;  // 0: old children, 1: the new side's extras
    bool step_is_index;
    bool step_in_new;
  };

  void StepFrame();
  // True when old_->node(o) and new_->node(n) have the same type and the same text (decoded
  // string bytes, number text, or container source): equal under every rule.
  bool SameText(uint32_t o, uint32_t n) const;
  // Compares old_->node(o) with new_->node(n), which do not have the same text (SameText is
  // false; callers check that first) and whose path states are states_[begin, end): emits a
  // Diff, or pushes a frame (which then owns those states), or finds two numbers equal within
  // the tolerance.
  void Visit(uint32_t o, uint32_t n, size_t state_begin, size_t state_end);
  void PushFrame(uint32_t o, uint32_t n, size_t state_begin, size_t state_end);
  void PairMembers(const JsonNode& a, const JsonNode& b, uint32_t* pair, uint32_t* taken);
  void PairUnordered(const Frame& frame, const JsonNode& a, const JsonNode& b, uint32_t* pair,
                     uint32_t* taken);
  void PairByKey(const Frame& frame, const std::string& key, const JsonNode& a, const JsonNode& b,
                 uint32_t* pair, uint32_t* taken);
  // Appends the states of child step `step` of the set states_[begin, end).
  void AdvanceStates(size_t begin, size_t end, const JsonPath::Step& step);
  void Emit(DiffKind kind, uint32_t o, uint32_t n);
  std::string BuildPath() const;

  const JsonRuleSet* rules_ = nullptr;
  const JsonDocument* old_ = nullptr;
  const JsonDocument* new_ = nullptr;
  Comparison* out_ = nullptr;
  bool stopped_ = false;

  std::vector<Frame> stack_;
  std::vector<State> states_;
  std::vector<uint32_t> pairs_;
  // Temporaries of one pairing step.
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> chain_;
  std::vector<uint32_t> left_old_;
  std::vector<uint32_t> left_new_;
  IndexTable table_;
  CanonicalHasher hasher_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_DIFF_WALK_H_
