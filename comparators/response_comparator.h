// ResponseComparator: compares two HTTP responses of one endpoint under its CompareRules —
// status, the configured headers, and the bodies (decoded per Content-Encoding, then JSON
// structurally, form bodies as key/value maps, other text as text, binary by length + hash).
//
// Built once per config load from an endpoint's rules (the JSONPath patterns are compiled
// then), immutable afterwards, and safe to use from many threads at once. Per-call memory
// lives in a CompareScratch that the calling thread owns and reuses.
#ifndef SHADOWDIFF_COMPARATORS_RESPONSE_COMPARATOR_H_
#define SHADOWDIFF_COMPARATORS_RESPONSE_COMPARATOR_H_

#include <memory>
#include <string_view>

#include "comparators/compare_rules.h"
#include "src/core/diff.h"
#include "src/core/exchange.h"

namespace shadowdiff {

class CompareScratch;  // comparators/compare_scratch.h
class JsonDiffer;      // comparators/json/json_differ.h

// How a body is to be read. kAuto decides from Content-Type (and content sniffing).
enum class BodyKind { kAuto, kJson, kForm, kText, kBinary };

class ResponseComparator {
 public:
  explicit ResponseComparator(CompareRules rules);
  ~ResponseComparator();
  ResponseComparator(const ResponseComparator&) = delete;
  ResponseComparator& operator=(const ResponseComparator&) = delete;

  const CompareRules& rules() const { return rules_; }

  // Status, configured headers, then bodies with BodyKind::kAuto.
  Comparison Compare(const Response& old_response, const Response& new_response,
                     CompareScratch& scratch) const;

  // Bodies only (already decoded), read as `kind` (kAuto sniffs: JSON if it parses, else
  // text if valid UTF-8, else binary). Used by `shadowdiff diff` on files.
  Comparison CompareBodies(std::string_view old_body, std::string_view new_body, BodyKind kind,
                           CompareScratch& scratch) const;

 private:
  CompareRules rules_;
  std::unique_ptr<const JsonDiffer> json_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_RESPONSE_COMPARATOR_H_
