// Exact comparison and hashing of JSON numbers from their source text.
//
// A JSON number is a decimal: it is normalised (sign, significant digits without leading or
// trailing zeros, decimal exponent) without converting to a double, so 1 == 1.0 == 1e0 ==
// 10e-1, -0 == 0, and integers or fractions of any length compare digit by digit.
// Exponents beyond +-10^15 are clamped (numbers that far apart are not told apart).
//
// Inputs must be valid JSON number text (as JsonParser guarantees). Pure functions;
// thread-safe.
#ifndef SHADOWDIFF_COMPARATORS_JSON_JSON_NUMBER_H_
#define SHADOWDIFF_COMPARATORS_JSON_JSON_NUMBER_H_

#include <cstdint>
#include <string_view>

namespace shadowdiff {

// True when the two numbers are the same decimal value.
bool NumbersEqualExactly(std::string_view a, std::string_view b);

// True when NumbersEqualExactly, or, for tolerance > 0, |a - b| <= tolerance as doubles
// (numbers outside the double range are never within tolerance).
bool NumbersEqual(std::string_view a, std::string_view b, double tolerance);

// A hash of the normalised value: numbers that are NumbersEqualExactly hash alike.
uint64_t NumberHash(std::string_view text);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_JSON_JSON_NUMBER_H_
