// Binary comparator: bodies that are not text (or too large to compare structurally) are
// compared byte for byte, and shown by length and hash.
//
// A side's Diff value is {"length":N,"hash":"fnv1a64:<16 lowercase hex digits>"} with
// "truncated":true added when the bytes are only a prefix (the buffering cap), in which
// case length and hash are the prefix's. FNV-1a 64 is for telling bodies apart at a glance,
// not a cryptographic digest.
//
// Pure functions; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_TEXT_BINARY_COMPARATOR_H_
#define SHADOWDIFF_COMPARATORS_TEXT_BINARY_COMPARATOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/diff.h"

namespace shadowdiff {

// FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
uint64_t Fnv1a64(std::string_view bytes);

// The Diff value described above.
std::string BinaryDiffValue(std::string_view bytes, bool truncated);

// Appends Diff{"body", kValue, ...} when the bytes differ, or when only one side is a
// truncated prefix (then the whole bodies cannot be equal).
void CompareBinary(std::string_view old_bytes, bool old_truncated, std::string_view new_bytes,
                   bool new_truncated, Comparison* out);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_TEXT_BINARY_COMPARATOR_H_
