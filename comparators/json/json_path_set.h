// JsonPathSet: many JsonPath patterns compiled into one matcher that a tree walk advances
// one path step at a time (a state-set NFA over the patterns' segments).
//
// A state names "pattern k has matched its first p segments". The walk keeps the state set
// of each node it is inside (in a buffer it owns, as a contiguous range) and derives a
// child's set with Advance(); a pattern matches a node's path exactly when the node's set
// holds that pattern's accepting state. Sets are small (at most one state per segment per
// pattern), and an empty set stays empty, so walks under rule-free subtrees cost nothing.
// A set never repeats a state, and the sets this class makes (the root set and every set
// Advance derives from one) are in ascending order.
//
// Immutable after construction; safe to share between threads. Holds copies of the keys.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_PATH_SET_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_PATH_SET_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "comparators/json/json_path.h"

namespace shadowdiff {

class JsonPathSet {
 public:
  using State = uint32_t;
  static constexpr uint32_t kNoPattern = UINT32_MAX;

  // Pattern ids are the positions in `patterns`.
  explicit JsonPathSet(const std::vector<JsonPath>& patterns);

  bool empty() const { return pattern_count_ == 0; }

  // Appends the state set of the root `$` to *states.
  void AppendRootStates(std::vector<State>* states) const;

  // Appends to *states the set reached from the set states[begin, end) by one step (a key,
  // or an index when step.is_index). Indices, not pointers: *states may grow meanwhile.
  // Linear in the set's size when it is ascending; any set is accepted.
  void Advance(std::vector<State>* states, size_t begin, size_t end,
               const JsonPath::Step& step) const;

  // The pattern whose match is complete in `state`, or kNoPattern.
  uint32_t AcceptedPattern(State state) const { return accepts_[state]; }

 private:
  struct Segment {
    JsonPathSegment::Kind kind = JsonPathSegment::Kind::kKey;
    std::string key;
    size_t index = 0;
  };
  static bool Push(std::vector<State>* states, size_t from, State state);

  // Flattened: pattern k occupies states [offset_k, offset_k + segments_k]; the last one
  // accepts. segments_[s] is the segment tried from state s (unused for accepting states).
  std::vector<Segment> segments_;
  std::vector<uint32_t> accepts_;
  std::vector<State> roots_;
  size_t pattern_count_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_PATH_SET_H_
