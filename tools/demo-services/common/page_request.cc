#include "tools/demo-services/common/page_request.h"

#include <charconv>

#include "tools/demo-services/common/percent_decode.h"

namespace demo {

using shadowdiff::Error;
using shadowdiff::Result;

Result<PageRequest> ParsePageRequest(std::string_view query) {
  PageRequest page;
  bool seen_limit = false;
  bool seen_after = false;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t equals = pair.find('=');
    auto name = PercentDecode(pair.substr(0, equals), true);
    auto value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!name || !value) return Error{"malformed query string (bad percent-escape)"};
    if (*name == "limit") {
      if (seen_limit) return Error{"limit is given more than once"};
      seen_limit = true;
      int limit = 0;
      auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), limit);
      if (value->empty() || ec != std::errc() || end != value->data() + value->size() ||
          limit < 1 || limit > kMaxPageLimit) {
        return Error{"limit must be an integer from 1 to 100"};
      }
      page.limit = limit;
    } else if (*name == "after") {
      if (seen_after) return Error{"after is given more than once"};
      seen_after = true;
      if (!value->empty()) page.after = std::move(*value);
    }
  }
  return page;
}

}  // namespace demo
