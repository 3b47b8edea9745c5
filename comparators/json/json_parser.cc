#include "comparators/json/json_parser.h"

#include <bit>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "src/core/utf8.h"

namespace shadowdiff {
namespace {

// Zero bytes after the document's copy of the text: the end marker (a NUL, as for the text's
// own NUL bytes), and room for the 16-byte reads of the string scan and the literal
// compares that start at or before it.
constexpr size_t kCopyPadding = 16;

constexpr uint64_t kHigh = 0x8080808080808080ULL;

#if !defined(__SSE2__)
constexpr uint64_t kLow7 = 0x7F7F7F7F7F7F7F7FULL;
constexpr uint64_t Repeat(unsigned char c) { return 0x0101010101010101ULL * c; }
// The high bit of each byte of `w` that is below `bound` (at most 0x80), exactly: the sums
// stay within their byte, unlike the usual borrow trick.
uint64_t BytesBelow(uint64_t w, unsigned char bound) {
  return ~(((w & kLow7) + Repeat(0x80 - bound)) | w) & kHigh;
}

// The high bit of each byte of `w` that ends a plain run of string text: '"', '\\' or a
// control character (NUL included).
uint64_t StringStops(uint64_t w) {
  return BytesBelow(w, 0x20) | BytesBelow(w ^ Repeat('"'), 1) | BytesBelow(w ^ Repeat('\\'), 1);
}

// Index, in memory order, of the first byte of a word whose high bit `mask` (non-zero) has.
size_t FirstMarked(uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) return std::countr_zero(mask) / 8;
  return std::countl_zero(mask) / 8;
}
#endif

uint64_t Load8(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The number of bytes of plain string text at `p` (before the first '"', '\\' or control
// character), which the padding guarantees to end at the copy's NUL terminator at the latest.
// SSE2 reads 16 bytes at a time (every x86-64 has it), elsewhere 8 at a time.
size_t PlainRunLength(const char* p) {
  const char* q = p;
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i control_max = _mm_set1_epi8(0x1F);
  for (;;) {
    const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    // A byte is at most 0x1F when its unsigned max with 0x1F is 0x1F.
    const __m128i stops =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
                     _mm_cmpeq_epi8(_mm_max_epu8(chunk, control_max), control_max));
    const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
    if (mask != 0) return static_cast<size_t>(q - p) + static_cast<size_t>(std::countr_zero(mask));
    q += 16;
  }
#else
  for (;;) {
    const uint64_t stops = StringStops(Load8(q));
    if (stops != 0) return static_cast<size_t>(q - p) + FirstMarked(stops);
    q += 8;
  }
#endif
}

// True when the 64 bytes at p are all ASCII.
bool Ascii64(const char* p) {
#if defined(__SSE2__)
  const __m128i* v = reinterpret_cast<const __m128i*>(p);
  const __m128i any = _mm_or_si128(_mm_or_si128(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                                   _mm_or_si128(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
  return _mm_movemask_epi8(any) == 0;
#else
  uint64_t any = 0;
  for (int k = 0; k < 64; k += 8) any |= Load8(p + k);
  return (any & kHigh) == 0;
#endif
}

// True when s[0..n) is well-formed UTF-8. ASCII is skipped 64 bytes at a time; a 64-byte
// block that is not all ASCII is checked 16 bytes or one sequence at a time.
bool ValidUtf8(const char* s, size_t n) {
  const std::string_view text(s, n);
  size_t i = 0;
  while (i < n) {
    if (i + 64 <= n && Ascii64(s + i)) {
      i += 64;
      continue;
    }
    const size_t block_end = i + 64 < n ? i + 64 : n;
    while (i < block_end) {  // a sequence may end past block_end: the outer loop goes on there
      if (i + 16 <= n && ((Load8(s + i) | Load8(s + i + 8)) & kHigh) == 0) {
        i += 16;
        continue;
      }
      const size_t len = Utf8SequenceLength(text, i);
      if (len == 0) return false;
      i += len;
    }
  }
  return true;
}

// True when every string of `text` decodes to valid UTF-8, so that none needs checking: the
// text is valid UTF-8. Then so is each run of a string's raw bytes between its ASCII quotes
// and backslashes, each escape decodes to a valid sequence (Escape refuses a lone surrogate,
// the one that would not be), and valid sequences joined stay valid. (Texts with \u escapes,
// as serialisers that escape non-ASCII write them, are no exception.)
bool StringsValidUtf8(std::string_view text) { return ValidUtf8(text.data(), text.size()); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct WhitespaceTable {
  bool is[256] = {};
  constexpr WhitespaceTable() { is[0x20] = is[0x09] = is[0x0A] = is[0x0D] = true; }  // SP HT LF CR
};
constexpr WhitespaceTable kWhitespace;

char* SkipWhitespace(char* p) {
  while (kWhitespace.is[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the 4 hex digits at p, or -1.
int32_t Hex4(const char* p) {
  int32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const int digit = HexValue(p[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

char* EncodeUtf8(uint32_t cp, char* out) {
  if (cp < 0x80) {
    *out++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out++ = static_cast<char>(0xC0 | (cp >> 6));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (cp >> 12));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (cp >> 18));
    *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// Reasons, in RapidJSON's words (see json_parser.h).
constexpr const char* kDocumentEmpty = "the document is empty";
constexpr const char* kRootNotSingular = "the document root must not be followed by other values";
constexpr const char* kValueInvalid = "invalid value";
constexpr const char* kObjectMissName = "missing a name for object member";
constexpr const char* kObjectMissColon = "missing a colon after a name of object member";
constexpr const char* kObjectMissCommaOrCurly = "missing a comma or '}' after an object member";
constexpr const char* kArrayMissCommaOrSquare = "missing a comma or ']' after an array element";
constexpr const char* kBadHex = "incorrect hex digit after \\u escape in string";
constexpr const char* kBadSurrogate = "the surrogate pair in string is invalid";
constexpr const char* kBadEscape = "invalid escape character in string";
constexpr const char* kControlCharacter = "unescaped control character in string";
constexpr const char* kMissQuotationMark = "missing a closing quotation mark in string";
constexpr const char* kInvalidEncoding = "invalid encoding in string";
constexpr const char* kMissFraction = "missing fraction part in number";
constexpr const char* kMissExponent = "missing exponent in number";

}  // namespace

// One parse of `text` from the document's padded copy `copy`. Every method returns false
// after recording the error in outcome_; the position `p_` then is not used again.
class JsonParser::Pass {
 public:
  Pass(std::string_view text, char* copy, bool check_strings, size_t max_depth,
       std::vector<JsonNode>* nodes, std::vector<JsonNode>* values, std::vector<Open>* open,
       JsonParseOutcome* outcome)
      : text_(text),
        base_(copy),
        p_(copy),
        check_strings_(check_strings),
        max_depth_(max_depth),
        nodes_(nodes),
        values_(values),
        open_(open),
        outcome_(outcome) {}

  // Parses the whole text; on success the root is (*values_)[0].
  bool Run() {
    p_ = SkipWhitespace(p_);
    // What cannot start a value reads as no document at all.
    switch (*p_) {
      case '\0':
      case ']':
      case '}':
      case ',':
      case ':':
        return Fail(kDocumentEmpty, p_);
      default:
        break;
    }
    // Alternates between a value to parse at p_ and what may follow a value; a container's
    // opening starts its first member or element, so nesting needs no recursion.
    bool value_next = true;
    for (;;) {
      if (value_next) {
        if (!Value(&value_next)) return false;
        continue;
      }
      p_ = SkipWhitespace(p_);
      if (open_->empty()) break;
      Open& top = open_->back();
      if (top.object) {
        if (*p_ == ',') {
          p_ = SkipWhitespace(p_ + 1);
          if (*p_ != '"') return Fail(kObjectMissName, p_);
          if (!MemberHead()) return false;
          value_next = true;
        } else if (*p_ == '}') {
          Close(top);
        } else {
          return Fail(kObjectMissCommaOrCurly, p_);
        }
      } else {
        if (*p_ == ',') {
          p_ = SkipWhitespace(p_ + 1);
          if (*p_ == ']') return Fail(kValueInvalid, p_);  // a trailing comma
          value_next = true;
        } else if (*p_ == ']') {
          Close(top);
        } else {
          return Fail(kArrayMissCommaOrSquare, p_);
        }
      }
    }
    if (*p_ != '\0') return Fail(kRootNotSingular, p_);
    if (Offset(p_) != text_.size()) return Fail("unexpected NUL byte", p_);
    return true;
  }

 private:
  size_t Offset(const char* p) const { return static_cast<size_t>(p - base_); }

  bool Fail(const char* reason, const char* at) {
    outcome_->kind = JsonParseOutcome::Kind::kInvalid;
    outcome_->offset = Offset(at);
    outcome_->reason = reason;
    return false;
  }

  // Inlined into each of its callers: as a call, its prologue and epilogue cost more than its
  // body (about 19 of its 29 instructions per value, callgrind), once per value.
  [[gnu::always_inline]] void Push(JsonType type, uint32_t a = 0, uint32_t b = 0) {
    // Grown one value at a time (geometric capacity): resizing ahead would zero, and so make
    // resident, memory that a large flat array may never use.
    if (count_ == values_->size()) values_->emplace_back();
    JsonNode& node = (*values_)[count_++];
    node.type = type;
    node.a = a;
    node.b = b;
    node.begin = 0;
    node.end = 0;
  }

  // The value at p_ (after whitespace). A scalar is parsed whole (*value_next = false). A
  // container is opened: when empty, closed at once (*value_next = false); otherwise p_ is left
  // at its first element or member value (*value_next = true).
  [[gnu::always_inline]] bool Value(bool* value_next) {  // one caller, once per value
    *value_next = false;
    switch (*p_) {
      case '"':
        return String();
      case '{':
        if (!OpenContainer(true)) return false;
        p_ = SkipWhitespace(p_);
        if (*p_ == '}') {
          Close(open_->back());
          return true;
        }
        if (*p_ != '"') return Fail(kObjectMissName, p_);
        *value_next = true;
        return MemberHead();
      case '[':
        if (!OpenContainer(false)) return false;
        p_ = SkipWhitespace(p_);
        if (*p_ == ']') {
          Close(open_->back());
          return true;
        }
        *value_next = true;
        return true;
      case 't':
        return Literal("true", 4, JsonType::kTrue);
      case 'f':
        return Literal("false", 5, JsonType::kFalse);
      case 'n':
        return Literal("null", 4, JsonType::kNull);
      default:
        return Number();
    }
  }

  // A member's key at p_ (its opening quote) and the colon after it; p_ is left at the value.
  [[gnu::always_inline]] bool MemberHead() {  // once per member, from two places
    if (!String()) return false;
    p_ = SkipWhitespace(p_);
    if (*p_ != ':') return Fail(kObjectMissColon, p_);
    p_ = SkipWhitespace(p_ + 1);
    return true;
  }

  bool OpenContainer(bool object) {
    if (open_->size() >= max_depth_) {
      outcome_->kind = JsonParseOutcome::Kind::kTooDeep;
      outcome_->offset = Offset(p_);
      return false;
    }
    open_->push_back(
        Open{static_cast<uint32_t>(Offset(p_)), static_cast<uint32_t>(count_), object});
    ++p_;
    return true;
  }

  // Closes `top` (the innermost container) at p_, its closing bracket: moves its children to
  // the document's nodes, contiguously, and pushes the container as a value.
  void Close(const Open& top) {
    const size_t n = count_ - top.first_value;
    const uint32_t first_node = static_cast<uint32_t>(nodes_->size());
    nodes_->insert(nodes_->end(), values_->begin() + static_cast<std::ptrdiff_t>(top.first_value),
                   values_->begin() + static_cast<std::ptrdiff_t>(count_));
    count_ = top.first_value;
    const bool object = top.object;
    const uint32_t begin = top.begin;
    open_->pop_back();
    Push(object ? JsonType::kObject : JsonType::kArray, first_node,
         static_cast<uint32_t>(object ? n / 2 : n));
    JsonNode& node = (*values_)[count_ - 1];
    node.begin = begin;
    node.end = static_cast<uint32_t>(Offset(p_) + 1);
    ++p_;
  }

  bool Literal(const char* word, size_t length, JsonType type) {
    for (size_t i = 1; i < length; ++i) {
      if (p_[i] != word[i]) return Fail(kValueInvalid, p_ + i);
    }
    p_ += length;
    Push(type);
    return true;
  }

  // RFC 8259: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, kept as text.
  bool Number() {
    const char* start = p_;
    char* p = p_;
    if (*p == '-') ++p;
    if (*p == '0') {
      ++p;
    } else if (*p >= '1' && *p <= '9') {
      ++p;
      while (IsDigit(*p)) ++p;
    } else {
      return Fail(kValueInvalid, p);
    }
    if (*p == '.') {
      ++p;
      if (!IsDigit(*p)) return Fail(kMissFraction, p);
      while (IsDigit(*p)) ++p;
    }
    if (*p == 'e' || *p == 'E') {
      ++p;
      if (*p == '+' || *p == '-') ++p;
      if (!IsDigit(*p)) return Fail(kMissExponent, p);
      while (IsDigit(*p)) ++p;
    }
    p_ = p;
    Push(JsonType::kNumber, static_cast<uint32_t>(Offset(start)), static_cast<uint32_t>(p - start));
    return true;
  }

  // A string at p_ (its opening quote), decoded in place: its bytes start right after the
  // quote in the copy. Plain runs are scanned 8 bytes at a time. Inlined into its two callers
  // (a call's prologue and epilogue were a fifth of its cost, callgrind); strings with escapes
  // take the out-of-line Unescape.
  [[gnu::always_inline]] bool String() {
    char* const start = p_ + 1;
    char* p = start + PlainRunLength(start);
    char* end = p;  // of the decoded bytes
    if (*p != '"') {
      end = Unescape(&p);
      if (end == nullptr) return false;
    }
    if (check_strings_ && !ValidUtf8(start, static_cast<size_t>(end - start))) {
      return Fail(kInvalidEncoding, base_ + BadUtf8Offset(Offset(start)));
    }
    Push(JsonType::kString, static_cast<uint32_t>(Offset(start)),
         static_cast<uint32_t>(end - start));
    p_ = p + 1;
    return true;
  }

  // The rest of a string from *p (an escape or an error) to its closing quote, where *p is
  // left: decoded in place, bytes moved back over the room the escapes freed. Returns the end
  // of the decoded bytes, nullptr after recording an error.
  [[gnu::noinline]] char* Unescape(char** at) {
    char* p = *at;
    char* dst = p;
    for (;;) {
      const char c = *p;
      if (c == '"') break;
      if (c == '\\') {
        if (!Escape(&p, &dst)) return nullptr;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        Fail(c == '\0' ? kMissQuotationMark : kControlCharacter, p);
        return nullptr;
      }
      // A plain run up to the next stop, moved back over the room the escapes freed.
      const size_t n = PlainRunLength(p);
      std::memmove(dst, p, n);
      p += n;
      dst += n;
    }
    *at = p;
    return dst;
  }

  // The escape at *p (a backslash), written to *dst; both advance.
  bool Escape(char** p, char** dst) {
    const char* esc = *p;
    char out;
    switch (esc[1]) {
      case '"':
        out = '"';
        break;
      case '\\':
        out = '\\';
        break;
      case '/':
        out = '/';
        break;
      case 'b':
        out = '\b';
        break;
      case 'f':
        out = '\f';
        break;
      case 'n':
        out = '\n';
        break;
      case 'r':
        out = '\r';
        break;
      case 't':
        out = '\t';
        break;
      case 'u': {
        const int32_t unit = Hex4(esc + 2);
        if (unit < 0) return Fail(kBadHex, esc);
        uint32_t cp = static_cast<uint32_t>(unit);
        size_t consumed = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (esc[6] != '\\' || esc[7] != 'u') return Fail(kBadSurrogate, esc);
          const int32_t low = Hex4(esc + 8);
          if (low < 0) return Fail(kBadHex, esc);
          if (low < 0xDC00 || low > 0xDFFF) return Fail(kBadSurrogate, esc);
          cp = (((cp - 0xD800) << 10) | (static_cast<uint32_t>(low) - 0xDC00)) + 0x10000;
          consumed = 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return Fail(kBadSurrogate, esc);  // a low surrogate with no high one before it
        }
        *dst = EncodeUtf8(cp, *dst);  // at most 4 bytes for 6 or 12 read: never past *p
        *p += consumed;
        return true;
      }
      default:
        return Fail(kBadEscape, esc);
    }
    *(*dst)++ = out;
    *p += 2;
    return true;
  }

  // The source offset of the first ill-formed UTF-8 character of the string whose text
  // starts at `from` (after its quote) in text_, which has one: escapes decode to valid
  // UTF-8, so it is a raw one.
  size_t BadUtf8Offset(size_t from) const {
    size_t i = from;
    while (i < text_.size() && text_[i] != '"') {
      if (text_[i] == '\\') {
        i += text_[i + 1] == 'u' ? 6 : 2;
        continue;
      }
      const size_t len = Utf8SequenceLength(text_, i);
      if (len == 0) return i;
      i += len;
    }
    return i;
  }

  std::string_view text_;
  char* const base_;  // the copy's first byte: offsets in the copy are offsets in text_
  char* p_;           // the next byte to parse
  const bool check_strings_;
  const size_t max_depth_;
  std::vector<JsonNode>* nodes_;  // the document's
  std::vector<JsonNode>* values_;
  size_t count_ = 0;  // values in *values_
  std::vector<Open>* open_;
  JsonParseOutcome* outcome_;
};

std::string JsonParseOutcome::Describe(size_t max_depth) const {
  if (kind == Kind::kTooDeep) return "nesting deeper than " + std::to_string(max_depth);
  return "invalid JSON at offset " + std::to_string(offset) + ": " + reason;
}

JsonParseOutcome JsonParser::Parse(std::string_view text, size_t max_depth, JsonDocument* doc) {
  JsonParseOutcome outcome;
  doc->text_ = text;
  doc->root_ = 0;
  doc->nodes_.clear();
  open_.clear();
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    outcome.kind = JsonParseOutcome::Kind::kInvalid;
    outcome.reason = "texts of 4 GiB or more are not supported";
    return outcome;
  }
  doc->bytes_.assign(text);
  doc->bytes_.append(kCopyPadding, '\0');
  Pass pass(text, doc->bytes_.data(), !StringsValidUtf8(text), max_depth, &doc->nodes_, &values_,
            &open_, &outcome);
  if (!pass.Run()) return outcome;
  doc->root_ = static_cast<uint32_t>(doc->nodes_.size());
  doc->nodes_.push_back(values_[0]);
  return outcome;
}

}  // namespace shadowdiff
