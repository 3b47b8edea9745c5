// JsonPath: one compiled JSONPath pattern of the subset shadowdiff accepts in
// `compare.ignore`, `compare.arrays` and `redact`:
//
//   $                 the root
//   .name  ['name']   a member by key (bracket form for keys that are not identifiers)
//   [3]               an array element by index
//   [*]  .*           any member or element
//   ..name  ..*       any descendant (at any depth, including zero steps below here)
//
// A JsonPath is immutable after Parse and safe to share between threads. Matching many
// patterns against the paths of a diff walk is done by JsonPathSet (json_path_set.h).
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_PATH_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_PATH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/result.h"

namespace shadowdiff {

struct JsonPathSegment {
  enum class Kind : uint8_t {
    kKey,            // .name / ['name']
    kIndex,          // [3]
    kAny,            // [*] / .*
    kDescendantKey,  // ..name
    kDescendantAny,  // ..*
  };
  Kind kind = Kind::kKey;
  std::string key;   // for kKey, kDescendantKey
  size_t index = 0;  // for kIndex

  bool operator==(const JsonPathSegment&) const = default;
};

class JsonPath {
 public:
  // Parses `text`. On failure the error names the column and what was expected, e.g.
  // "JSONPath `$.a[` at column 5: expected an index, `*` or a quoted key after `[`".
  static Result<JsonPath> Parse(std::string_view text);

  const std::string& text() const { return text_; }
  const std::vector<JsonPathSegment>& segments() const { return segments_; }

  // True if the concrete path `steps` (as a diff walk produces them) matches this pattern
  // exactly. A slow reference matcher for tests and one-off checks; the diff walk uses
  // JsonPathSet.
  struct Step {
    bool is_index = false;
    std::string_view key;
    size_t index = 0;
  };
  bool Matches(const std::vector<Step>& steps) const;

 private:
  std::string text_;
  std::vector<JsonPathSegment> segments_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_PATH_H_
