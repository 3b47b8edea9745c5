// Percent-decoding of URL path segments and query-string parts (RFC 3986). Pure.
#ifndef DEMO_SERVICES_COMMON_PERCENT_DECODE_H_
#define DEMO_SERVICES_COMMON_PERCENT_DECODE_H_

#include <optional>
#include <string>
#include <string_view>

namespace demo {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query strings);
// nullopt on a truncated or non-hex escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_PERCENT_DECODE_H_
