// Request, Response and Exchange: the recorded halves of one HTTP exchange, as the
// comparators, stores and replay see them. Plain values; no I/O, no ownership beyond
// their own strings.
#ifndef SHADOWDIFF_CORE_EXCHANGE_H_
#define SHADOWDIFF_CORE_EXCHANGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shadowdiff {

// Header fields in wire order, names as received (compare names case-insensitively).
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// The first value of header `name` (case-insensitive), or nullopt.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);

// ASCII case-insensitive equality, for header names.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // "GET"
  std::string target;  // request-target as on the request line: "/a/b?c=d"
  HeaderList headers;
  std::string body;
};

struct Response {
  int status = 0;
  HeaderList headers;
  std::string body;  // as received (possibly Content-Encoded); see comparators/body_codec
  // True when `body` holds only a prefix of what was received (the buffering cap).
  bool body_truncated = false;
  double duration_ms = 0;
};

struct Exchange {
  Request request;
  Response response;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_EXCHANGE_H_
