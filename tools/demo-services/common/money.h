// Money amounts as integer cents, and their two text forms (API.md): the old gateway's decimal
// strings with exactly two decimals ("12.50") and the new service's JSON numbers written
// exactly, without binary floating point ("12.5", "12", "0.07").
#ifndef DEMO_SERVICES_COMMON_MONEY_H_
#define DEMO_SERVICES_COMMON_MONEY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace demo {

// Largest accepted amount: 999 999 999.99 (keeps every sum far from int64 overflow).
inline constexpr int64_t kMaxAmountCents = 99'999'999'999;

// "12.50", "12.5", "12" -> cents; nullopt for anything else (sign, exponent, more than two
// decimals, empty parts, zero, over kMaxAmountCents).
std::optional<int64_t> ParsePositiveAmount(std::string_view text);

// 1250 -> "12.50".
std::string FormatCentsTwoDecimals(int64_t cents);

// 1250 -> "12.5", 1200 -> "12", 7 -> "0.07": the shortest exact decimal, usable as a JSON number.
std::string FormatCentsAsJsonNumber(int64_t cents);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_MONEY_H_
