// libFuzzer target for JsonParser, differential: every input is parsed by JsonParser and by
// RapidJSON's SAX reader (validating UTF-8, numbers kept as text, iterative), and both must
// agree on whether it is JSON and, when it is, on every value: the same event sequence
// (containers, keys, strings by their decoded bytes, numbers by their text, literals). A
// document's container spans must also lie within the text and start and end at brackets.
//
// Where they are allowed to differ, the parsers' documented differences (json_parser.h):
// - RapidJSON 1.1 refuses numbers beyond the double range; JsonParser keeps any as text;
// - RapidJSON decodes a lone UTF-16 surrogate escape into ill-formed UTF-8; JsonParser refuses;
// - RapidJSON stops at a NUL byte and ignores the rest; JsonParser refuses what follows.
// Inputs that reach those cases are skipped after the checks that still apply.
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "comparators/json/json_parser.h"

namespace shadowdiff {
namespace {

// Appends one event per value, as a length-prefixed record, so that no two different value
// sequences print the same.
void Event(std::string* out, char kind, std::string_view bytes = {}) {
  out->push_back(kind);
  out->append(std::to_string(bytes.size()));
  out->push_back(':');
  out->append(bytes);
}

struct RecordingHandler {
  std::string events;
  bool Null() { return Event(&events, 'z'), true; }
  bool Bool(bool b) { return Event(&events, b ? 't' : 'f'), true; }
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    return Event(&events, 'n', {s, n}), true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Event(&events, 's', {s, n}), true;
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) { return Event(&events, 'k', {s, n}), true; }
  bool StartObject() { return Event(&events, '{'), true; }
  bool EndObject(rapidjson::SizeType) { return Event(&events, '}'), true; }
  bool StartArray() { return Event(&events, '['), true; }
  bool EndArray(rapidjson::SizeType) { return Event(&events, ']'), true; }
};

// The same events from a parsed document; checks each container's span on the way.
void Walk(const JsonDocument& doc, uint32_t index, std::string* out) {
  const JsonNode& node = doc.node(index);
  switch (node.type) {
    case JsonType::kNull:
      return Event(out, 'z');
    case JsonType::kTrue:
      return Event(out, 't');
    case JsonType::kFalse:
      return Event(out, 'f');
    case JsonType::kNumber:
      return Event(out, 'n', doc.Bytes(node));
    case JsonType::kString:
      return Event(out, 's', doc.Bytes(node));
    case JsonType::kArray:
    case JsonType::kObject: {
      const bool object = node.type == JsonType::kObject;
      const std::string_view source = doc.Source(node);
      if (node.end > doc.text().size() || source.size() < 2 ||
          source.front() != (object ? '{' : '[') || source.back() != (object ? '}' : ']')) {
        std::abort();
      }
      Event(out, object ? '{' : '[');
      for (uint32_t i = 0; i < node.b; ++i) {
        if (object) {
          const JsonNode& key = doc.node(doc.MemberKey(node, i));
          if (key.type != JsonType::kString) std::abort();
          Event(out, 'k', doc.Bytes(key));
          Walk(doc, doc.MemberValue(node, i), out);
        } else {
          Walk(doc, doc.Element(node, i), out);
        }
      }
      return Event(out, object ? '}' : ']');
    }
  }
}

constexpr unsigned kReferenceFlags = rapidjson::kParseIterativeFlag |
                                     rapidjson::kParseNumbersAsStringsFlag |
                                     rapidjson::kParseValidateEncodingFlag;

}  // namespace
}  // namespace shadowdiff

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shadowdiff;
  static JsonParser* const parser = new JsonParser();
  static JsonDocument* const doc = new JsonDocument();
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  for (const size_t max_depth : {size_t{4}, size_t{512}}) {
    const JsonParseOutcome outcome = parser->Parse(text, max_depth, doc);
    if (!outcome.ok() && outcome.offset > text.size()) std::abort();
    if (outcome.kind == JsonParseOutcome::Kind::kTooDeep) continue;

    rapidjson::MemoryStream stream(text.data(), text.size());
    RecordingHandler reference;
    rapidjson::Reader reader;
    const rapidjson::ParseResult expected = reader.Parse<kReferenceFlags>(stream, reference);

    if (expected.Code() == rapidjson::kParseErrorNumberTooBig) continue;
    if (!outcome.ok() && (outcome.reason == "the surrogate pair in string is invalid" ||
                          outcome.reason == "unexpected NUL byte")) {
      continue;
    }
    if (outcome.ok() != !expected.IsError()) std::abort();
    if (!outcome.ok()) continue;
    if (text.find('\0') != std::string_view::npos) std::abort();  // JsonParser refuses NULs
    std::string events;
    Walk(*doc, doc->root(), &events);
    if (events != reference.events) std::abort();
  }
  return 0;
}
