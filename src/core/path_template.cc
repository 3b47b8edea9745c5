#include "src/core/path_template.h"

#include <string>

namespace shadowdiff {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 pchar without pct-encoded (handled by the caller).
bool IsPathChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':  // sub-delims
    case '+':
    case ',':
    case ';':
    case '=':
    case ':':
    case '@':
      return true;
    default:
      return false;
  }
}

bool IsParamName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

Error Bad(std::string_view text, const std::string& why) {
  return Error{"path `" + std::string(text) + "`: " + why};
}

}  // namespace

std::string PathTemplate::Shape() const {
  if (segments.empty()) return "/";
  std::string shape;
  for (const PathSegment& segment : segments) {
    shape += '/';
    shape += segment.is_param ? "{}" : segment.text;
  }
  return shape;
}

Result<PathTemplate> ParsePathTemplate(std::string_view text) {
  PathTemplate out;
  out.text = std::string(text);
  if (text.empty() || text[0] != '/') return Bad(text, "must start with `/`");
  if (text == "/") return out;
  if (text.back() == '/') {
    return Bad(text,
               "must not end with `/` (a trailing slash in a request is ignored when "
               "matching, so write the path without it)");
  }
  size_t start = 1;
  while (start <= text.size()) {
    size_t end = text.find('/', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view segment = text.substr(start, end - start);
    if (segment.empty()) return Bad(text, "empty segment (`//`)");
    if (out.segments.size() >= kMaxPathSegments) {
      return Bad(text, "more than " + std::to_string(kMaxPathSegments) + " segments");
    }
    PathSegment parsed;
    if (segment.front() == '{' || segment.back() == '}') {
      if (segment.size() < 2 || segment.front() != '{' || segment.back() != '}') {
        return Bad(text, "segment `" + std::string(segment) +
                             "`: a parameter must be a whole segment, like `{id}`");
      }
      const std::string_view name = segment.substr(1, segment.size() - 2);
      if (!IsParamName(name)) {
        return Bad(text, "parameter `" + std::string(segment) +
                             "`: a name must be letters, digits and `_`, not starting with a "
                             "digit");
      }
      for (const PathSegment& earlier : out.segments) {
        if (earlier.is_param && earlier.text == name) {
          return Bad(text, "parameter `" + std::string(segment) + "` appears twice");
        }
      }
      parsed.is_param = true;
      parsed.text = std::string(name);
    } else {
      for (size_t i = 0; i < segment.size(); ++i) {
        const char c = segment[i];
        if (c == '%' && i + 2 < segment.size() && IsHex(segment[i + 1]) && IsHex(segment[i + 2])) {
          i += 2;
          continue;
        }
        if (c == '{' || c == '}') {
          return Bad(text, "segment `" + std::string(segment) +
                               "`: a parameter must be a whole segment, like `{id}`");
        }
        if (!IsPathChar(c)) {
          return Bad(text, "segment `" + std::string(segment) + "`: character `" +
                               std::string(1, c) +
                               "` is not allowed in a path (no query strings or spaces)");
        }
      }
      parsed.text = std::string(segment);
    }
    out.segments.push_back(std::move(parsed));
    start = end + 1;
  }
  return out;
}

std::string JoinTemplatePaths(std::string_view parent, std::string_view child) {
  if (parent == "/" || parent.empty()) return std::string(child);
  if (child == "/") return std::string(parent) + "/";  // refused by ParsePathTemplate
  return std::string(parent) + std::string(child);
}

}  // namespace shadowdiff
