// Content-Type classification: which comparator reads a body, decided from its media type,
// and content sniffing for bodies whose type says nothing useful.
//
// Charset limit, said plainly: bodies are compared as bytes. A `charset` parameter is not
// honoured, so a Latin-1 (or UTF-16, Shift_JIS, ...) text body sniffs as binary when it is
// not also valid UTF-8, and two bodies that differ only in their encoding of the same text
// compare as different. Diff values show such bytes as U+FFFD (src/core/diff_json.h).
//
// Pure functions; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_BODY_CODEC_CONTENT_TYPE_H_
#define SHADOWDIFF_COMPARATORS_BODY_CODEC_CONTENT_TYPE_H_

#include <string_view>

namespace shadowdiff {

enum class MediaClass {
  kJson,     // application/json, application/*+json, text/json
  kForm,     // application/x-www-form-urlencoded
  kText,     // text/*, */xml, */*+xml, */javascript, */ecmascript
  kUnknown,  // anything else, or no Content-Type: sniff the bytes
};

// Classifies a Content-Type field value ("application/json; charset=utf-8"): type and
// subtype are matched case-insensitively, parameters ignored.
MediaClass ClassifyContentType(std::string_view content_type);

// True if `bytes` is well-formed UTF-8 (RFC 3629) without NUL bytes: what shadowdiff treats
// as text when the Content-Type does not say.
bool LooksLikeText(std::string_view bytes);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_BODY_CODEC_CONTENT_TYPE_H_
