// PathTemplate: an endpoint's path such as `/merchants/{merchant_id}/customers/{token}`,
// split into whole segments that are either literal text or a `{name}` parameter.
//
// Rules: starts with `/`; no empty segments (`//`) and no trailing `/` (except the root
// `/`, which has no segments); a parameter is a whole segment whose name matches
// [A-Za-z_][A-Za-z0-9_]* and is unique within the template; literal segments use only
// RFC 3986 path characters (percent-escapes allowed, matched as written).
// Plain values; thread-safe.
#ifndef SHADOWDIFF_CORE_PATH_TEMPLATE_H_
#define SHADOWDIFF_CORE_PATH_TEMPLATE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/result.h"

namespace shadowdiff {

struct PathSegment {
  bool is_param = false;
  std::string text;  // literal text, or the parameter name without braces

  bool operator==(const PathSegment&) const = default;
};

struct PathTemplate {
  std::string text;  // as written, e.g. "/merchants/{merchant_id}"
  std::vector<PathSegment> segments;

  // The template with parameter names erased ("/merchants/{}"): two templates with the
  // same shape match exactly the same paths.
  std::string Shape() const;
};

inline constexpr size_t kMaxPathSegments = 64;

// Parses a full template. Errors name the offending segment, e.g.
// "parameter `{id}` appears twice in `/a/{id}/b/{id}`".
Result<PathTemplate> ParsePathTemplate(std::string_view text);

// A child's full template: its parent's followed by its own path (`/` + `/x` is `/x`).
std::string JoinTemplatePaths(std::string_view parent, std::string_view child);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_PATH_TEMPLATE_H_
