// Header comparator: the response headers an endpoint's rules name (compare.headers), and
// nothing else: Date, Server, request ids and the like differ on every response.
//
// Names match case-insensitively. A header sent as several field lines is one value, the
// lines' values joined with ", " in wire order (RFC 9110 section 5.3), so "Vary: a" + "Vary:
// b" equals "Vary: a, b". Values are compared exactly, byte for byte.
//
// Pure functions; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_HEADERS_HEADER_COMPARATOR_H_
#define SHADOWDIFF_COMPARATORS_HEADERS_HEADER_COMPARATOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/diff.h"
#include "src/core/exchange.h"

namespace shadowdiff {

// All values of header `name` (case-insensitive) joined with ", ", or nullopt if absent.
std::optional<std::string> JoinedHeaderValue(const HeaderList& headers, std::string_view name);

// Appends, for each name in `names`, a Diff at "header:<lower-case name>": kMissing if only
// old has it, kExtra if only new has it, kValue if the joined values differ. Values are JSON
// strings (long ones summarised, see comparators/text/text_value.h).
void CompareHeaders(const HeaderList& old_headers, const HeaderList& new_headers,
                    const std::vector<std::string>& names, Comparison* out);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_HEADERS_HEADER_COMPARATOR_H_
