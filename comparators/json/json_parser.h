// JsonParser: parses one JSON text (RFC 8259, UTF-8 validated, exactly `text.size()` bytes)
// into a JsonDocument, iteratively (no recursion, however deep the text) with a nesting cap.
// Numbers are kept as text (any length or exponent: nothing is converted). Strings are decoded
// in place in the document's copy of the text. A text's first NUL byte ends its input, as
// with a C string; what follows it is refused ("unexpected NUL byte").
//
// Errors name the byte offset and the reason in RapidJSON's words (the parser this one
// replaced, whose messages the project's outputs and tests keep), except where RapidJSON's
// were wrong: a raw control character in a string, and a lone UTF-16 surrogate escape, which
// RapidJSON 1.1 decoded into invalid UTF-8.
//
// Owns its value and container stacks, which keep their capacity across calls. Not
// thread-safe; owned by a JsonScratch.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_PARSER_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "comparators/json/json_document.h"

namespace shadowdiff {

struct JsonParseOutcome {
  enum class Kind { kOk, kInvalid, kTooDeep };
  Kind kind = Kind::kOk;
  size_t offset = 0;   // where the problem was found (kInvalid, kTooDeep)
  std::string reason;  // kInvalid: e.g. "missing a comma or ']' after an array element"

  bool ok() const { return kind == Kind::kOk; }
  // "invalid JSON at offset 17: <reason>" or "nesting deeper than <max_depth>".
  std::string Describe(size_t max_depth) const;
};

class JsonParser {
 public:
  JsonParser() = default;
  JsonParser(const JsonParser&) = delete;
  JsonParser& operator=(const JsonParser&) = delete;

  // Replaces *doc's contents with `text` parsed. Containers nested more than `max_depth`
  // deep are refused (kTooDeep). On failure *doc is unusable until the next successful Parse.
  // `text` must outlive the document's use.
  JsonParseOutcome Parse(std::string_view text, size_t max_depth, JsonDocument* doc);

 private:
  class Pass;  // one parse, in json_parser.cc
  // An open container: where its bracket is, and where its children start on the value stack.
  struct Open {
    uint32_t begin;
    uint32_t first_value;
    bool object;
  };
  std::vector<JsonNode> values_;  // finished values not yet in a closed container (only grows)
  std::vector<Open> open_;        // the containers being parsed, outermost first
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_PARSER_H_
