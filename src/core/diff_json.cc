#include "src/core/diff_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace shadowdiff {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence starting at bytes[i] (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or 0 if there is none.
size_t Utf8SequenceLength(std::string_view bytes, size_t i) {
  auto at = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  auto is_cont = [&](size_t k) { return k < bytes.size() && (at(k) & 0xC0) == 0x80; };
  unsigned char b = at(i);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return is_cont(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    if (!is_cont(i + 1) || !is_cont(i + 2)) return 0;
    if (b == 0xE0 && at(i + 1) < 0xA0) return 0;   // overlong
    if (b == 0xED && at(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    if (!is_cont(i + 1) || !is_cont(i + 2) || !is_cont(i + 3)) return 0;
    if (b == 0xF0 && at(i + 1) < 0x90) return 0;   // overlong
    if (b == 0xF4 && at(i + 1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view bytes) {
  out->reserve(out->size() + bytes.size() + 2);
  out->push_back('"');
  size_t i = 0;
  while (i < bytes.size()) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(bytes, i);
      if (n == 0) {
        out->append(kReplacement);
        ++i;
      } else {
        out->append(bytes.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

std::string JsonString(std::string_view bytes) {
  std::string out;
  AppendJsonString(&out, bytes);
  return out;
}

rapidjson::Type RawJsonType(std::string_view json) {
  size_t i = json.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return rapidjson::kNullType;
  switch (json[i]) {
    case '{':
      return rapidjson::kObjectType;
    case '[':
      return rapidjson::kArrayType;
    case '"':
      return rapidjson::kStringType;
    case 't':
      return rapidjson::kTrueType;
    case 'f':
      return rapidjson::kFalseType;
    case 'n':
      return rapidjson::kNullType;
    default:
      return rapidjson::kNumberType;
  }
}

namespace {

template <typename Fn>
std::string WriteToString(Fn&& fn) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  fn(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

std::string DiffToJson(const Diff& diff) {
  return WriteToString([&](auto& w) { WriteDiff(w, diff); });
}

std::string DiffsToJson(const std::vector<Diff>& diffs) {
  return WriteToString([&](auto& w) { WriteDiffs(w, diffs); });
}

std::string ComparisonToJson(const Comparison& comparison) {
  return WriteToString([&](auto& w) { WriteComparison(w, comparison); });
}

}  // namespace shadowdiff
