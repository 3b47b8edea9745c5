#include "comparators/body_codec/content_type.h"

#include "src/core/exchange.h"

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
  auto cont = [&](size_t k) {
    return k < bytes.size() && (static_cast<unsigned char>(bytes[k]) & 0xC0) == 0x80;
  };
  while (i < bytes.size()) {
    unsigned char b = static_cast<unsigned char>(bytes[i]);
    if (b == 0) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    unsigned char b1 = i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) : 0;
    if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF && cont(i + 1) && cont(i + 2) && !(b == 0xE0 && b1 < 0xA0) &&
               !(b == 0xED && b1 >= 0xA0)) {
      i += 3;
    } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 1) && cont(i + 2) && cont(i + 3) &&
               !(b == 0xF0 && b1 < 0x90) && !(b == 0xF4 && b1 >= 0x90)) {
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace shadowdiff
