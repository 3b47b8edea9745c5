#include "comparators/json/json_canonical_hash.h"

#include "comparators/json/json_hash_mix.h"
#include "comparators/json/json_number.h"

namespace shadowdiff {
namespace {

constexpr uint64_t kNullHash = 0x6e756c6c'00000001ULL;
constexpr uint64_t kFalseHash = 0x66616c73'00000002ULL;
constexpr uint64_t kTrueHash = 0x74727565'00000003ULL;
constexpr uint64_t kStringSeed = 0x73747269'6e670004ULL;
constexpr uint64_t kKeySeed = 0x6b657900'00000005ULL;
constexpr uint64_t kArraySeed = 0x61727261'79000006ULL;
constexpr uint64_t kObjectSeed = 0x6f626a65'63740007ULL;

uint64_t ScalarHash(const JsonDocument& doc, const JsonNode& node) {
  switch (node.type) {
    case JsonType::kNull:
      return kNullHash;
    case JsonType::kFalse:
      return kFalseHash;
    case JsonType::kTrue:
      return kTrueHash;
    case JsonType::kNumber:
      return NumberHash(doc.Bytes(node));
    case JsonType::kString:
      return BytesHash(doc.Bytes(node), kStringSeed);
    case JsonType::kArray:
    case JsonType::kObject:
      break;
  }
  return 0;
}

bool IsContainer(const JsonNode& node) {
  return node.type == JsonType::kArray || node.type == JsonType::kObject;
}

}  // namespace

uint64_t CanonicalHasher::Hash(const JsonDocument& doc, uint32_t node, const JsonRuleSet& rules,
                               std::vector<State>* states, size_t begin, size_t end) {
  return Run(doc, node, &rules, states, begin, end);
}

uint64_t CanonicalHasher::HashPlain(const JsonDocument& doc, uint32_t node) {
  no_states_.clear();
  return Run(doc, node, nullptr, &no_states_, 0, 0);
}

uint64_t CanonicalHasher::Run(const JsonDocument& doc, uint32_t root, const JsonRuleSet* rules,
                              std::vector<State>* states, size_t begin, size_t end) {
  const JsonNode& root_node = doc.node(root);
  if (!IsContainer(root_node)) return ScalarHash(doc, root_node);

  auto push = [&](uint32_t index, size_t state_begin, size_t state_end) {
    const JsonNode& n = doc.node(index);
    bool commutative = n.type == JsonType::kObject;
    if (n.type == JsonType::kArray && rules != nullptr) {
      commutative =
          rules->ArrayRuleFor(*states, state_begin, state_end).mode != ArrayMode::kOrdered;
    }
    stack_.push_back(Frame{index, 0, 0, static_cast<uint32_t>(state_begin),
                           static_cast<uint32_t>(state_end), 0, commutative});
  };
  stack_.clear();
  push(root, begin, end);
  uint64_t result = 0;
  while (!stack_.empty()) {
    Frame& top = stack_.back();
    const JsonNode& n = doc.node(top.node);
    if (top.cursor < n.b) {
      const uint32_t i = top.cursor++;
      const bool object = n.type == JsonType::kObject;
      const uint32_t child = object ? doc.MemberValue(n, i) : doc.Element(n, i);
      // The child's states, appended after everything in use.
      const size_t child_begin = states->size();
      if (top.state_begin != top.state_end) {
        JsonPath::Step step;
        step.is_index = !object;
        step.index = i;
        if (object) step.key = doc.Bytes(doc.node(doc.MemberKey(n, i)));
        rules->paths().Advance(states, top.state_begin, top.state_end, step);
      }
      const size_t child_end = states->size();
      if (rules != nullptr && rules->Ignored(*states, child_begin, child_end)) {
        states->resize(child_begin);
        continue;
      }
      const JsonNode& c = doc.node(child);
      if (IsContainer(c)) {
        push(child, child_begin, child_end);  // invalidates `top`
        continue;
      }
      states->resize(child_begin);
      const uint64_t h = ScalarHash(doc, c);
      Frame& parent = stack_.back();
      uint64_t item = h;
      if (object) item = MixHash(BytesHash(doc.Bytes(doc.node(doc.MemberKey(n, i))), kKeySeed) ^ h);
      parent.acc = parent.commutative ? parent.acc + MixHash(item) : MixHash(parent.acc ^ item);
      ++parent.included;
      continue;
    }
    // The container is complete.
    const uint64_t seed = n.type == JsonType::kObject ? kObjectSeed : kArraySeed;
    const uint64_t h = MixHash(top.acc ^ seed ^ (static_cast<uint64_t>(top.included) << 32));
    // The root frame's states are the caller's; every other frame's are ours to drop.
    if (stack_.size() > 1) states->resize(top.state_begin);
    stack_.pop_back();
    if (stack_.empty()) {
      result = h;
      break;
    }
    Frame& parent = stack_.back();
    const JsonNode& p = doc.node(parent.node);
    uint64_t item = h;
    if (p.type == JsonType::kObject) {
      // The finished container is the value of member cursor - 1.
      const uint32_t key = doc.MemberKey(p, parent.cursor - 1);
      item = MixHash(BytesHash(doc.Bytes(doc.node(key)), kKeySeed) ^ h);
    }
    parent.acc = parent.commutative ? parent.acc + MixHash(item) : MixHash(parent.acc ^ item);
    ++parent.included;
  }
  return result;
}

}  // namespace shadowdiff
