// Reads a `compare:` section of endpoints.yaml onto inherited CompareRules:
//   status: BOOL                  replaces
//   headers: [NAME...]            replaces (names lower-cased, validated as header tokens)
//   ignore: [JSONPATH...]         ADDS to the inherited list (duplicates dropped)
//   arrays: ordered | unordered | {by_key: KEY}         the mode for every array; keeps the
//                                                       inherited per-path map
//   arrays: {JSONPATH: MODE, ...}                       merges into the per-path map; entries
//                                                       written lower in the tree win
//   numbers: {tolerance: NUMBER >= 0}                   replaces
// Errors go to the YamlFields; the rules get every valid part (the loader discards the
// whole Config if there was any error). Not thread-safe; one call per section.
#ifndef SHADOWDIFF_CORE_COMPARE_READER_H_
#define SHADOWDIFF_CORE_COMPARE_READER_H_

#include <cstddef>
#include <string>
#include <vector>

#include "comparators/compare_rules.h"
#include "src/core/yaml_fields.h"
#include "src/core/yaml_tree.h"

namespace shadowdiff {

// Entries allowed in one written list (`ignore`, `headers`, `redact`, an arrays map).
inline constexpr size_t kMaxListEntries = 1000;
// Ignore + per-path array patterns one endpoint may accumulate down the tree.
inline constexpr size_t kMaxPatternsPerEndpoint = 2000;

void ReadCompareSection(YamlFields& fields, const YamlNode& section, CompareRules& rules);

// The keys ReadCompareSection accepts, as dotted paths below `compare:`: "status", ...,
// "arrays.by_key", "numbers.tolerance" (for the schema's key list, AllConfigKeys).
std::vector<std::string> CompareSectionKeys();

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_COMPARE_READER_H_
