#include "comparators/json/json_number.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <system_error>

#include "comparators/json/json_hash_mix.h"

namespace shadowdiff {
namespace {

constexpr int64_t kExponentClamp = 1'000'000'000'000'000;  // 10^15

// A view of a number's text as sign * 0.d1d2...dn * 10^exponent with d1 != 0 and dn != 0
// (n == 0 for zero). The digits are the integer digits followed by the fraction digits,
// indexed from `first` (skipping leading zeros) for `count` digits.
struct Decimal {
  bool negative = false;
  std::string_view int_digits;
  std::string_view frac_digits;
  size_t first = 0;
  size_t count = 0;  // 0: the value is zero
  int64_t exponent = 0;

  char Digit(size_t i) const {
    const size_t k = first + i;
    return k < int_digits.size() ? int_digits[k] : frac_digits[k - int_digits.size()];
  }
};

Decimal Normalise(std::string_view text) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  size_t start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  d.int_digits = text.substr(start, i - start);
  if (i < text.size() && text[i] == '.') {
    start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    d.frac_digits = text.substr(start, i - start);
  }
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool negative_exponent = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative_exponent = text[i++] == '-';
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      exponent = exponent * 10 + (text[i] - '0');
      if (exponent > kExponentClamp) exponent = kExponentClamp;
    }
    if (negative_exponent) exponent = -exponent;
  }
  const size_t total = d.int_digits.size() + d.frac_digits.size();
  auto digit_at = [&d](size_t k) {
    return k < d.int_digits.size() ? d.int_digits[k] : d.frac_digits[k - d.int_digits.size()];
  };
  size_t first = 0;
  while (first < total && digit_at(first) == '0') ++first;
  if (first == total) return Decimal{};  // zero, whatever its sign or exponent
  size_t last = total;
  while (digit_at(last - 1) == '0') --last;
  d.first = first;
  d.count = last - first;
  // 0.d1d2... * 10^exponent: the first significant digit has weight 10^(int_len - first - 1).
  d.exponent = static_cast<int64_t>(d.int_digits.size()) - static_cast<int64_t>(first) + exponent;
  return d;
}

bool ToDouble(std::string_view text, double* out) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(*out);
}

}  // namespace

bool NumbersEqualExactly(std::string_view a, std::string_view b) {
  if (a == b) return true;
  const Decimal x = Normalise(a);
  const Decimal y = Normalise(b);
  if (x.count != y.count) return false;
  if (x.count == 0) return true;
  if (x.negative != y.negative || x.exponent != y.exponent) return false;
  for (size_t i = 0; i < x.count; ++i) {
    if (x.Digit(i) != y.Digit(i)) return false;
  }
  return true;
}

bool NumbersEqual(std::string_view a, std::string_view b, double tolerance) {
  if (NumbersEqualExactly(a, b)) return true;
  if (!(tolerance > 0)) return false;
  double x = 0;
  double y = 0;
  if (!ToDouble(a, &x) || !ToDouble(b, &y)) return false;
  return std::fabs(x - y) <= tolerance;
}

uint64_t NumberHash(std::string_view text) {
  const Decimal d = Normalise(text);
  if (d.count == 0) return MixHash(0x5a3d'0000'0000'0001ULL);
  uint64_t h =
      MixHash(static_cast<uint64_t>(d.exponent) ^ (d.negative ? 0x8000'0000'0000'0000ULL : 0));
  uint64_t word = 0;
  for (size_t i = 0; i < d.count; ++i) {
    word = (word << 4) | static_cast<uint64_t>(d.Digit(i) - '0');
    if ((i & 15) == 15) {
      h = MixHash(h ^ word);
      word = 0;
    }
  }
  return MixHash(h ^ word ^ (static_cast<uint64_t>(d.count) << 56));
}

}  // namespace shadowdiff
