// FormFields and ParseForm: an application/x-www-form-urlencoded body (WHATWG URL standard,
// "application/x-www-form-urlencoded parsing") as an ordered list of decoded key/value
// pairs, the way the form comparator reads it.
//
// Lenient, as browsers are: "&"-separated pairs, empty pairs skipped, a pair without "="
// is a key with an empty value, "+" is a space, "%XX" is a byte, and a malformed escape
// ("%", "%4", "%zz") is kept literally. Decoded bytes are not validated as UTF-8.
//
// Pure function; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_BODY_CODEC_FORM_PARSER_H_
#define SHADOWDIFF_COMPARATORS_BODY_CODEC_FORM_PARSER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shadowdiff {

// Pairs in body order; a key may repeat.
using FormFields = std::vector<std::pair<std::string, std::string>>;

FormFields ParseForm(std::string_view body);

// Percent-decodes one form component ("+" as space, malformed escapes kept literally).
std::string DecodeFormComponent(std::string_view component);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_BODY_CODEC_FORM_PARSER_H_
