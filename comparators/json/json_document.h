// JsonDocument: a compact, read-only DOM of one parsed JSON text, built by JsonParser.
//
// Layout: one vector of fixed-size nodes and one byte buffer. A container's children are
// contiguous (arrays: the elements; objects: key node, value node, key node, ...), so a
// document is a few flat allocations that a JsonScratch reuses across parses. Strings hold
// their decoded bytes, numbers their exact source text (compared by json_number.h), and
// containers the byte span of their source text (for the byte-equal fast path and for
// rendering). The byte buffer is the parser's copy of the source text, with each string
// decoded in place at the start of its source span (decoding never lengthens a string).
// Offsets are 32-bit: JsonParser refuses texts of 4 GiB or more.
//
// Ownership: the document refers to the source text it was parsed from (text()), which must
// outlive every use of the document. Not thread-safe; owned by a JsonScratch.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_DOCUMENT_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_DOCUMENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shadowdiff {

enum class JsonType : uint8_t { kNull, kFalse, kTrue, kNumber, kString, kArray, kObject };

struct JsonNode {
  JsonType type = JsonType::kNull;
  // kString / kNumber: offset and length of the bytes in JsonDocument::bytes_ (for a number,
  // also its offset in the source text).
  // kArray: index of the first element, element count.
  // kObject: index of the first key node, member count (children are 2 * count nodes).
  uint32_t a = 0;
  uint32_t b = 0;
  // kArray / kObject: the container's source text is text()[begin, end).
  uint32_t begin = 0;
  uint32_t end = 0;
};

class JsonDocument {
 public:
  const JsonNode& node(uint32_t index) const { return nodes_[index]; }
  uint32_t root() const { return root_; }
  std::string_view text() const { return text_; }

  // Decoded string bytes or number text of a kString / kNumber node.
  std::string_view Bytes(const JsonNode& n) const {
    return std::string_view(bytes_.data() + n.a, n.b);
  }
  // The source text of a container node.
  std::string_view Source(const JsonNode& n) const {
    return text_.substr(n.begin, n.end - n.begin);
  }

  // Children of containers: element i, or member i's key and value nodes.
  uint32_t Element(const JsonNode& array, uint32_t i) const { return array.a + i; }
  uint32_t MemberKey(const JsonNode& object, uint32_t i) const { return object.a + 2 * i; }
  uint32_t MemberValue(const JsonNode& object, uint32_t i) const { return object.a + 2 * i + 1; }

 private:
  friend class JsonParser;
  std::string_view text_;
  std::vector<JsonNode> nodes_;
  std::string bytes_;
  uint32_t root_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_DOCUMENT_H_
