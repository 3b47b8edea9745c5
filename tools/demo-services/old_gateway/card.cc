#include "tools/demo-services/old_gateway/card.h"

namespace demo {
namespace {

int LeadingNumber(std::string_view digits, size_t count) {
  int value = 0;
  for (size_t i = 0; i < count && i < digits.size(); ++i) value = value * 10 + (digits[i] - '0');
  return value;
}

std::string BrandOf(std::string_view digits) {
  if (digits.starts_with('4')) return "visa";
  int two = LeadingNumber(digits, 2);
  int four = LeadingNumber(digits, 4);
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return "mastercard";
  if (two == 34 || two == 37) return "amex";
  return "other";
}

}  // namespace

bool PassesLuhn(std::string_view digits) {
  int sum = 0;
  bool double_it = false;
  for (size_t i = digits.size(); i-- > 0;) {
    int digit = digits[i] - '0';
    if (double_it) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

std::optional<CardSummary> AcceptCardNumber(std::string_view number) {
  std::string digits;
  for (char c : number) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
  }
  if (digits.size() < 12 || digits.size() > 19 || !PassesLuhn(digits)) return std::nullopt;
  return CardSummary{BrandOf(digits), digits.substr(digits.size() - 4)};
}

}  // namespace demo
