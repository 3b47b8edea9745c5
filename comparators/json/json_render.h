// Rendering of one JsonDocument value as the compact JSON text a Diff carries.
//
// Containers are rendered from their source text with insignificant whitespace removed
// (escapes and number spellings are kept as sent); strings are re-escaped from their decoded
// bytes. A rendering longer than kMaxDiffValueBytes is replaced by a JSON string summarising
// it: "<object of 57 members, 4312 bytes> {\"id\":1,\"name\":..." (a prefix of the value;
// strings: "<string of 3000 bytes> \"abc...").
// Linear in the value's size, no recursion. Pure functions; thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_RENDER_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_RENDER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "comparators/json/json_document.h"

namespace shadowdiff {

// Replaces *out with the (possibly summarised) compact JSON of doc.node(node).
void RenderDiffValue(const JsonDocument& doc, uint32_t node, std::string* out);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_RENDER_H_
