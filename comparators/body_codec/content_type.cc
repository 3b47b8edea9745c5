#include "comparators/body_codec/content_type.h"

#include "src/core/exchange.h"
#include "src/core/utf8.h"

namespace shadowdiff {
namespace {

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

MediaClass ClassifyContentType(std::string_view content_type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  size_t slash = media.find('/');
  if (slash == std::string_view::npos) return MediaClass::kUnknown;
  std::string_view type = Trim(media.substr(0, slash));
  std::string_view subtype = Trim(media.substr(slash + 1));

  if (EqualsIgnoreCase(subtype, "json") &&
      (EqualsIgnoreCase(type, "application") || EqualsIgnoreCase(type, "text"))) {
    return MediaClass::kJson;
  }
  if (EqualsIgnoreCase(type, "application") && EndsWithIgnoreCase(subtype, "+json")) {
    return MediaClass::kJson;
  }
  if (EqualsIgnoreCase(type, "application") && EqualsIgnoreCase(subtype, "x-www-form-urlencoded")) {
    return MediaClass::kForm;
  }
  if (EqualsIgnoreCase(type, "text")) return MediaClass::kText;
  if (EqualsIgnoreCase(subtype, "xml") || EndsWithIgnoreCase(subtype, "+xml") ||
      EqualsIgnoreCase(subtype, "javascript") || EqualsIgnoreCase(subtype, "x-javascript") ||
      EqualsIgnoreCase(subtype, "ecmascript")) {
    return MediaClass::kText;
  }
  return MediaClass::kUnknown;
}

bool LooksLikeText(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (bytes[i] == '\0') return false;
    const size_t n = Utf8SequenceLength(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace shadowdiff
