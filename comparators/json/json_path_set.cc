#include "comparators/json/json_path_set.h"

namespace shadowdiff {

JsonPathSet::JsonPathSet(const std::vector<JsonPath>& patterns) : pattern_count_(patterns.size()) {
  for (size_t k = 0; k < patterns.size(); ++k) {
    roots_.push_back(static_cast<State>(segments_.size()));
    for (const JsonPathSegment& s : patterns[k].segments()) {
      segments_.push_back(Segment{s.kind, s.key, s.index});
      accepts_.push_back(kNoPattern);
    }
    segments_.emplace_back();  // the accepting state tries no segment
    accepts_.push_back(static_cast<uint32_t>(k));
  }
}

void JsonPathSet::AppendRootStates(std::vector<State>* states) const {
  states->insert(states->end(), roots_.begin(), roots_.end());
}

bool JsonPathSet::Push(std::vector<State>* states, size_t from, State state) {
  for (size_t i = from; i < states->size(); ++i) {
    if ((*states)[i] == state) return false;
  }
  states->push_back(state);
  return true;
}

void JsonPathSet::Advance(std::vector<State>* states, size_t begin, size_t end,
                          const JsonPath::Step& step) const {
  const size_t out = states->size();
  // From an ascending set the states come in ascending order (a state's successor is state + 1,
  // at most the next state of the set), so while they do, comparing with the last one is the
  // whole duplicate check.
  bool ascending = true;
  auto add = [&](State state) {
    if (ascending) {
      if (states->size() == out || state > states->back()) {
        states->push_back(state);
        return;
      }
      if (state == states->back()) return;
      ascending = false;
    }
    Push(states, out, state);
  };
  for (size_t i = begin; i < end; ++i) {
    const State state = (*states)[i];
    if (accepts_[state] != kNoPattern) continue;
    const Segment& segment = segments_[state];
    bool matches = false;
    switch (segment.kind) {
      case JsonPathSegment::Kind::kKey:
        matches = !step.is_index && step.key == segment.key;
        break;
      case JsonPathSegment::Kind::kDescendantKey:
        add(state);
        matches = !step.is_index && step.key == segment.key;
        break;
      case JsonPathSegment::Kind::kIndex:
        matches = step.is_index && step.index == segment.index;
        break;
      case JsonPathSegment::Kind::kAny:
        matches = true;
        break;
      case JsonPathSegment::Kind::kDescendantAny:
        add(state);
        matches = true;
        break;
    }
    if (matches) add(state + 1);
  }
}

}  // namespace shadowdiff
