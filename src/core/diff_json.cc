#include "src/core/diff_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "src/core/utf8.h"

namespace shadowdiff {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

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
