// Card masking: finds payment card numbers (PANs) in arbitrary text and masks them the way
// PCI DSS allows a PAN to be displayed — at most the first six and the last four digits
// stay — before anything is written, shown or exported (SPEC.md `redact:`).
//
// What counts as a card number: a run of 13 to 19 ASCII digits that passes the Luhn check,
// where single separators may stand between digits. Separators are ' ', '-', '+' (a space in
// a query string or form body) and the escapes "%20" / "%2D" (a space / dash in a URL). The
// run must not be part of a longer digit run: a 25-digit id is never partly masked. Where
// digits are grouped by separators ("4111 1111 1111 1111 12/25"), every stretch of whole
// groups of 13-19 digits is checked, so a PAN written next to other digits is still found.
//
// How it is masked: the first six and last four digits of the run stay; the middle digits
// become zeros except one, chosen so the masked number is Luhn-valid again (a replayed
// capture still passes a service's card validation). If that fill happens to be the
// original number, the first middle digit becomes 1 (and the check digit is recomputed), so
// the masked number is never the original. Separators and every non-digit byte stay in
// place; the length never changes. The fill depends only on the digits that stay, so one
// number always masks the same way (useful for grouping) and nothing about the hidden digits
// survives. (A hash of the number would leak them: with six + four digits known, the middle
// 3-9 digits fall to brute force.) Masking a masked number again keeps it valid and shows
// nothing new, but is not idempotent (the result differs from its input, by the rule above).
// Overlapping Luhn-valid stretches (in "G 4111 1111 1111 1111", when "G 4111 1111 1111"
// passes too) are masked as one span that keeps only the span's first six and last four
// digits, so no stretch shows more than its own first six and last four; the span (or,
// beyond 19 digits, its longest stretch) is made Luhn-valid, and no stretch in it is left
// equal to its original.
//
// Limits, said plainly: false positives are accepted on purpose — any Luhn-valid 13-19 digit
// run is masked (one random digit run in ten passes Luhn: some order numbers, phone-number
// groups, timestamps joined by dashes). Not found: PANs whose digits are themselves escaped
// ("%34%31..." or "\u0034..." in raw text), separated by other characters ('.', '/', two
// spaces), split across values, or encoded (base64, compressed).
//
// Pure functions; thread-safe.
#ifndef SHADOWDIFF_CORE_CARD_MASKER_H_
#define SHADOWDIFF_CORE_CARD_MASKER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace shadowdiff {

inline constexpr size_t kMinCardDigits = 13;
inline constexpr size_t kMaxCardDigits = 19;

// True when `digits` (ASCII digits only, nothing else) is non-empty and passes the Luhn check.
bool IsLuhnValid(std::string_view digits);

// Cheap pre-check: true when `text` holds at least kMinCardDigits ASCII digits. When false,
// the masking functions below return `text` untouched and allocate nothing.
bool MayHoldCardNumber(std::string_view text);

// Masks every card number in data[0, size) in place (see above). Returns how many runs were
// masked. Only digit bytes are changed.
size_t MaskCardNumbersInPlace(char* data, size_t size);
size_t MaskCardNumbersInPlace(std::string& text);

// A masked copy, e.g. for a log line or an error message.
std::string MaskCardNumbers(std::string_view text);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_CARD_MASKER_H_
