// Hash mixing for the JSON comparator's hash tables and structural hashes: a 64-bit
// finaliser and a byte-string hash. Not cryptographic; equal inputs hash alike within one
// process run and across runs (no seeding). Pure functions; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_HASH_MIX_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_HASH_MIX_H_

#include <cstdint>
#include <cstring>
#include <string_view>

namespace shadowdiff {

// splitmix64's finaliser: every input bit affects every output bit.
inline uint64_t MixHash(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// Hash of a byte string, eight bytes at a time.
inline uint64_t BytesHash(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed ^ (bytes.size() * 0x9e3779b97f4a7c15ULL);
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  if (i < bytes.size()) std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  return MixHash(h ^ tail);
}

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_HASH_MIX_H_
