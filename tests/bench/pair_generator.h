// Deterministic JSON document pairs for the JSON differ's benchmarks (json_diff_bench) and
// for the jsondiffpatch comparison (write_bench_pairs + tools/bench/compare-jsondiff).
//
// Every pair is a pure function of its arguments: the same bytes on every run, compiler and
// platform (a private SplitMix64 generator, no <random> distributions, RapidJSON's
// shortest-round-trip number formatting). Each pair carries the differences a correct
// differ must report under the rules it was made for, so a benchmark can refuse to time a
// broken differ.
//
// Two kinds of pair:
//   payment  ~2 KB: a payment-API customer (addresses, payment methods, transactions) whose
//            new side differs in one or two real fields, plus volatile fields that the
//            rules ignore (kPaymentIgnorePatterns). Arrays are compared in order.
//   keyed    ~7.5 MB: {"transactions": [10,000 records of ~750 bytes]} whose new side holds
//            the same records shuffled, with exactly one field of one record changed.
//            Arrays are compared by_key "id" (kKeyedArrayKey).
//
// Generating is not meant to be fast (milliseconds for a payment pair, ~100 ms for the keyed
// one); do it once, outside the timed loop. Thread-compatible: no shared state.
#ifndef SHADOWDIFF_TESTS_BENCH_PAIR_GENERATOR_H_
#define SHADOWDIFF_TESTS_BENCH_PAIR_GENERATOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/diff.h"

namespace shadowdiff::bench {

inline constexpr uint64_t kDefaultSeed = 0x5eed'd1ff'2024'0001;

// Rules the payment pairs are made for: ordered arrays, and these ignore patterns. The
// volatile fields they name differ in every pair; a differ that ignores nothing reports
// extra diffs and fails the check.
inline constexpr std::string_view kPaymentIgnorePatterns[] = {"$..updated_at", "$.request_id"};

// Rules the keyed pair is made for: every array compared by_key on this member.
inline constexpr std::string_view kKeyedArrayKey = "id";

// A difference a correct differ must report. `path` is spelled as in diff.h; pairs whose
// arrays are matched by key give the old side's index, so compare with FieldKey().
struct ExpectedDiff {
  std::string path;
  DiffKind kind = DiffKind::kValue;
};

struct JsonPair {
  std::string name;  // e.g. "payment-07", "keyed-10000"
  std::string old_json;
  std::string new_json;
  std::vector<ExpectedDiff> expected;

  size_t bytes() const { return old_json.size() + new_json.size(); }
};

// `count` distinct payment pairs (each ~2 KB a side) with 1 or 2 expected diffs each.
std::vector<JsonPair> MakePaymentPairs(size_t count, uint64_t seed = kDefaultSeed);

// The keyed pair: `records` transaction records (~750 bytes each), new side shuffled and one
// field of one record changed: exactly one expected diff.
JsonPair MakeKeyedPair(size_t records = 10'000, uint64_t seed = kDefaultSeed);

// The keyed pair's old side against a byte-for-byte copy of itself: no expected diffs.
JsonPair MakeIdenticalPair(const JsonPair& pair);

// Empty if `diffs` are exactly the pair's expected differences (as a multiset of
// {FieldKey(path), kind}); otherwise a message naming what was expected and what was found.
std::string CheckDiffs(const JsonPair& pair, const std::vector<Diff>& diffs);

}  // namespace shadowdiff::bench

#endif  // SHADOWDIFF_TESTS_BENCH_PAIR_GENERATOR_H_
