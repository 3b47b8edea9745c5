#include "tools/demo-services/common/money.h"

namespace demo {

std::optional<int64_t> ParsePositiveAmount(std::string_view text) {
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9) return std::nullopt;
  if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 2)) {
    return std::nullopt;
  }
  int64_t cents = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
    cents = cents * 10 + (c - '0');
  }
  for (size_t i = 0; i < 2; ++i) {
    int digit = 0;
    if (i < fraction.size()) {
      char c = fraction[i];
      if (c < '0' || c > '9') return std::nullopt;
      digit = c - '0';
    }
    cents = cents * 10 + digit;
  }
  if (cents <= 0 || cents > kMaxAmountCents) return std::nullopt;
  return cents;
}

std::string FormatCentsTwoDecimals(int64_t cents) {
  std::string text = cents < 0 ? "-" : "";
  uint64_t magnitude = cents < 0 ? 0 - static_cast<uint64_t>(cents) : static_cast<uint64_t>(cents);
  text += std::to_string(magnitude / 100);
  text += '.';
  text += static_cast<char>('0' + magnitude % 100 / 10);
  text += static_cast<char>('0' + magnitude % 10);
  return text;
}

std::string FormatCentsAsJsonNumber(int64_t cents) {
  std::string text = FormatCentsTwoDecimals(cents);
  if (text.ends_with("00")) return text.substr(0, text.size() - 3);
  if (text.ends_with('0')) text.pop_back();
  return text;
}

}  // namespace demo
