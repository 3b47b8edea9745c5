#include "comparators/json/json_parser.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <bit>
#include <cstring>
#include <limits>

namespace shadowdiff {
namespace {

// Strings are decoded in place in the document's copy of the text (kParseInsituFlag), so a
// string's bytes are neither pushed on RapidJSON's stack nor copied again into the document.
// UTF-8 is validated by the parser (see StringsValidUtf8) rather than by RapidJSON's
// per-character validator, the parser's largest cost; on a failure the text is parsed once
// more with kParseValidateEncodingFlag for RapidJSON's exact offset.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseInsituFlag;
constexpr unsigned kValidatingParseFlags = kParseFlags | rapidjson::kParseValidateEncodingFlag;

// Zero bytes after the copy's end: its NUL terminator, the 8-byte reads of CopyPlainRun past
// it, and the up to 3 bytes RapidJSON's validator reads after a truncated UTF-8 sequence.
constexpr size_t kCopyPadding = 8;

constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
constexpr uint64_t kHigh = 0x8080808080808080ULL;
constexpr uint64_t Repeat(unsigned char c) { return 0x0101010101010101ULL * c; }

// The high bit of each byte of `w` that is below `bound` (at most 0x80), exactly: the sums
// stay within their byte, unlike the usual borrow trick.
uint64_t BytesBelow(uint64_t w, unsigned char bound) {
  return ~(((w & kLow7) + Repeat(0x80 - bound)) | w) & kHigh;
}

// The high bit of each byte of `w` that ends a plain run of string text: '"', '\\' or a
// control character.
uint64_t StringStops(uint64_t w) {
  return BytesBelow(w, 0x20) | BytesBelow(w ^ Repeat('"'), 1) | BytesBelow(w ^ Repeat('\\'), 1);
}

// Index, in memory order, of the first byte of a word whose high bit `mask` (non-zero) has.
size_t FirstMarked(uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) return std::countr_zero(mask) / 8;
  return std::countl_zero(mask) / 8;
}

// True when `s` is well-formed UTF-8 (RFC 3629: no overlongs, surrogates or code points past
// U+10FFFF). RapidJSON writes \u escapes as UTF-8, so decoded strings are checked as a whole.
bool ValidUtf8(const char* s, size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(s);
  size_t i = 0;
  while (i < n) {
    if (i + 16 <= n) {
      uint64_t words[2];
      std::memcpy(words, p + i, 16);
      if (((words[0] | words[1]) & kHigh) == 0) {
        i += 16;
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

// True when every string of `text` decodes to valid UTF-8, so that none needs checking: the
// text is valid UTF-8 (then so is each string's raw text, which lies between ASCII quotes)
// and has no \u escape (the one escape that can decode to invalid UTF-8: a lone surrogate).
bool StringsValidUtf8(std::string_view text) {
  return text.find("\\u") == std::string_view::npos && ValidUtf8(text.data(), text.size());
}

// The reader's input: the document's copy of the text, followed by kCopyPadding zero bytes,
// into which strings are decoded in place (RapidJSON's GenericInsituStringStream, as a type of
// our own so that CopyPlainRun below can serve it). A NUL byte reads as the end of input.
struct InsituStream {
  typedef char Ch;
  explicit InsituStream(char* copy) : src(copy), head(copy) {}
  char Peek() const { return *src; }
  char Take() { return *src++; }
  size_t Tell() const { return static_cast<size_t>(src - head); }
  char* PutBegin() { return dst = src; }
  void Put(char c) { *dst++ = c; }
  size_t PutEnd(char* begin) { return static_cast<size_t>(dst - begin); }

  char* src;            // next byte to read
  char* dst = nullptr;  // next byte of the string being decoded (at or before src)
  char* head;           // the copy's first byte
};

// Moves the plain bytes at `s` (up to the next '"', '\\' or control character) to the string
// being decoded, 8 at a time: what RapidJSON would otherwise do one byte at a time.
void CopyPlainRun(InsituStream& s) {
  for (;;) {
    uint64_t w;
    std::memcpy(&w, s.src, 8);  // in bounds: the run ends at the NUL terminator, at the latest
    const uint64_t stops = StringStops(w);
    if (stops != 0) {
      const size_t n = FirstMarked(stops);
      if (s.dst != s.src) std::memmove(s.dst, s.src, n);
      s.src += n;
      s.dst += n;
      return;
    }
    std::memcpy(s.dst, &w, 8);  // dst <= src: bytes not yet read are not overwritten
    s.src += 8;
    s.dst += 8;
  }
}

}  // namespace
}  // namespace shadowdiff

// Copied by value inside the reader's functions, as RapidJSON's own in-place stream is. Also
// what makes RawNumber's pointer right in place: RapidJSON 1.1 takes it from the stream before
// the local copy is written back, i.e. at the number's first byte.
template <>
struct rapidjson::StreamTraits<shadowdiff::InsituStream> {
  enum { copyOptimization = 1 };
};

// RapidJSON's hook for scanning plain string text in bulk (its SSE versions serve only its own
// streams); called before each character when not validating encoding.
template <>
template <>
inline void rapidjson::Reader::ScanCopyUnescapedString(shadowdiff::InsituStream& is,
                                                       shadowdiff::InsituStream&) {
  shadowdiff::CopyPlainRun(is);
}

namespace shadowdiff {
namespace {

// SAX handler that appends finished values to `values` and, when a container closes, moves
// its children from the end of `values` into the document's node vector (contiguously).
// Strings and numbers are left where the reader put them in the document's copy of the text.
class DocumentBuilder {
 public:
  // `copy` is the document's copy of the text, that `stream` reads. Strings are checked for
  // valid UTF-8 when `check_strings` (see StringsValidUtf8).
  DocumentBuilder(const char* copy, bool check_strings, std::vector<JsonNode>* nodes,
                  std::vector<JsonNode>* values, std::vector<uint32_t>* open,
                  const InsituStream* stream, size_t max_depth)
      : copy_(copy),
        check_strings_(check_strings),
        nodes_(nodes),
        values_(values),
        open_(open),
        stream_(stream),
        max_depth_(max_depth) {}

  bool too_deep() const { return too_deep_; }
  bool bad_utf8() const { return bad_utf8_; }
  // After a successful parse: the root value.
  const JsonNode& root() const { return (*values_)[0]; }

  bool Null() { return Push(JsonType::kNull); }
  bool Bool(bool b) { return Push(b ? JsonType::kTrue : JsonType::kFalse); }
  // Not called with kParseNumbersAsStringsFlag; present for the handler concept.
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(int64_t) { return false; }
  bool Uint64(uint64_t) { return false; }
  bool Double(double) { return false; }
  // The number's text in the copy (where the copy holds a placeholder, see
  // ReplaceHugeNumbers, Parse puts the original digits back).
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    return PushBytes(JsonType::kNumber, text, length);
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
    if (check_strings_ && !ValidUtf8(text, length)) {
      bad_utf8_ = true;
      return false;
    }
    return PushBytes(JsonType::kString, text, length);
  }
  bool Push(JsonType type) {
    JsonNode node;
    node.type = type;
    Append(node);
    return true;
  }
  // `text` lies in the copy (decoded in place).
  bool PushBytes(JsonType type, const char* text, size_t length) {
    JsonNode node;
    node.type = type;
    node.a = static_cast<uint32_t>(text - copy_);
    node.b = static_cast<uint32_t>(length);
    Append(node);
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
    const auto last = values_->begin() + static_cast<std::ptrdiff_t>(count_);
    nodes_->insert(nodes_->end(), last - static_cast<std::ptrdiff_t>(n), last);
    count_ -= n;
    Append(node);
    return true;
  }
  // *values_ is a stack of count_ nodes in a vector that only grows: no call per value.
  void Append(const JsonNode& node) {
    if (count_ == values_->size()) values_->resize(2 * count_ + 64);
    (*values_)[count_++] = node;
  }

  const char* copy_;
  bool check_strings_;
  std::vector<JsonNode>* nodes_;  // the document's
  std::vector<JsonNode>* values_;
  size_t count_ = 0;  // values in *values_
  std::vector<uint32_t>* open_;
  const InsituStream* stream_;
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
// in-range placeholder "0.000...", so that offsets are unchanged and the original digits can
// be put back (JsonParser::RestoreNumbers).
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
    const bool check_strings = !StringsValidUtf8(parsed);
    InsituStream stream(StartPass(parsed, doc));
    DocumentBuilder builder(stream.head, check_strings, &doc->nodes_, &values_, &open_, &stream,
                            max_depth);
    const rapidjson::ParseResult result = reader_->reader.Parse<kParseFlags>(stream, builder);
    if (result.Code() == rapidjson::kParseErrorNumberTooBig && attempt == 0) {
      // Rare: parse again with out-of-double-range numbers masked (see ReplaceHugeNumbers).
      ReplaceHugeNumbers(text, &patched_);
      parsed = patched_;
      continue;
    }
    if (result.IsError() && builder.bad_utf8()) {
      // Rare: let RapidJSON's validating parse name the offset of the bad byte.
      InsituStream again(StartPass(parsed, doc));
      DocumentBuilder validating(again.head, true, &doc->nodes_, &values_, &open_, &again,
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
    doc->root_ = static_cast<uint32_t>(doc->nodes_.size());
    doc->nodes_.push_back(builder.root());
    break;
  }
  if (parsed.data() != text.data()) RestoreNumbers(text, doc);
  return outcome;
}

char* JsonParser::StartPass(std::string_view parsed, JsonDocument* doc) {
  doc->nodes_.clear();
  open_.clear();
  doc->bytes_.assign(parsed);
  doc->bytes_.append(kCopyPadding, '\0');
  return doc->bytes_.data();
}

void JsonParser::RestoreNumbers(std::string_view text, JsonDocument* doc) {
  for (const JsonNode& node : doc->nodes_) {
    if (node.type == JsonType::kNumber) {
      std::memcpy(doc->bytes_.data() + node.a, text.data() + node.a, node.b);
    }
  }
}

}  // namespace shadowdiff
