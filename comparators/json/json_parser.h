// JsonParser: parses one JSON text (RFC 8259, UTF-8 validated, exactly `text.size()` bytes)
// into a JsonDocument, with RapidJSON's iterative SAX reader (no recursion) and a nesting
// cap. Numbers are kept as text. Strings are decoded in place in the document's copy of the
// text.
//
// Owns the reader's and the builder's stacks, which keep their capacity across calls. Not
// thread-safe; owned by a JsonScratch.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_PARSER_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
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
  JsonParser();
  ~JsonParser();
  JsonParser(const JsonParser&) = delete;
  JsonParser& operator=(const JsonParser&) = delete;

  // Replaces *doc's contents with `text` parsed. Containers nested more than `max_depth`
  // deep are refused (kTooDeep). On failure *doc is unusable until the next successful Parse.
  // `text` must outlive the document's use.
  JsonParseOutcome Parse(std::string_view text, size_t max_depth, JsonDocument* doc);

 private:
  // Empties *doc and the stacks, and makes *doc's byte buffer a copy of `parsed` for the
  // reader to decode in place; returns the copy.
  char* StartPass(std::string_view parsed, JsonDocument* doc);
  // Puts the digits of `text` back over the placeholders of its huge numbers in *doc's copy
  // of the patched text (see ReplaceHugeNumbers in json_parser.cc).
  static void RestoreNumbers(std::string_view text, JsonDocument* doc);

  struct Reader;  // wraps rapidjson::Reader, kept out of this header
  std::unique_ptr<Reader> reader_;
  std::vector<JsonNode> values_;  // DocumentBuilder's stack of values (only grows)
  std::vector<uint32_t> open_;    // source offset of each open container's bracket
  std::string patched_;           // the text with huge numbers masked (rare retry path)
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_PARSER_H_
