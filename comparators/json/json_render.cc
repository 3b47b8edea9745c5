#include "comparators/json/json_render.h"

#include "src/core/diff.h"
#include "src/core/diff_json.h"

namespace shadowdiff {
namespace {

// Bytes of the value kept in a summary.
constexpr size_t kSummaryPrefixBytes = 200;

// Appends the compact form of the JSON text `source` to *out, stopping once *out would pass
// `limit` bytes; returns the full compact length.
size_t AppendMinified(std::string_view source, size_t limit, std::string* out) {
  size_t length = 0;
  bool in_string = false;
  for (size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    if (!in_string && (c == ' ' || c == '\n' || c == '\r' || c == '\t')) continue;
    if (c == '"') {
      in_string = !in_string;
    } else if (in_string && c == '\\') {
      // Keep the escape and the escaped character together.
      if (out->size() + 2 <= limit) out->append(source.substr(i, 2));
      length += 2;
      ++i;
      continue;
    }
    if (out->size() < limit) out->push_back(c);
    ++length;
  }
  return length;
}

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Replaces *out with the JSON string "<what> prefix...".
void Summarise(std::string_view what, std::string_view prefix, std::string* out) {
  std::string summary = "<";
  summary.append(what);
  summary.append("> ");
  summary.append(Utf8Prefix(prefix, kSummaryPrefixBytes));
  summary.append("...");
  out->clear();
  AppendJsonString(out, summary);
}

}  // namespace

void RenderDiffValue(const JsonDocument& doc, uint32_t index, std::string* out) {
  out->clear();
  const JsonNode& node = doc.node(index);
  switch (node.type) {
    case JsonType::kNull:
      out->assign("null");
      return;
    case JsonType::kFalse:
      out->assign("false");
      return;
    case JsonType::kTrue:
      out->assign("true");
      return;
    case JsonType::kNumber:
      if (node.b <= kMaxDiffValueBytes) {
        out->assign(doc.Bytes(node));
      } else {
        Summarise("number of " + std::to_string(node.b) + " characters", doc.Bytes(node), out);
      }
      return;
    case JsonType::kString: {
      AppendJsonString(out, doc.Bytes(node));
      if (out->size() > kMaxDiffValueBytes) {
        const std::string rendered = std::move(*out);
        Summarise("string of " + std::to_string(node.b) + " bytes", rendered, out);
      }
      return;
    }
    case JsonType::kArray:
    case JsonType::kObject: {
      const size_t length = AppendMinified(doc.Source(node), kMaxDiffValueBytes, out);
      if (length > kMaxDiffValueBytes) {
        const std::string prefix = std::move(*out);
        const bool array = node.type == JsonType::kArray;
        Summarise(std::string(array ? "array of " : "object of ") + std::to_string(node.b) +
                      (array ? " elements, " : " members, ") + std::to_string(length) + " bytes",
                  prefix, out);
      }
      return;
    }
  }
}

}  // namespace shadowdiff
