// Form comparator: two application/x-www-form-urlencoded bodies compared as key/value maps
// (body_codec/form_parser.h decodes them), so field order does not matter but the order of
// a repeated key's values does.
//
// Diffs have path "form:<decoded key>" and kind missing / extra / value. A value is a JSON
// string; when either side repeats the key, both sides are shown as JSON arrays of strings
// (["1","2"]) and compared as lists. Diffs come in the old body's key order, then the keys
// only the new body has, in its order.
//
// Pure function; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_TEXT_FORM_COMPARATOR_H_
#define SHADOWDIFF_COMPARATORS_TEXT_FORM_COMPARATOR_H_

#include <cstddef>
#include <string_view>

#include "src/core/diff.h"

namespace shadowdiff {

// Appends the differences to out->diffs, at most `max_diffs` in total (counting the ones
// already there); past that sets out->truncated.
void CompareForms(std::string_view old_body, std::string_view new_body, size_t max_diffs,
                  Comparison* out);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_TEXT_FORM_COMPARATOR_H_
