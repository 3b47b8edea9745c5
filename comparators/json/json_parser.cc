#include "comparators/json/json_parser.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <limits>

namespace shadowdiff {
namespace {

// UTF-8 is validated by DocumentBuilder (ValidUtf8, with an ASCII fast path) rather than by
// RapidJSON's per-character validator, which is the parser's largest cost; on a failure the
// text is parsed once more with kParseValidateEncodingFlag for RapidJSON's exact offset.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag;
constexpr unsigned kValidatingParseFlags = kParseFlags | rapidjson::kParseValidateEncodingFlag;

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points past
// U+10FFFF). RapidJSON writes \u escapes as UTF-8, so decoded strings are checked as a whole.
bool ValidUtf8(const char* s, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

// SAX handler that appends finished values to `values` and, when a container closes, moves
// its children from the end of `values` into the document's node vector (contiguously).
class DocumentBuilder {
 public:
  // `original` is the caller's text; number text is read from it (see RawNumber).
  DocumentBuilder(std::string_view original, std::vector<JsonNode>* nodes, std::string* bytes,
                  std::vector<JsonNode>* values, std::vector<uint32_t>* open,
                  const rapidjson::MemoryStream* stream, size_t max_depth)
      : original_(original),
        nodes_(nodes),
        bytes_(bytes),
        values_(values),
        open_(open),
        stream_(stream),
        max_depth_(max_depth) {}

  bool too_deep() const { return too_deep_; }
  bool bad_utf8() const { return bad_utf8_; }

  bool Null() { return Push(JsonType::kNull); }
  bool Bool(bool b) { return Push(b ? JsonType::kTrue : JsonType::kFalse); }
  // Not called with kParseNumbersAsStringsFlag; present for the handler concept.
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  bool RawNumber(const char*, rapidjson::SizeType length, bool) {
    // The number's own text from the original input (the parsed text may hold a placeholder
    // of the same length; see ReplaceHugeNumbers). Tell() is just past the number.
    return PushBytes(JsonType::kNumber, original_.data() + stream_->Tell() - length, length);
  }
  bool String(const char* text, rapidjson::SizeType length, bool) {
    return CheckedString(text, length);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool) {
    return CheckedString(text, length);
  }
  bool StartObject() { return Open(); }
  bool StartArray() { return Open(); }
  bool EndObject(rapidjson::SizeType members) { return Close(JsonType::kObject, members, 2); }
  bool EndArray(rapidjson::SizeType elements) { return Close(JsonType::kArray, elements, 1); }

 private:
  bool CheckedString(const char* text, size_t length) {
    if (!ValidUtf8(text, length)) {
      bad_utf8_ = true;
      return false;
    }
    return PushBytes(JsonType::kString, text, length);
  }
  bool Push(JsonType type) {
    JsonNode node;
    node.type = type;
    values_->push_back(node);
    return true;
  }
  bool PushBytes(JsonType type, const char* text, size_t length) {
    JsonNode node;
    node.type = type;
    node.a = static_cast<uint32_t>(bytes_->size());
    node.b = static_cast<uint32_t>(length);
    bytes_->append(text, length);
    values_->push_back(node);
    return true;
  }
  bool Open() {
    if (open_->size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    // Called before the bracket is consumed: Tell() is its offset.
    open_->push_back(static_cast<uint32_t>(stream_->Tell()));
    return true;
  }
  bool Close(JsonType type, size_t count, size_t nodes_per_child) {
    const size_t n = count * nodes_per_child;
    JsonNode node;
    node.type = type;
    node.a = static_cast<uint32_t>(nodes_->size());
    node.b = static_cast<uint32_t>(count);
    node.begin = open_->back();
    node.end = static_cast<uint32_t>(stream_->Tell() + 1);  // Tell() is the closing bracket
    open_->pop_back();
    nodes_->insert(nodes_->end(), values_->end() - static_cast<std::ptrdiff_t>(n), values_->end());
    values_->resize(values_->size() - n);
    values_->push_back(node);
    return true;
  }

  std::string_view original_;
  std::vector<JsonNode>* nodes_;  // the document's
  std::string* bytes_;            // the document's
  std::vector<JsonNode>* values_;
  std::vector<uint32_t>* open_;
  const rapidjson::MemoryStream* stream_;
  size_t max_depth_;
  bool too_deep_ = false;
  bool bad_utf8_ = false;
};

// RapidJSON's messages read "Missing a comma or ']' after an array element."; ours continue a
// sentence: "missing a comma or ']' after an array element".
std::string Reason(rapidjson::ParseErrorCode code) {
  std::string reason = rapidjson::GetParseError_En(code);
  if (!reason.empty() && reason.back() == '.') reason.pop_back();
  if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z') reason[0] = reason[0] - 'A' + 'a';
  return reason;
}

// Length of the JSON number (RFC 8259 grammar) at the start of `text`, or 0 if none.
size_t NumberLength(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i >= text.size()) return 0;
  if (text[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return 0;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return 0;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return 0;
  }
  return i;
}

bool IsNumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

// RapidJSON 1.1 refuses valid numbers outside the double range ("number too big") even when
// asked to keep numbers as text. Copies `text` to *out with every such candidate (a number
// with an exponent, or of 300+ characters) outside strings replaced by a same-length
// in-range placeholder "0.000...", so that offsets are unchanged and RawNumber can read the
// original digits back.
void ReplaceHugeNumbers(std::string_view text, std::string* out) {
  out->assign(text);
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (!(c == '-' || (c >= '0' && c <= '9')) || (i > 0 && IsNumberChar(text[i - 1]))) continue;
    size_t run = i;
    while (run < text.size() && IsNumberChar(text[run])) ++run;
    const std::string_view token = text.substr(i, run - i);
    if (NumberLength(token) == token.size() && token.size() >= 3 &&
        (token.size() >= 300 || token.find_first_of("eE") != std::string_view::npos)) {
      (*out)[i] = '0';
      (*out)[i + 1] = '.';
      for (size_t k = i + 2; k < run; ++k) (*out)[k] = '0';
    }
    i = run - 1;
  }
}

}  // namespace

struct JsonParser::Reader {
  rapidjson::Reader reader;
};

JsonParser::JsonParser() : reader_(std::make_unique<Reader>()) {}
JsonParser::~JsonParser() = default;

std::string JsonParseOutcome::Describe(size_t max_depth) const {
  if (kind == Kind::kTooDeep) return "nesting deeper than " + std::to_string(max_depth);
  return "invalid JSON at offset " + std::to_string(offset) + ": " + reason;
}

JsonParseOutcome JsonParser::Parse(std::string_view text, size_t max_depth, JsonDocument* doc) {
  JsonParseOutcome outcome;
  doc->text_ = text;
  doc->root_ = 0;
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    outcome.kind = JsonParseOutcome::Kind::kInvalid;
    outcome.reason = "texts of 4 GiB or more are not supported";
    return outcome;
  }
  std::string_view parsed = text;
  for (int attempt = 0;; ++attempt) {
    doc->nodes_.clear();
    doc->bytes_.clear();
    values_.clear();
    open_.clear();
    rapidjson::MemoryStream stream(parsed.data(), parsed.size());
    DocumentBuilder builder(text, &doc->nodes_, &doc->bytes_, &values_, &open_, &stream, max_depth);
    const rapidjson::ParseResult result = reader_->reader.Parse<kParseFlags>(stream, builder);
    if (result.Code() == rapidjson::kParseErrorNumberTooBig && attempt == 0) {
      // Rare: parse again with out-of-double-range numbers masked (see ReplaceHugeNumbers).
      ReplaceHugeNumbers(text, &patched_);
      parsed = patched_;
      continue;
    }
    if (result.IsError() && builder.bad_utf8()) {
      // Rare: let RapidJSON's validating parse name the offset of the bad byte.
      doc->nodes_.clear();
      doc->bytes_.clear();
      values_.clear();
      open_.clear();
      rapidjson::MemoryStream again(parsed.data(), parsed.size());
      DocumentBuilder validating(text, &doc->nodes_, &doc->bytes_, &values_, &open_, &again,
                                 max_depth);
      const rapidjson::ParseResult exact =
          reader_->reader.Parse<kValidatingParseFlags>(again, validating);
      outcome.kind = JsonParseOutcome::Kind::kInvalid;
      outcome.offset = exact.IsError() ? exact.Offset() : result.Offset();
      outcome.reason =
          Reason(exact.IsError() ? exact.Code() : rapidjson::kParseErrorStringInvalidEncoding);
      return outcome;
    }
    if (result.IsError()) {
      outcome.offset = result.Offset();
      if (builder.too_deep()) {
        outcome.kind = JsonParseOutcome::Kind::kTooDeep;
      } else {
        outcome.kind = JsonParseOutcome::Kind::kInvalid;
        outcome.reason = Reason(result.Code());
      }
      return outcome;
    }
    // The reader treats a NUL byte as the end of input; the text must end exactly there.
    if (stream.Tell() != text.size()) {
      outcome.kind = JsonParseOutcome::Kind::kInvalid;
      outcome.offset = stream.Tell();
      outcome.reason = text[stream.Tell()] == '\0'
                           ? "unexpected NUL byte"
                           : Reason(rapidjson::kParseErrorDocumentRootNotSingular);
      return outcome;
    }
    break;
  }
  doc->root_ = static_cast<uint32_t>(doc->nodes_.size());
  doc->nodes_.push_back(values_.back());
  return outcome;
}

}  // namespace shadowdiff
