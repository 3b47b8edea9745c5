// PageRequest: the paging query parameters of the list routes (API.md): `limit` 1..100
// (default 20) and `after` (the last token or id of the previous page). Other parameters are
// ignored. Pure; thread-safe.
#ifndef DEMO_SERVICES_COMMON_PAGE_REQUEST_H_
#define DEMO_SERVICES_COMMON_PAGE_REQUEST_H_

#include <optional>
#include <string>
#include <string_view>

#include "src/core/result.h"

namespace demo {

inline constexpr int kDefaultPageLimit = 20;
inline constexpr int kMaxPageLimit = 100;

struct PageRequest {
  int limit = kDefaultPageLimit;
  std::optional<std::string> after;  // absent, or given as "after=" (empty): first page
};

// Parses the query string (without '?'). Errors (answer 400): limit not an integer in
// 1..100, a bad percent-escape, a parameter given twice.
shadowdiff::Result<PageRequest> ParsePageRequest(std::string_view query);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_PAGE_REQUEST_H_
