// Utf8SequenceLength: the one well-formedness rule for UTF-8 (RFC 3629: no overlong forms,
// no UTF-16 surrogates, nothing above U+10FFFF) that the config prescan, the JSON parser, the
// JSON escaping of stored examples (AppendJsonString) and the text sniffing of bodies
// (LooksLikeText) all apply. Pure, header-only (it sits in inner loops).
#ifndef SHADOWDIFF_CORE_UTF8_H_
#define SHADOWDIFF_CORE_UTF8_H_

#include <cstddef>
#include <string_view>

namespace shadowdiff {

// Length (1-4) of the well-formed UTF-8 sequence starting at text[i] (i < text.size()), or 0
// when the bytes there are not one.
inline size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) return 1;
  size_t len = 0;
  unsigned min_second = 0x80, max_second = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) min_second = 0xA0;
    if (b0 == 0xED) max_second = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) min_second = 0x90;
    if (b0 == 0xF4) max_second = 0x8F;
  } else {
    return 0;
  }
  if (len > text.size() - i) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    const unsigned lo = k == 1 ? min_second : 0x80;
    const unsigned hi = k == 1 ? max_second : 0xBF;
    if (b < lo || b > hi) return 0;
  }
  return len;
}

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_UTF8_H_
