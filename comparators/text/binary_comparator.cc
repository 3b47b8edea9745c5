#include "comparators/text/binary_comparator.h"

namespace shadowdiff {

uint64_t Fnv1a64(std::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string BinaryDiffValue(std::string_view bytes, bool truncated) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hash = Fnv1a64(bytes);
  std::string hex(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) hex[i] = kHex[hash & 0xF];
  std::string out = "{\"length\":" + std::to_string(bytes.size());
  if (truncated) out += ",\"truncated\":true";
  out += ",\"hash\":\"fnv1a64:" + hex + "\"}";
  return out;
}

void CompareBinary(std::string_view old_bytes, bool old_truncated, std::string_view new_bytes,
                   bool new_truncated, Comparison* out) {
  if (old_bytes == new_bytes && old_truncated == new_truncated) return;
  out->diffs.push_back(Diff{"body", DiffKind::kValue, BinaryDiffValue(old_bytes, old_truncated),
                            BinaryDiffValue(new_bytes, new_truncated)});
}

}  // namespace shadowdiff
