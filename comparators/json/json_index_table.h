// IndexTable: a small open-addressing hash table from 64-bit hashes to entries of four
// 32-bit fields, used by the diff walk to pair object members and array elements in O(n).
// The caller supplies the hash and decides what equal means; Reset() keeps the capacity.
//
// Not thread-safe; owned by a DiffWalk.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_INDEX_TABLE_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_INDEX_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace shadowdiff {

class IndexTable {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Entry {
    uint64_t hash = 0;
    uint32_t a = kNone;
    uint32_t b = kNone;
    uint32_t c = 0;
    uint32_t d = 0;
  };

  // Empties the table, sized for about `expected` entries.
  void Reset(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    slots_.assign(capacity, kNone);
    entries_.clear();
  }

  // The entry with this hash for which same(entry) holds, or nullptr. With `insert`, a new
  // entry {hash} is created instead of returning nullptr. Pointers are valid until the next
  // insertion.
  template <typename Same>
  Entry* Find(uint64_t hash, Same same, bool insert) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(hash) & mask;; i = (i + 1) & mask) {
      const uint32_t slot = slots_[i];
      if (slot == kNone) {
        if (!insert) return nullptr;
        slots_[i] = static_cast<uint32_t>(entries_.size());
        entries_.push_back(Entry{hash});
        return &entries_.back();
      }
      Entry& e = entries_[slot];
      if (e.hash == hash && same(e)) return &e;
    }
  }

 private:
  std::vector<uint32_t> slots_;
  std::vector<Entry> entries_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_INDEX_TABLE_H_
