#include "comparators/json/json_diff_walk.h"

#include <algorithm>
#include <utility>

#include "comparators/json/json_hash_mix.h"
#include "comparators/json/json_number.h"
#include "comparators/json/json_render.h"

namespace shadowdiff {
namespace {

constexpr uint32_t kNone = UINT32_MAX;      // no node; an old child with no partner (missing)
constexpr uint32_t kSkip = UINT32_MAX - 1;  // an old child that is ignored or known equal

// Below this many candidate pairs, members are paired by scanning instead of hashing.
constexpr size_t kScanPairLimit = 64;

// false and true are one type (a value diff between them), every other JsonType its own.
int TypeGroup(JsonType type) {
  return type == JsonType::kTrue ? static_cast<int>(JsonType::kFalse) : static_cast<int>(type);
}

}  // namespace

void DiffWalk::Run(const JsonRuleSet& rules, const JsonDocument& old_doc,
                   const JsonDocument& new_doc, Comparison* out) {
  rules_ = &rules;
  old_ = &old_doc;
  new_ = &new_doc;
  out_ = out;
  stopped_ = false;
  stack_.clear();
  states_.clear();
  pairs_.clear();

  rules.paths().AppendRootStates(&states_);
  if (rules.Ignored(states_, 0, states_.size())) return;
  if (SameText(old_doc.root(), new_doc.root())) return;
  Visit(old_doc.root(), new_doc.root(), 0, states_.size());
  while (!stack_.empty() && !stopped_) StepFrame();
}

void DiffWalk::AdvanceStates(size_t begin, size_t end, const JsonPath::Step& step) {
  if (begin != end) rules_->paths().Advance(&states_, begin, end, step);
}

void DiffWalk::StepFrame() {
  Frame& frame = stack_.back();
  const JsonNode& a = old_->node(frame.old_node);
  const JsonNode& b = new_->node(frame.new_node);
  const bool object = frame.kind == FrameKind::kObject;
  const size_t child_begin = states_.size();
  JsonPath::Step step;
  step.is_index = !object;
  frame.step_is_index = !object;

  if (frame.phase == 0) {
    // Children that need no work (paired as equal, or with the same text) are passed over
    // here; the first one that does is handled, and the step ends.
    uint32_t i;
    uint32_t old_child;
    uint32_t new_child;
    for (;;) {
      i = frame.cursor++;
      if (i >= a.b) {
        frame.phase = 1;
        // Ordered arrays: extras are the new tail past the old length.
        frame.cursor = frame.kind == FrameKind::kOrderedArray ? std::min(a.b, b.b) : 0;
        return;
      }
      uint32_t partner;
      if (frame.kind == FrameKind::kOrderedArray) {
        partner = i < b.b ? i : kNone;
      } else {
        partner = pairs_[frame.pairs + i];
        if (partner == kSkip) continue;
      }
      old_child = object ? old_->MemberValue(a, i) : old_->Element(a, i);
      new_child = partner == kNone
                      ? kNone
                      : (object ? new_->MemberValue(b, partner) : new_->Element(b, partner));
      // A pair with the same text is equal under every rule and reports nothing: no path
      // states needed (most members of a container that differs somewhere are such pairs).
      if (new_child == kNone || !SameText(old_child, new_child)) break;
    }
    frame.step_in_new = false;
    if (object) {
      frame.step = old_->MemberKey(a, i);
      step.key = old_->Bytes(old_->node(frame.step));
    } else {
      frame.step = i;
      step.index = i;
    }
    AdvanceStates(frame.state_begin, frame.state_end, step);
    const size_t child_end = states_.size();
    if (rules_->Ignored(states_, child_begin, child_end)) {
      states_.resize(child_begin);
      return;
    }
    if (new_child == kNone) {
      states_.resize(child_begin);
      Emit(DiffKind::kMissing, old_child, kNone);
      return;
    }
    Visit(old_child, new_child, child_begin, child_end);  // may invalidate `frame`
    return;
  }

  // The new side's extras: its children no old child was paired with (for ordered arrays,
  // the tail past the old length).
  uint32_t i = frame.cursor++;
  if (frame.kind != FrameKind::kOrderedArray) {
    while (i < b.b && pairs_[frame.pairs + a.b + i] != 0) i = frame.cursor++;
  }
  if (i >= b.b) {
    states_.resize(frame.state_begin);
    pairs_.resize(frame.pairs);
    stack_.pop_back();
    return;
  }
  frame.step_in_new = true;
  if (object) {
    frame.step = new_->MemberKey(b, i);
    step.key = new_->Bytes(new_->node(frame.step));
  } else {
    frame.step = i;
    step.index = i;
  }
  AdvanceStates(frame.state_begin, frame.state_end, step);
  const bool ignored = rules_->Ignored(states_, child_begin, states_.size());
  states_.resize(child_begin);
  if (!ignored)
    Emit(DiffKind::kExtra, kNone, object ? new_->MemberValue(b, i) : new_->Element(b, i));
}

bool DiffWalk::SameText(uint32_t o, uint32_t n) const {
  const JsonNode& a = old_->node(o);
  const JsonNode& b = new_->node(n);
  if (a.type != b.type) return false;
  switch (a.type) {
    case JsonType::kNull:
    case JsonType::kFalse:
    case JsonType::kTrue:
      return true;
    case JsonType::kNumber:
    case JsonType::kString:
      return old_->Bytes(a) == new_->Bytes(b);
    case JsonType::kArray:
    case JsonType::kObject:
      return old_->Source(a) == new_->Source(b);
  }
  return false;
}

void DiffWalk::Visit(uint32_t o, uint32_t n, size_t state_begin, size_t state_end) {
  const JsonNode& a = old_->node(o);
  const JsonNode& b = new_->node(n);
  if (TypeGroup(a.type) != TypeGroup(b.type)) {
    states_.resize(state_begin);
    Emit(DiffKind::kType, o, n);
    return;
  }
  if (a.type == JsonType::kArray || a.type == JsonType::kObject) {
    PushFrame(o, n, state_begin, state_end);
    return;
  }
  states_.resize(state_begin);
  // Not the same text: two scalars differ, unless they are numbers within the tolerance.
  if (a.type == JsonType::kNumber &&
      NumbersEqual(old_->Bytes(a), new_->Bytes(b), rules_->number_tolerance())) {
    return;
  }
  Emit(DiffKind::kValue, o, n);
}

void DiffWalk::PushFrame(uint32_t o, uint32_t n, size_t state_begin, size_t state_end) {
  const JsonNode& a = old_->node(o);
  const JsonNode& b = new_->node(n);
  Frame frame{};
  frame.old_node = o;
  frame.new_node = n;
  frame.state_begin = static_cast<uint32_t>(state_begin);
  frame.state_end = static_cast<uint32_t>(state_end);
  frame.pairs = static_cast<uint32_t>(pairs_.size());
  const ArrayRule* array_rule = nullptr;
  if (a.type == JsonType::kObject) {
    frame.kind = FrameKind::kObject;
  } else {
    array_rule = &rules_->ArrayRuleFor(states_, state_begin, state_end);
    frame.kind = array_rule->mode == ArrayMode::kOrdered ? FrameKind::kOrderedArray
                                                         : FrameKind::kPairedArray;
  }
  if (frame.kind != FrameKind::kOrderedArray) {
    pairs_.resize(pairs_.size() + a.b, kNone);
    pairs_.resize(pairs_.size() + b.b, 0);
    uint32_t* pair = pairs_.data() + frame.pairs;
    uint32_t* taken = pair + a.b;
    if (frame.kind == FrameKind::kObject) {
      PairMembers(a, b, pair, taken);
    } else if (array_rule->mode == ArrayMode::kUnordered) {
      PairUnordered(frame, a, b, pair, taken);
    } else {
      PairByKey(frame, array_rule->key, a, b, pair, taken);
    }
  }
  stack_.push_back(frame);
}

// Members pair by key; the k-th occurrence of a key in old with its k-th occurrence in new.
void DiffWalk::PairMembers(const JsonNode& a, const JsonNode& b, uint32_t* pair, uint32_t* taken) {
  auto old_key = [&](uint32_t i) { return old_->Bytes(old_->node(old_->MemberKey(a, i))); };
  auto new_key = [&](uint32_t j) { return new_->Bytes(new_->node(new_->MemberKey(b, j))); };
  // Fast path: the same keys in the same order (the usual case).
  uint32_t start = 0;
  const uint32_t common = std::min(a.b, b.b);
  while (start < common && old_key(start) == new_key(start)) {
    pair[start] = start;
    taken[start] = 1;
    ++start;
  }
  if (start == a.b || start == b.b) return;
  const size_t rest_old = a.b - start;
  const size_t rest_new = b.b - start;
  if (rest_old * rest_new <= kScanPairLimit) {
    for (uint32_t i = start; i < a.b; ++i) {
      for (uint32_t j = start; j < b.b; ++j) {
        if (taken[j] == 0 && old_key(i) == new_key(j)) {
          pair[i] = j;
          taken[j] = 1;
          break;
        }
      }
    }
    return;
  }
  // Hash the new side's keys; entry: a = first member with the key (for equality), b = next
  // untaken occurrence, c = last occurrence; chain_ links occurrences in order.
  table_.Reset(rest_new);
  chain_.assign(b.b, kNone);
  for (uint32_t j = start; j < b.b; ++j) {
    const std::string_view key = new_key(j);
    IndexTable::Entry* e = table_.Find(
        BytesHash(key, 0), [&](const IndexTable::Entry& x) { return new_key(x.a) == key; }, true);
    if (e->a == IndexTable::kNone) {
      e->a = e->b = e->c = j;
    } else {
      chain_[e->c] = j;
      e->c = j;
    }
  }
  for (uint32_t i = start; i < a.b; ++i) {
    const std::string_view key = old_key(i);
    IndexTable::Entry* e = table_.Find(
        BytesHash(key, 0), [&](const IndexTable::Entry& x) { return new_key(x.a) == key; }, false);
    if (e == nullptr || e->b == kNone) continue;
    pair[i] = e->b;
    taken[e->b] = 1;
    e->b = chain_[e->b];
  }
}

// Equal elements (by canonical hash) pair first and report nothing; the rest pair in order
// and are compared deeply; what is left over is missing / extra.
void DiffWalk::PairUnordered(const Frame& frame, const JsonNode& a, const JsonNode& b,
                             uint32_t* pair, uint32_t* taken) {
  hashes_.resize(a.b + b.b);
  auto hash_elements = [&](const JsonDocument& doc, const JsonNode& array, uint64_t* out,
                           uint32_t* ignored_mark, uint32_t mark) {
    for (uint32_t i = 0; i < array.b; ++i) {
      const size_t child_begin = states_.size();
      JsonPath::Step step;
      step.is_index = true;
      step.index = i;
      AdvanceStates(frame.state_begin, frame.state_end, step);
      const size_t child_end = states_.size();
      if (rules_->Ignored(states_, child_begin, child_end)) {
        ignored_mark[i] = mark;
      } else {
        out[i] =
            hasher_.Hash(doc, doc.Element(array, i), *rules_, &states_, child_begin, child_end);
      }
      states_.resize(child_begin);
    }
  };
  hash_elements(*old_, a, hashes_.data(), pair, kSkip);
  hash_elements(*new_, b, hashes_.data() + a.b, taken, 1);

  // Entry: b = next untaken new element with this hash, c = last one; chain_ links them.
  table_.Reset(b.b);
  chain_.assign(b.b, kNone);
  auto any = [](const IndexTable::Entry&) { return true; };
  for (uint32_t j = 0; j < b.b; ++j) {
    if (taken[j] != 0) continue;
    IndexTable::Entry* e = table_.Find(hashes_[a.b + j], any, true);
    if (e->b == kNone) {
      e->b = e->c = j;
    } else {
      chain_[e->c] = j;
      e->c = j;
    }
  }
  left_old_.clear();
  for (uint32_t i = 0; i < a.b; ++i) {
    if (pair[i] == kSkip) continue;
    IndexTable::Entry* e = table_.Find(hashes_[i], any, false);
    if (e != nullptr && e->b != kNone) {
      pair[i] = kSkip;  // an equal element exists in new
      taken[e->b] = 1;
      e->b = chain_[e->b];
    } else {
      left_old_.push_back(i);
    }
  }
  size_t k = 0;
  for (uint32_t j = 0; j < b.b && k < left_old_.size(); ++j) {
    if (taken[j] != 0) continue;
    pair[left_old_[k++]] = j;
    taken[j] = 1;
  }
}

// Elements pair by the canonical value of member `key` (its first occurrence in the element).
// A key value that repeats pairs by occurrence among the elements with that value; elements
// without the key (or not objects) pair by position among themselves.
void DiffWalk::PairByKey(const Frame& frame, const std::string& key, const JsonNode& a,
                         const JsonNode& b, uint32_t* pair, uint32_t* taken) {
  constexpr uint64_t kNoKey = 0;  // hashes_ value for "no key" (a real hash of 0 is remapped)
  auto key_hash = [&](const JsonDocument& doc, uint32_t element) -> uint64_t {
    const JsonNode& e = doc.node(element);
    if (e.type != JsonType::kObject) return kNoKey;
    for (uint32_t m = 0; m < e.b; ++m) {
      if (doc.Bytes(doc.node(doc.MemberKey(e, m))) == key) {
        const uint64_t h = hasher_.HashPlain(doc, doc.MemberValue(e, m));
        return h == kNoKey ? 1 : h;
      }
    }
    return kNoKey;
  };
  auto is_ignored = [&](uint32_t i) {
    if (frame.state_begin == frame.state_end) return false;
    const size_t child_begin = states_.size();
    JsonPath::Step step;
    step.is_index = true;
    step.index = i;
    AdvanceStates(frame.state_begin, frame.state_end, step);
    const bool ignored = rules_->Ignored(states_, child_begin, states_.size());
    states_.resize(child_begin);
    return ignored;
  };
  hashes_.resize(a.b + b.b);
  // Entry: b = the first untaken new element with the key value; chain_ links the new elements
  // with one key value in order.
  table_.Reset(b.b);
  chain_.assign(b.b, kNone);
  auto any = [](const IndexTable::Entry&) { return true; };
  for (uint32_t i = 0; i < a.b; ++i) {
    if (is_ignored(i)) {
      pair[i] = kSkip;
      hashes_[i] = kNoKey;
      continue;
    }
    hashes_[i] = key_hash(*old_, old_->Element(a, i));
  }
  for (uint32_t j = b.b; j-- > 0;) {  // backwards, so that each chain ends up in order
    uint64_t& h = hashes_[a.b + j];
    if (is_ignored(j)) {
      taken[j] = 1;
      h = kNoKey;
      continue;
    }
    h = key_hash(*new_, new_->Element(b, j));
    if (h == kNoKey) continue;
    IndexTable::Entry* e = table_.Find(h, any, true);
    chain_[j] = e->b;
    e->b = j;
  }
  // Keyed elements pair by key value (the k-th old element with a key value with the k-th
  // new one, when a value repeats); keyless elements pair by position among themselves.
  left_old_.clear();
  left_new_.clear();
  for (uint32_t i = 0; i < a.b; ++i) {
    if (pair[i] == kSkip) continue;
    if (hashes_[i] == kNoKey) {
      left_old_.push_back(i);
      continue;
    }
    IndexTable::Entry* e = table_.Find(hashes_[i], any, false);
    if (e != nullptr && e->b != kNone) {
      pair[i] = e->b;
      taken[e->b] = 1;
      e->b = chain_[e->b];
    }  // else: no (more) new elements with this key: missing
  }
  for (uint32_t j = 0; j < b.b; ++j) {
    if (taken[j] == 0 && hashes_[a.b + j] == kNoKey) left_new_.push_back(j);
  }
  const size_t common = std::min(left_old_.size(), left_new_.size());
  for (size_t k = 0; k < common; ++k) {
    pair[left_old_[k]] = left_new_[k];
    taken[left_new_[k]] = 1;
  }
}

void DiffWalk::Emit(DiffKind kind, uint32_t o, uint32_t n) {
  if (out_->diffs.size() >= rules_->max_diffs()) {
    out_->truncated = true;
    stopped_ = true;
    return;
  }
  Diff diff;
  diff.path = BuildPath();
  diff.kind = kind;
  if (o != kNone) RenderDiffValue(*old_, o, &diff.old_value);
  if (n != kNone) RenderDiffValue(*new_, n, &diff.new_value);
  out_->diffs.push_back(std::move(diff));
}

std::string DiffWalk::BuildPath() const {
  std::string path = "$";
  for (const Frame& frame : stack_) {
    if (frame.step_is_index) {
      AppendIndex(&path, frame.step);
    } else {
      const JsonDocument& doc = frame.step_in_new ? *new_ : *old_;
      AppendKey(&path, doc.Bytes(doc.node(frame.step)));
    }
  }
  return path;
}

}  // namespace shadowdiff
