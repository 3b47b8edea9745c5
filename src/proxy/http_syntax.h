// HTTP/1.1 syntax shared by the proxy's request guard (http_guard), the upstream wire code
// (upstream_wire) and the upstream response parser (response_parser): tokens, optional
// whitespace, field-value text, lists and case-insensitive comparison with fixed lowercase
// names. Inline and table-driven: they run for every byte of every head the proxy reads or
// writes. Pure; thread-safe.
#ifndef SHADOWDIFF_PROXY_HTTP_SYNTAX_H_
#define SHADOWDIFF_PROXY_HTTP_SYNTAX_H_

#include <array>
#include <cstddef>
#include <string_view>

namespace shadowdiff {

namespace http_syntax_internal {
// RFC 9110 tchar: "!#$%&'*+-.^_`|~", DIGIT, ALPHA; indexed by the byte as unsigned char.
inline constexpr std::array<bool, 256> kTokenChar = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}();
// field-value and reason-phrase octets: HTAB, SP, VCHAR, obs-text — no other control (so CR
// and LF end a scan with it).
inline constexpr std::array<bool, 256> kFieldTextChar = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = c == '\t' || (c >= 0x20 && c != 0x7f);
  return table;
}();
}  // namespace http_syntax_internal

constexpr bool IsTokenChar(char c) {
  return http_syntax_internal::kTokenChar[static_cast<unsigned char>(c)];
}

// A non-empty run of token characters.
constexpr bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

constexpr bool IsFieldTextChar(char c) {
  return http_syntax_internal::kFieldTextChar[static_cast<unsigned char>(c)];
}

// OWS = *( SP / HTAB ).
constexpr bool IsOws(char c) { return c == ' ' || c == '\t'; }

constexpr std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

// EqualsIgnoreCase(s, lower) when `lower` has no ASCII upper-case letter (a fixed field name
// such as "content-length"): the guard and the wire code compare every field of every
// request and response against such names, and most differ in length, which costs one
// compare here.
constexpr bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

// Calls `fn(element)` for each element of a comma-separated list (RFC 9110 §5.6.1), OWS
// trimmed, until fn returns false. Empty elements are skipped when `allow_empty`, else they
// make the list invalid. Returns false when the list is invalid or fn refused an element.
template <typename Fn>
bool ForEachListElement(std::string_view list, bool allow_empty, Fn&& fn) {
  for (;;) {
    const size_t comma = list.find(',');
    const std::string_view element = TrimOws(list.substr(0, comma));
    if (element.empty()) {
      if (!allow_empty) return false;
    } else if (!fn(element)) {
      return false;
    }
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_HTTP_SYNTAX_H_
